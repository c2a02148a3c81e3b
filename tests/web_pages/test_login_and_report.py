"""Logging in and out, the stakeholder report form, and following a report."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from trustwell.incidents.service import get_incident
from trustwell.store import Store
from web_pages.conftest import PUBLIC, csrf_of, login, make_client, token


def test_login_sets_a_secure_session_cookie_and_returns_to_the_page(
    client: TestClient, store: Store
) -> None:
    form = client.get("/login", params={"next": "/incidents"})
    answer = client.post(
        "/login",
        data={
            "token": token(store, "responder"),
            "csrf_token": csrf_of(form.text),
            "next": "/incidents",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/incidents"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "trustwell_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in this test
    page = client.get("/incidents").text
    assert "Logged in as responder-person (responder)." in page
    assert "Signed in as <strong>responder-person</strong>" in page


def test_the_session_cookie_is_secure_over_https(project_dir: Path) -> None:
    with make_client(project_dir, base_url="https://testserver") as client:
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        form = client.get("/login")
        answer = client.post(
            "/login",
            data={"token": token(store, "viewer"), "csrf_token": csrf_of(form.text)},
            follow_redirects=False,
        )
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "trustwell_session" in c)
        assert "Secure" in cookie


def test_a_wrong_token_is_refused_with_401(client: TestClient) -> None:
    form = client.get("/login")
    answer = client.post("/login", data={"token": "tw_nope", "csrf_token": csrf_of(form.text)})
    assert answer.status_code == 401
    assert "That token is unknown or has been revoked." in answer.text
    assert "trustwell_session" not in answer.headers.get("set-cookie", "")


def test_login_needs_the_csrf_token_too(client: TestClient, store: Store) -> None:
    client.get("/login")
    answer = client.post("/login", data={"token": token(store, "viewer")})
    assert answer.status_code == 403


def test_login_never_redirects_to_another_site(client: TestClient, store: Store) -> None:
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "token": token(store, "viewer"),
            "csrf_token": csrf_of(form.text),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_logout_ends_the_session(client: TestClient, store: Store) -> None:
    form = client.get("/login")
    client.post("/login", data={"token": token(store, "viewer"), "csrf_token": csrf_of(form.text)})
    csrf = csrf_of(client.get("/").text)
    refused = client.post("/logout", data={})
    assert refused.status_code == 403
    answer = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    assert "Signed in as" not in client.get("/").text


def test_the_report_form_answers_with_a_reference_and_opens_an_incident(
    client: TestClient, store: Store
) -> None:
    form = client.get("/report", params={"asset": "marts.kpi"})
    assert '<option value="marts.kpi" selected>' in form.text
    answer = client.post(
        "/report",
        data={
            "asset": "marts.kpi",
            "description": "Weekly KPI doubled",
            "urgency": "high",
            "contact": "cfo@acme.test",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert answer.status_code == 200
    assert 'Your reference is <strong class="reference">RPT-' in answer.text
    reference = answer.text.split('class="reference">', 1)[1].split("<", 1)[0]
    assert "INC-1 is open and the on-call engineer" in answer.text
    assert get_incident(store, "INC-1").detection_source == "report"
    follow = client.get(f"/reports/{reference}")
    assert follow.status_code == 200
    assert "Weekly KPI doubled" in follow.text
    assert "cfo@acme.test" not in follow.text
    assert 'href="/incidents/INC-1"' in follow.text


def test_a_report_on_a_known_incident_says_so(client: TestClient, incident: str) -> None:
    form = client.get("/report")
    answer = client.post(
        "/report",
        data={
            "asset": "marts.kpi",
            "description": "numbers look low",
            "urgency": "normal",
            "contact": "ana@acme.test",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert "Already known: INC-1" in answer.text
    assert PUBLIC in answer.text


def test_a_report_without_the_csrf_token_is_refused(client: TestClient, store: Store) -> None:
    client.get("/report")
    answer = client.post(
        "/report",
        data={"asset": "marts.kpi", "description": "x", "urgency": "low", "contact": "a@b.test"},
    )
    assert answer.status_code == 403
    from trustwell.web.pages.queries import open_incidents

    assert open_incidents(store) == []


def test_an_incomplete_report_is_explained_and_keeps_what_was_typed(client: TestClient) -> None:
    form = client.get("/report")
    answer = client.post(
        "/report",
        data={
            "asset": "marts.kpi",
            "description": "kept text",
            "urgency": "low",
            "contact": "",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert answer.status_code == 422
    assert "Please tell us your e-mail address." in answer.text
    assert ">kept text</textarea>" in answer.text


def test_unknown_report_is_a_404_page(client: TestClient) -> None:
    assert client.get("/reports/RPT-NOPE00").status_code == 404


def test_a_contact_that_is_not_an_email_address_is_explained_and_nothing_opens(
    client: TestClient, store: Store
) -> None:
    from trustwell.web.pages.queries import open_incidents

    form = client.get("/report")
    answer = client.post(
        "/report",
        data={
            "asset": "marts.kpi",
            "description": "kept text",
            "urgency": "low",
            "contact": "call me on 555",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert answer.status_code == 422
    assert "Enter an e-mail address like name@example.com, to hear back." in answer.text
    assert open_incidents(store) == []


def test_a_logged_in_reporter_is_the_actor_of_the_report(client: TestClient, store: Store) -> None:
    csrf = login(client, store, "reporter")
    answer = client.post(
        "/report",
        data={
            "asset": "marts.kpi",
            "description": "numbers look low",
            "urgency": "normal",
            "contact": "ana@acme.test",
            "csrf_token": csrf,
        },
    )
    assert answer.status_code == 200
    (entry,) = [e for e in get_incident(store, "INC-1").timeline if e.kind == "report"]
    assert entry.actor == "reporter-person"


def test_an_anonymous_form_survives_a_restart_and_works_on_a_second_process(
    project_dir: Path,
) -> None:
    # The anonymous CSRF key is kept in the store, no longer made per process.
    with make_client(project_dir) as first:
        form = first.get("/report")
        cookie = first.cookies.get("trustwell_csrf")
    assert cookie
    with make_client(project_dir) as second:
        second.cookies.set("trustwell_csrf", cookie)
        answer = second.post(
            "/report",
            data={
                "asset": "marts.kpi",
                "description": "Weekly KPI doubled",
                "urgency": "high",
                "contact": "cfo@acme.test",
                "csrf_token": csrf_of(form.text),
            },
        )
    assert answer.status_code == 200, answer.text
    assert "Your reference is" in answer.text
