"""The JSON API over real HTTP, on SQLite and on PostgreSQL: what a client sees."""

from __future__ import annotations

from typing import Any

import pytest
from web_site import LiveServer, api_error, load_warehouse, ok_json

API = "/api/v1"


def _declare(server: LiveServer, asset: str = "marts.kpi", title: str = "KPIs look off") -> Any:
    return ok_json(
        server.as_("responder").post(f"{API}/incidents", json={"asset": asset, "title": title}),
        201,
    )


def _stale_feed_run(server: LiveServer) -> Any:
    load_warehouse(server.root, feed_loaded_at="2026-11-20 06:00:00")
    return ok_json(server.as_("responder").post(f"{API}/runs", json={"assets": ["raw.feed"]}), 201)


# --- assets ---------------------------------------------------------------------------


def test_assets_are_listed_with_their_state_filters_and_total(server: LiveServer) -> None:
    viewer = server.as_("viewer")
    response = viewer.get(f"{API}/assets")
    assets = ok_json(response)
    assert [a["asset"] for a in assets] == ["raw.feed", "marts.kpi", "other.table"]
    assert {a["state"] for a in assets} == {"unknown"}  # never checked
    assert response.headers["X-Total-Count"] == "3"
    assert set(assets[0]) >= {"asset", "state", "tier", "owner", "use_cases", "reason"}

    def names(**params: Any) -> list[str]:
        return [a["asset"] for a in ok_json(viewer.get(f"{API}/assets", params=params))]

    assert names(owner="growth-analytics") == ["marts.kpi", "other.table"]
    assert names(use_case="finance") == ["marts.kpi"]
    assert names(q="ORDERS") == ["raw.feed"]  # in the description, any case
    assert names(state="trusted") == []
    page = viewer.get(f"{API}/assets", params={"limit": 1, "offset": 1})
    assert [a["asset"] for a in ok_json(page)] == ["marts.kpi"]
    assert page.headers["X-Total-Count"] == "3"
    api_error(viewer.get(f"{API}/assets", params={"limit": 0}), 422, "invalid")


def test_asset_detail_and_unknown_asset_404(server: LiveServer) -> None:
    viewer = server.as_("viewer")
    detail = ok_json(viewer.get(f"{API}/assets/marts.kpi"))
    assert detail["asset"] == "marts.kpi" and detail["upstream"] == ["raw.feed"]
    assert detail["schedule"] == "*/15 * * * *"
    assert [c["name"] for c in detail["checks"]] == ["row_count"]
    message = api_error(viewer.get(f"{API}/assets/marts.kpj"), 404, "not_found")
    assert message.startswith("unknown asset 'marts.kpj'")
    assert "marts.kpi" in message  # did you mean


def test_run_trigger_records_results_and_opens_an_incident(server: LiveServer) -> None:
    run = _stale_feed_run(server)
    assert run["status"] == "fail"
    assert {r["asset"] for r in run["results"]} == {"raw.feed"}
    assert len(run["incidents"]) == 1
    incidents = ok_json(server.as_("viewer").get(f"{API}/incidents"))
    assert [(i["root_asset"], i["detection_source"]) for i in incidents] == [("raw.feed", "check")]
    history = ok_json(
        server.as_("viewer").get(f"{API}/assets/raw.feed/results", params={"limit": 1})
    )
    assert len(history) == 1 and history[0]["asset"] == "raw.feed"
    states = {a["asset"]: a["state"] for a in ok_json(server.as_("viewer").get(f"{API}/assets"))}
    assert states["raw.feed"] == "incident" and states["marts.kpi"] == "incident"
    assert server.count("runs WHERE actor = 'ross'") == 1
    assert server.count("audit_log WHERE action = 'run.triggered' AND actor = 'ross'") == 1
    api_error(
        server.as_("viewer").get(f"{API}/assets/raw.feed/results?check=nope"), 404, "not_found"
    )
    message = api_error(
        server.as_("responder").post(f"{API}/runs", json={"assets": ["raw.fed"]}), 422, "invalid"
    )
    assert message.startswith("unknown asset 'raw.fed'")


# --- incidents ------------------------------------------------------------------------


def test_incident_lifecycle_through_every_action(server: LiveServer) -> None:
    responder = server.as_("responder")
    incident = _declare(server)
    ident = incident["id"]
    assert incident["status"] == "declared" and incident["detection_source"] == "manual"
    assert incident["severity"] == "SEV-1"  # marts.kpi is tier 1

    def act(action: str, body: Any = None) -> Any:
        return ok_json(responder.post(f"{API}/incidents/{ident}/{action}", json=body))

    assert act("ack")["status"] == "acknowledged"
    assert act("status", {"status": "investigating"})["status"] == "investigating"
    updated = act(
        "updates",
        {"message": "feed late", "public": "KPIs may be stale", "eta": "2026-11-22T11:00:00Z"},
    )
    assert updated["latest_public_update"] == "KPIs may be stale"
    assert act("assign", {"commander": "bob"})["commander"] == "bob"
    assert act("severity", {"severity": "SEV-2", "reason": "one dashboard"})["severity"] == "SEV-2"
    resolved = act("resolve", {"cause": "upstream-source", "summary": "feed reloaded"})
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    assert {e["actor"] for e in resolved["timeline"][1:]} <= {"ross", "trustwell"}
    assert "ross" in {e["actor"] for e in resolved["timeline"]}
    shown = ok_json(server.as_("viewer").get(f"{API}/incidents/{ident}"))
    assert shown == resolved
    message = api_error(responder.post(f"{API}/incidents/{ident}/ack"), 409, "illegal_transition")
    assert ident in message
    assert ok_json(server.as_("viewer").get(f"{API}/incidents", params={"status": "open"})) == []
    resolved_list = server.as_("viewer").get(f"{API}/incidents", params={"status": "resolved"})
    assert [i["id"] for i in ok_json(resolved_list)] == [ident]


def test_dismiss_and_incident_errors(server: LiveServer) -> None:
    responder = server.as_("responder")
    ident = _declare(server, "other.table", "not a problem")["id"]
    dismissed = ok_json(
        responder.post(f"{API}/incidents/{ident}/dismiss", json={"reason": "expected"})
    )
    assert dismissed["status"] == "dismissed"
    api_error(server.as_("viewer").get(f"{API}/incidents/INC-999"), 404, "not_found")
    api_error(server.as_("viewer").get(f"{API}/incidents/nonsense"), 404, "not_found")
    api_error(responder.post(f"{API}/incidents/INC-999/ack"), 404, "not_found")
    message = api_error(
        responder.post(
            f"{API}/incidents/{ident}/resolve", json={"cause": "gremlins", "summary": "x"}
        ),
        422,
        "invalid",
    )
    assert message.startswith("unknown cause 'gremlins'")
    api_error(
        responder.post(f"{API}/incidents", json={"asset": "nope", "title": "x"}), 422, "invalid"
    )
    for bad in (
        {"asset": "marts.kpi", "title": "x", "extra": 1},  # unknown field
        {"asset": "marts.kpi", "title": "bad\x00title"},  # control character
        {"asset": "marts.kpi", "title": "x", "severity": "SEV-9"},
        {"asset": "marts.kpi", "title": "x", "occurred_at": "0001-01-01T00:00:00+05:00"},
        {"asset": "marts.kpi", "title": "x", "occurred_at": "2026-11-22T08:00:00"},  # no zone
        {"asset": "marts.kpi", "title": "x" * 301},
    ):
        api_error(responder.post(f"{API}/incidents", json=bad), 422, "invalid")
    api_error(responder.post(f"{API}/incidents", content=b"{not json"), 422, "invalid")
    assert server.count("incidents") == 1


# --- auth -------------------------------------------------------------------------------


def test_missing_or_wrong_token_is_401_and_nothing_changes(server: LiveServer) -> None:
    anonymous = server.anonymous()
    body = {"asset": "marts.kpi", "title": "x"}
    for headers in ({}, {"Authorization": "Bearer tw_wrong"}, {"Authorization": "Basic abc"}):
        response = anonymous.post(f"{API}/incidents", json=body, headers=headers)
        api_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"
        api_error(anonymous.get(f"{API}/assets", headers=headers), 401, "unauthorized")
    assert server.count("incidents") == 0


def test_auth_is_decided_before_the_request_is_looked_at(server: LiveServer) -> None:
    # a refused caller learns nothing: not whether the body is valid, nor what exists
    anonymous, viewer = server.anonymous(), server.as_("viewer")
    api_error(anonymous.post(f"{API}/incidents", content=b"{not json"), 401, "unauthorized")
    api_error(anonymous.post(f"{API}/incidents", json={"nonsense": 1}), 401, "unauthorized")
    api_error(viewer.post(f"{API}/incidents", json={"nonsense": 1}), 403, "forbidden")
    api_error(viewer.post(f"{API}/incidents/INC-404/ack"), 403, "forbidden")
    api_error(anonymous.get(f"{API}/assets/no.such.asset"), 401, "unauthorized")


REFUSED = [
    ("viewer", "post", "/reports", {"asset": "marts.kpi", "description": "x", "contact": "a@b.co"}),
    ("viewer", "post", "/assets/marts.kpi/subscriptions", {"email": "a@b.co"}),
    ("reporter", "post", "/incidents", {"asset": "marts.kpi", "title": "x"}),
    ("reporter", "post", "/runs", {"assets": ["raw.feed"]}),
    ("reporter", "post", "/incidents/{id}/ack", None),
    ("reporter", "post", "/incidents/{id}/resolve", {"cause": "unknown", "summary": "x"}),
    ("reporter", "post", "/actions", {"title": "x"}),
    ("responder", "get", "/outbox", None),
]
TABLES = ("incidents", "timeline", "runs", "reports", "subscriptions", "action_items")


def test_insufficient_role_is_403_and_nothing_changes(server: LiveServer) -> None:
    ident = _declare(server)["id"]
    before = {table: server.count(table) for table in TABLES}
    for role, method, path, body in REFUSED:
        client = server.as_(role)
        url = API + path.format(id=ident)
        response = client.post(url, json=body) if method == "post" else client.get(url)
        message = api_error(response, 403, "forbidden")
        assert role in message, (role, path)
    assert {table: server.count(table) for table in TABLES} == before
    assert ok_json(server.as_("viewer").get(f"{API}/incidents/{ident}"))["status"] == "declared"


# --- reports, subscriptions, actions, metrics ---------------------------------------------


def test_report_opens_an_incident_then_the_next_one_links_to_it(server: LiveServer) -> None:
    reporter = server.as_("reporter")
    body = {"asset": "marts.kpi", "description": "CAC doubled", "urgency": "high"}
    first = ok_json(reporter.post(f"{API}/reports", json={**body, "contact": "cfo@acme.test"}), 201)
    assert first["reference"].startswith("RPT-")
    assert first["incident"]["status"] == "declared"
    assert first["message"].startswith(f"Thank you: {first['incident']['id']} is open")
    second = ok_json(
        reporter.post(f"{API}/reports", json={**body, "contact": "cmo@acme.test"}), 201
    )
    assert second["incident"] == first["incident"]
    assert second["message"].startswith(f"Already known: {first['incident']['id']}")
    shown = ok_json(server.as_("viewer").get(f"{API}/reports/{first['reference']}"))
    assert shown["outcome"] == "opened" and shown["incident"]["id"] == first["incident"]["id"]
    assert "cfo@acme.test" not in str(shown)  # the contact is never shown
    api_error(server.as_("viewer").get(f"{API}/reports/RPT-NOPE00"), 404, "not_found")
    incident = ok_json(server.as_("viewer").get(f"{API}/incidents/{first['incident']['id']}"))
    assert incident["detection_source"] == "report"
    message = api_error(
        reporter.post(f"{API}/reports", json={**body, "asset": "marts.kp", "contact": "a@b.co"}),
        422,
        "invalid",
    )
    assert message.startswith("unknown asset 'marts.kp'")


def test_report_links_to_an_open_incident_upstream(server: LiveServer) -> None:
    run = _stale_feed_run(server)
    (opened,) = run["incidents"]
    answer = ok_json(
        server.as_("reporter").post(
            f"{API}/reports",
            json={"asset": "marts.kpi", "description": "old numbers", "contact": "x@acme.test"},
        ),
        201,
    )
    assert answer["incident"]["id"] == opened["id"]
    assert answer["message"].startswith(f"Already known: {opened['id']}")


def test_subscribe_is_idempotent_and_listed(server: LiveServer) -> None:
    reporter = server.as_("reporter")
    url = f"{API}/assets/marts.kpi/subscriptions"
    created = ok_json(reporter.post(url, json={"email": "ann@acme.test"}), 201)
    assert created["created"] is True and "ann@acme.test" in created["subscribers"]
    again = ok_json(reporter.post(url, json={"email": "ann@acme.test"}))
    assert again["created"] is False
    assert "ann@acme.test" in ok_json(server.as_("viewer").get(url))
    api_error(reporter.post(url, json={"email": "not-an-address"}), 422, "invalid")
    api_error(
        reporter.post(f"{API}/assets/nope/subscriptions", json={"email": "a@b.co"}),
        404,
        "not_found",
    )
    assert server.count("audit_log WHERE actor = 'rita'") >= 1


def test_action_items_added_listed_and_closed(server: LiveServer) -> None:
    responder = server.as_("responder")
    ident = _declare(server)["id"]
    item = ok_json(
        responder.post(
            f"{API}/actions",
            json={
                "title": "Add a freshness check",
                "owner": "alice",
                "incident": ident,
                "due_at": "2026-12-01T00:00:00Z",
            },
        ),
        201,
    )
    assert item["incident"] == ident and item["status"] == "open" and item["created_by"] == "ross"
    alone = ok_json(responder.post(f"{API}/actions", json={"title": "Tidy the runbook"}), 201)
    listed = server.as_("viewer").get(f"{API}/actions", params={"open": "true"})
    assert {i["id"] for i in ok_json(listed)} == {item["id"], alone["id"]}
    assert listed.headers["X-Total-Count"] == "2"
    done = ok_json(responder.post(f"{API}/actions/{item['id']}/done"))
    assert done["status"] == "done"
    api_error(responder.post(f"{API}/actions/{item['id']}/done"), 409, "conflict")
    api_error(responder.post(f"{API}/actions/9999/done"), 404, "not_found")
    api_error(
        responder.post(f"{API}/actions", json={"title": "x", "incident": "INC-99"}),
        404,
        "not_found",
    )
    assert [i["id"] for i in ok_json(server.as_("viewer").get(f"{API}/actions?open=true"))] == [
        alone["id"]
    ]


def test_metrics_json_has_the_keys_of_trustwell_metrics(server: LiveServer) -> None:
    _declare(server)
    metrics = ok_json(server.as_("viewer").get(f"{API}/metrics"))
    assert set(metrics) >= {
        "incidents", "ttd", "tta", "ttr", "recurring", "detection_sources",
        "internal_detection_share", "by_severity", "by_team", "by_month",
    }  # fmt: skip
    assert metrics["incidents"] == 1
    assert set(metrics["ttd"]) == {"median_seconds", "p90_seconds"}
    later = ok_json(server.as_("viewer").get(f"{API}/metrics", params={"since": "2026-12-01"}))
    assert later["incidents"] == 0
    api_error(server.as_("viewer").get(f"{API}/metrics", params={"since": "soon"}), 422, "invalid")


def test_outbox_is_for_admins(server: LiveServer) -> None:
    _stale_feed_run(server)
    rows = ok_json(server.as_("admin").get(f"{API}/outbox"))
    assert rows and {"id", "channel", "event", "status"} <= set(rows[0])
    assert {r["channel"] for r in rows} == {"ops"}
    assert {r["status"] for r in rows} == {"pending"}  # nothing listens: waiting to retry


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/incidents/INC-1/fly"])
def test_unknown_route_is_a_404_error_body(server: LiveServer, path: str) -> None:
    api_error(server.as_("viewer").get(path), 404, "not_found")


# --- Prometheus -------------------------------------------------------------------------


def test_prometheus_text_counts_results_incidents_outbox_and_states(server: LiveServer) -> None:
    _stale_feed_run(server)
    response = server.anonymous().get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples = dict(
        line.rsplit(" ", 1) for line in response.text.splitlines() if not line.startswith("#")
    )
    assert samples['trustwell_check_results{status="fail"}'] == "1"  # freshness
    assert samples['trustwell_check_results{status="pass"}'] == "1"  # unique
    assert samples['trustwell_open_incidents{severity="SEV-1"}'] == "1"  # marts.kpi downstream
    assert samples['trustwell_open_incidents{severity="SEV-2"}'] == "0"
    assert samples['trustwell_assets{state="incident"}'] == "2"
    assert samples['trustwell_assets{state="unknown"}'] == "1"
    assert int(samples["trustwell_outbox_backlog"]) >= 1  # the ops webhook is down
    assert samples["trustwell_deliveries_failed_total"] == "0"
    assert all(name.startswith("trustwell_") for name in samples)
