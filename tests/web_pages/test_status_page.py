"""The status page and asset pages, as the public and as logged-in people see them."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from trustwell.store import Store
from web_pages.conftest import INTERNAL, PUBLIC, csrf_of, login, make_client


def test_public_status_page_shows_states_and_the_public_update_but_never_internal_text(
    client: TestClient, incident: str
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "1 open incident." in page.text
    assert "INC-1" in page.text
    assert PUBLIC in page.text
    assert INTERNAL not in page.text
    for asset in ("raw.feed", "marts.kpi", "other.table"):
        assert f'href="/assets/{asset}"' in page.text
    # The state is a word and an icon, not colour alone.
    assert 'class="badge state-incident"><span aria-hidden="true">✕</span> Incident' in page.text
    assert "Next update by" in page.text


def test_public_incident_page_lists_only_public_updates(client: TestClient, incident: str) -> None:
    page = client.get("/incidents/INC-1")
    assert page.status_code == 200
    assert PUBLIC in page.text
    assert INTERNAL not in page.text
    assert "Declared SEV-" not in page.text  # the internal declaration text
    assert "Incident Commander" not in page.text
    assert '<form method="post" action="/incidents/INC-1' not in page.text


def asset_table(client: TestClient, **params: str) -> str:
    page = client.get("/", params=params).text
    return page.split('<table class="cards assets">', 1)[1].split("</table>", 1)[0]


def test_filters_and_search_narrow_the_asset_list(client: TestClient, incident: str) -> None:
    only_growth = asset_table(client, team="growth-analytics")
    assert 'href="/assets/marts.kpi"' in only_growth
    assert 'href="/assets/raw.feed"' not in only_growth
    searched = asset_table(client, q="OTHER")
    assert 'href="/assets/other.table"' in searched
    assert 'href="/assets/marts.kpi"' not in searched
    assert "1 of 3 assets." in client.get("/", params={"q": "OTHER"}).text
    incident_only = asset_table(client, state="incident")
    assert 'href="/assets/raw.feed"' in incident_only
    assert 'href="/assets/other.table"' not in incident_only


def test_private_status_page_sends_a_visitor_to_login(project_dir: Path) -> None:
    settings = project_dir / "trustwell.yml"
    settings.write_text(settings.read_text() + "status_page: private\n")
    with make_client(project_dir) as client:
        for path in ("/", "/assets/raw.feed", "/incidents", "/incidents/INC-1", "/report"):
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login?next=")
        assert client.get("/login").status_code == 200
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        login(client, store, "viewer")
        assert client.get("/", follow_redirects=False).status_code == 200


def test_asset_page_shows_checks_with_a_history_chart_and_lineage(
    client: TestClient, incident: str
) -> None:
    page = client.get("/assets/raw.feed")
    assert page.status_code == 200
    assert '<svg class="spark" role="img"' in page.text
    assert "<title>" in page.text.split('<svg class="spark"', 1)[1]
    assert 'href="/assets/marts.kpi"' in page.text  # downstream
    assert 'href="/incidents/INC-1"' in page.text
    downstream = client.get("/assets/marts.kpi").text
    assert 'href="/assets/raw.feed"' in downstream  # upstream


def test_unknown_asset_is_a_404_page(client: TestClient) -> None:
    answer = client.get("/assets/raw.fed")
    assert answer.status_code == 404
    assert "unknown asset &#39;raw.fed&#39;" in answer.text


def test_anyone_may_subscribe_on_a_public_page_but_only_sessions_see_addresses(
    client: TestClient, store: Store
) -> None:
    page = client.get("/assets/marts.kpi")
    assert "1 subscriber is told" in page.text  # finance@acme.test, from YAML
    assert "finance@acme.test" not in page.text
    answer = client.post(
        "/assets/marts.kpi/subscribe",
        data={"email": "ana@acme.test", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    after = client.get(answer.headers["location"]).text
    assert "ana@acme.test will be told when marts.kpi becomes untrustworthy." in after
    assert "2 subscribers are told" in after
    login(client, store, "viewer")
    assert "ana@acme.test</li>" in client.get("/assets/marts.kpi").text


def test_subscribing_without_the_csrf_cookie_is_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/assets/marts.kpi").text)
    client.cookies.clear()
    answer = client.post(
        "/assets/marts.kpi/subscribe", data={"email": "x@acme.test", "csrf_token": token}
    )
    assert answer.status_code == 403
    assert "2 subscribers" not in client.get("/assets/marts.kpi").text


def test_a_bad_email_is_explained_on_the_page(client: TestClient) -> None:
    page = client.get("/assets/marts.kpi")
    answer = client.post(
        "/assets/marts.kpi/subscribe",
        data={"email": "not-an-email", "csrf_token": csrf_of(page.text)},
    )
    assert answer.status_code == 422
    assert "Enter an e-mail address like name@example.com." in answer.text


def test_static_stylesheet_is_served(client: TestClient) -> None:
    answer = client.get("/static/trustwell.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in answer.text
    assert client.get("/static/..%2Fapp.py").status_code == 404


def test_the_use_case_filter_keeps_the_assets_of_that_use_case(project_dir: Path) -> None:
    assets = project_dir / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace("    tier: 1\n", "    tier: 1\n    use_cases: [finance]\n")
    )
    settings = project_dir / "trustwell.yml"
    settings.write_text(settings.read_text() + "use_cases:\n  finance: {risk: low}\n")
    with make_client(project_dir) as client:
        assert '<option value="finance">finance</option>' in client.get("/").text
        only = asset_table(client, use_case="finance")
        assert 'href="/assets/marts.kpi"' in only
        assert 'href="/assets/raw.feed"' not in only


def test_the_public_never_sees_the_internal_resolution_summary(
    client: TestClient, store: Store, project_dir: Path, incident: str
) -> None:
    from trustwell.incidents.service import acknowledge, resolve

    project = client.app.state.project  # type: ignore[attr-defined]
    acknowledge(store, project, "INC-1", actor="carol")
    resolve(store, project, "INC-1", cause="third-party", summary=INTERNAL, actor="carol")
    public = client.get("/incidents/INC-1").text
    assert "can be trusted again" in public  # the public text of the resolution
    assert INTERNAL not in public
    login(client, store, "viewer")
    assert INTERNAL in client.get("/incidents/INC-1").text
