"""The incident room: forms for responders only, CSRF on every POST, domain errors on the page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from trustwell.config.models import Project
from trustwell.incidents.service import get_incident
from trustwell.store import Store
from web_pages.conftest import INTERNAL, PUBLIC, login, parse


def post(client: TestClient, path: str, csrf: str, **fields: str) -> object:
    return client.post(path, data={"csrf_token": csrf, **fields}, follow_redirects=False)


def test_a_viewer_sees_the_internal_timeline_but_no_forms(
    client: TestClient, store: Store, incident: str
) -> None:
    login(client, store, "viewer")
    page = client.get("/incidents/INC-1").text
    assert INTERNAL in page and PUBLIC in page
    assert "Incident Commander" in page
    assert [a for a in parse(page).actions if a.startswith("/incidents/")] == []


def test_a_viewer_posting_an_action_is_refused_and_nothing_changes(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "viewer")
    answer = client.post("/incidents/INC-1/ack", data={"csrf_token": csrf})
    assert answer.status_code == 403
    assert "This needs the responder role; viewer-person is a viewer." in answer.text
    assert get_incident(store, "INC-1").status == "declared"


def test_a_responder_acknowledges_and_resolves_through_the_forms(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    page = client.get("/incidents/INC-1").text
    actions = parse(page).actions
    for action in ("ack", "status", "updates", "commander", "severity", "dismiss", "actions"):
        assert f"/incidents/INC-1/{action}" in actions
    assert "/incidents/INC-1/resolve" not in actions  # a declared incident is acknowledged first
    acked = post(client, "/incidents/INC-1/ack", csrf)
    assert acked.status_code == 303  # type: ignore[attr-defined]
    assert acked.headers["location"] == "/incidents/INC-1"  # type: ignore[attr-defined]
    assert "INC-1 acknowledged." in client.get("/incidents/INC-1").text
    again = client.get("/incidents/INC-1").text
    assert "INC-1 acknowledged." not in again  # shown once
    assert "/incidents/INC-1/resolve" in parse(again).actions
    assert "/incidents/INC-1/ack" not in parse(again).actions
    resolved = post(
        client, "/incidents/INC-1/resolve", csrf, cause="third-party", summary="vendor fixed"
    )
    assert resolved.status_code == 303  # type: ignore[attr-defined]
    done = get_incident(store, "INC-1")
    assert (done.status, done.cause, done.summary) == ("resolved", "third-party", "vendor fixed")
    assert done.acknowledged_at is not None
    assert [e.actor for e in done.timeline if e.kind == "status"] == [
        "responder-person",
        "responder-person",
    ]


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_and_nothing_changes(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    before = get_incident(store, "INC-1")
    missing = client.post("/incidents/INC-1/ack", data={})
    wrong = client.post("/incidents/INC-1/ack", data={"csrf_token": csrf[:-2] + "xx"})
    anonymous_token = client.post("/incidents/INC-1/resolve", data={"csrf_token": ""})
    for answer in (missing, wrong, anonymous_token):
        assert answer.status_code == 403
        assert "nothing was changed" in answer.text
    assert get_incident(store, "INC-1") == before


def test_anonymous_posts_are_refused(client: TestClient, store: Store, incident: str) -> None:
    answer = client.post("/incidents/INC-1/ack", data={"csrf_token": "x"})
    assert answer.status_code == 403
    assert "you are not logged in" in answer.text
    assert get_incident(store, "INC-1").status == "declared"


def test_an_illegal_transition_shows_the_domain_message_with_409(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    answer = client.post("/incidents/INC-1/status", data={"csrf_token": csrf, "status": "closed"})
    assert answer.status_code == 409
    assert (
        "INC-1 is declared: it cannot move to closed; allowed: acknowledged, dismissed, "
        "identified, investigating, monitoring"
    ) in answer.text
    assert 'role="alert"' in answer.text


def test_an_update_with_public_text_and_eta_reaches_the_public_page(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    answer = post(
        client,
        "/incidents/INC-1/updates",
        csrf,
        message="backfill running",
        public="Backfill running; numbers complete by noon.",
        eta="2026-11-22T12:00",
    )
    assert answer.status_code == 303  # type: ignore[attr-defined]
    latest = get_incident(store, "INC-1").timeline[-1]
    assert latest.data is not None and latest.data["eta"] == "2026-11-22T12:00:00Z"
    assert "Expected fix" in client.get("/incidents/INC-1").text
    client.cookies.clear()
    public = client.get("/").text
    assert "Backfill running; numbers complete by noon." in public
    assert "backfill running" not in public


def test_an_update_without_its_internal_text_is_explained(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    answer = post(client, "/incidents/INC-1/updates", csrf, message=" ", public="kept")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "The internal update is required." in answer.text  # type: ignore[attr-defined]
    assert ">kept</textarea>" in answer.text  # type: ignore[attr-defined]


def test_hand_over_severity_and_dismiss(client: TestClient, store: Store, incident: str) -> None:
    csrf = login(client, store, "responder")
    post(client, "/incidents/INC-1/commander", csrf, commander="erin")
    post(client, "/incidents/INC-1/severity", csrf, severity="SEV-3", reason="only a test")
    post(client, "/incidents/INC-1/dismiss", csrf, reason="expected change")
    done = get_incident(store, "INC-1")
    assert (done.commander, done.severity, done.status) == ("erin", "SEV-3", "dismissed")
    unknown = post(client, "/incidents/INC-1/commander", csrf, commander="zed")
    assert unknown.status_code == 422  # type: ignore[attr-defined]


def test_action_items_are_added_and_closed(client: TestClient, store: Store, incident: str) -> None:
    from trustwell.incidents.actions import list_actions

    csrf = login(client, store, "responder")
    post(client, "/incidents/INC-1/actions", csrf, title="Alert on vendor lag", due="2026-12-01")
    (item,) = list_actions(store, incident=1)
    assert (item.title, item.status) == ("Alert on vendor lag", "open")
    assert f"#{item.id} Alert on vendor lag" in client.get("/incidents/INC-1").text
    post(client, f"/incidents/INC-1/actions/{item.id}/close", csrf, status="done")
    assert list_actions(store, incident=1)[0].status == "done"


def test_the_postmortem_is_drafted_edited_and_completed(
    client: TestClient, store: Store, project: Project, incident: str
) -> None:
    from trustwell.incidents.postmortem import postmortem_path

    csrf = login(client, store, "responder")
    post(client, "/incidents/INC-1/ack", csrf)
    post(client, "/incidents/INC-1/resolve", csrf, cause="third-party", summary="vendor fixed")
    post(client, "/incidents/INC-1/postmortem", csrf, intent="draft")
    page = client.get("/incidents/INC-1").text
    assert 'id="f-pm"' in page and "TODO:" in page
    refused = post(client, "/incidents/INC-1/postmortem", csrf, intent="complete", body="TODO: x")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "unfilled placeholder" in refused.text  # type: ignore[attr-defined]
    body = "# INC-1\n\nThe vendor was late; we now alert on lag.\n"
    done = post(client, "/incidents/INC-1/postmortem", csrf, intent="complete", body=body)
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert postmortem_path(project, "INC-1").read_text() == body
    closed = post(client, "/incidents/INC-1/status", csrf, status="closed")
    assert closed.status_code == 303  # type: ignore[attr-defined]
    assert get_incident(store, "INC-1").status == "closed"


def test_the_runbook_is_rendered_and_its_diagnostics_run_from_the_page(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    page = client.get("/incidents/INC-1").text
    assert '<h2 id="h-runbook">Runbook: Stale Data Warehouse Table' in page
    assert "/incidents/INC-1/diagnostics" in parse(page).actions
    answer = post(client, "/incidents/INC-1/diagnostics", csrf)
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    latest = get_incident(store, "INC-1").timeline[-1]
    assert (latest.kind, latest.actor) == ("runbook", "responder-person")
    assert latest.text.startswith("ran runbook stale-table on raw.feed:")


def test_unknown_incident_is_a_404_page(client: TestClient) -> None:
    answer = client.get("/incidents/INC-99")
    assert answer.status_code == 404
    assert "no incident INC-99" in answer.text


def test_an_incident_number_too_large_to_exist_is_a_404_page_not_a_crash(
    client: TestClient, store: Store, incident: str
) -> None:
    huge = "INC-99999999999999999999"
    answer = client.get(f"/incidents/{huge}")
    assert answer.status_code == 404
    assert f"no incident {huge}" in answer.text
    csrf = login(client, store, "responder")
    refused = post(client, f"/incidents/{huge}/ack", csrf)
    assert refused.status_code == 404  # type: ignore[attr-defined]


def test_a_page_number_past_any_database_integer_is_an_empty_page(client: TestClient) -> None:
    answer = client.get("/incidents", params={"status": "all", "page": "9" * 25})
    assert answer.status_code == 200
    assert "No incidents match." in answer.text
