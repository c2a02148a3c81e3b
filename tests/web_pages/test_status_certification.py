"""Certification, trust history bars and their filters on the status page, and the
asset page's certification panel, SLO budget charts and badge snippets: a real app
over a real SQLite store, with decisions stored by real runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from incidents.conftest import Warehouse
from trustwell.checks.result import CheckResult, RunReport
from trustwell.config.models import Project
from trustwell.display import percent
from trustwell.slo.burndown import POINTS
from trustwell.slo.service import asset_slos
from trustwell.store import Store
from trustwell.store.service import record_run
from web_pages.conftest import INTERNAL, make_client

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
USE_CASES = """\
use_cases:
  exec_reporting:
    description: Numbers the board sees.
    requires: [freshness, unique, owner]
  weekly_kpis:
    requires: [row_count, lineage: known]
"""


@pytest.fixture
def cert_client(project_dir: Path) -> Iterator[TestClient]:
    settings = project_dir / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    assets = project_dir / "assets" / "acme.yml"
    text = assets.read_text()
    text = text.replace(
        "  - name: raw.feed\n", "  - name: raw.feed\n    use_cases: [exec_reporting]\n"
    )
    text = text.replace(
        "  - name: marts.kpi\n",
        "  - name: marts.kpi\n    use_cases: [weekly_kpis, exec_reporting]\n"
        "    slos:\n      - {check: row_count, objective: 90%, window: 28d}\n",
    )
    assets.write_text(text)
    with make_client(project_dir) as opened:
        yield opened


def parts(client: TestClient) -> tuple[Project, Store]:
    app = client.app
    return app.state.project, app.state.store  # type: ignore[attr-defined]


def run(client: TestClient) -> None:
    from trustwell.checks.service import run_project

    run_project(parts(client)[0])


def row_of(page: str, asset: str) -> str:
    """The status table's row of ``asset`` (its HTML)."""
    body = page.split('<table class="cards assets">', 1)[1].split("</table>", 1)[0]
    (row,) = [r for r in body.split("<tr>") if f'href="/assets/{asset}"' in r]
    return row


def assets_listed(client: TestClient, **params: str) -> list[str]:
    page = client.get("/", params=params).text
    return re.findall(r'<th scope="row"><a href="/assets/([^"]+)"', page)


def cells(row: str) -> list[str]:
    """The titles of the row's trust bar cells, oldest first."""
    bar = row.split('<ol class="trust-bar"', 1)[1].split("</ol>", 1)[0]
    return [unescape(t) for t in re.findall(r'<li class="d-[a-z]+" title="([^"]*)"', bar)]


def test_chips_show_each_use_case_state_with_since_and_reason(cert_client: TestClient) -> None:
    run(cert_client)
    page = cert_client.get("/").text
    feed = row_of(page, "raw.feed")
    assert '<span class="badge cert-certified"' in feed
    assert "exec_reporting: Certified" in feed
    # since and reason: in the tooltip and as text for screen readers
    about = "Certified since 22 Nov 2026 09:00 UTC: meets every requirement of exec_reporting"
    assert f'title="{about}"' in feed
    assert f'<span class="visually-hidden">, {about}</span>' in feed
    kpi = row_of(page, "marts.kpi")
    assert "weekly_kpis: Certified" in kpi
    assert "exec_reporting: Uncertified" in kpi
    assert "freshness: the asset has no freshness check" in unescape(kpi)
    assert "no use case" in row_of(page, "other.table")


def test_filters_by_certification_and_use_case_combine_with_search(
    cert_client: TestClient,
) -> None:
    run(cert_client)
    assert assets_listed(cert_client, certification="uncertified") == ["marts.kpi"]
    assert assets_listed(cert_client, certification="certified") == ["raw.feed", "marts.kpi"]
    certified_exec = assets_listed(
        cert_client, certification="certified", use_case="exec_reporting"
    )
    assert certified_exec == ["raw.feed"]
    assert assets_listed(cert_client, certification="certified", q="kpi") == ["marts.kpi"]
    assert assets_listed(cert_client, use_case="weekly_kpis") == ["marts.kpi"]
    assert assets_listed(cert_client, certification="revoked") == []
    page = cert_client.get("/", params={"certification": "at_risk"}).text
    assert "No asset matches." in page
    # the form keeps the choice (it works without JavaScript: a GET form)
    assert '<option value="at_risk" selected>at risk</option>' in page
    assert '<select id="certification" name="certification">' in page


def test_a_revoked_certificate_shows_on_the_next_request_with_its_incident(
    cert_client: TestClient, project_dir: Path
) -> None:
    run(cert_client)
    assert "exec_reporting: Certified" in row_of(cert_client.get("/").text, "raw.feed")
    Warehouse(project_dir).load(feed_loaded_at="2026-11-20 06:00:00")  # stale now
    run(cert_client)
    page = cert_client.get("/").text
    feed = unescape(row_of(page, "raw.feed"))
    assert "exec_reporting: Revoked" in feed
    assert "INC-1 (SEV-" in feed and "no open incident is allowed" in feed
    # the mart's weekly_kpis certificate falls with the incident upstream of it
    assert assets_listed(cert_client, certification="revoked") == ["raw.feed", "marts.kpi"]
    revoked_exec = assets_listed(cert_client, certification="revoked", use_case="exec_reporting")
    assert revoked_exec == ["raw.feed"]
    # today's cell of the feed and of the mart downstream of it: the incident
    assert cells(row_of(page, "raw.feed"))[-1] == "Sun 22 Nov: incident (INC-1 was open)"
    assert cells(row_of(page, "marts.kpi"))[-1] == "Sun 22 Nov: incident (INC-1 was open)"


def result(asset: str, check: str, status: str, value: float = 5.0) -> CheckResult:
    return CheckResult(
        asset=asset,
        check=check,
        type="row_count",
        status=status,  # type: ignore[arg-type]
        value=value,
        threshold={"min": 1},
        failing_fraction=None,
        message="m",
    )


def test_history_bar_has_ninety_days_from_stored_results_and_incidents(
    cert_client: TestClient,
) -> None:
    project, store = parts(cert_client)
    for days, status in ((10, "pass"), (10, "fail"), (4, "warn")):
        at = NOW - timedelta(days=days)
        report = RunReport(
            f"r-{days}-{status}", at, at, [result("other.table", "row_count", status)]
        )
        record_run(store, report, project=project.settings.name)
    run(cert_client)
    page = cert_client.get("/").text
    for asset in ("raw.feed", "marts.kpi", "other.table"):
        assert len(cells(row_of(page, asset))) == 90
    other = cells(row_of(page, "other.table"))
    assert other[-1] == "Sun 22 Nov: trusted (1 result passed)"
    assert other[-1 - 4] == "Wed 18 Nov: warning (1 warned of 1 result)"
    assert other[-1 - 10] == "Thu 12 Nov: warning (1 failed of 2 results)"
    assert other[-1 - 11] == "Wed 11 Nov: no data"
    assert other[0] == "Tue 25 Aug: no data"
    assert 'aria-label="Trust history of other.table, last 90 days: 1 trusted, 2 warning' in page
    # a result stamped before today, stored after the page was cached, is counted
    at = NOW - timedelta(days=2)
    late = RunReport("late", at, at, [result("other.table", "imported_rows", "fail")])
    record_run(store, late, project=project.settings.name)
    again = cells(row_of(cert_client.get("/").text, "other.table"))
    assert again[-1 - 2] == "Fri 20 Nov: warning (1 failed of 1 result)"


def test_the_status_page_shows_a_hundred_assets_a_page(project_dir: Path) -> None:
    lines = ["assets:"]
    lines += [f"  - {{name: bulk.t{i:03d}, owner: growth-analytics}}" for i in range(130)]
    (project_dir / "assets" / "bulk.yml").write_text("\n".join(lines) + "\n")
    with make_client(project_dir) as client:
        first = client.get("/", params={"team": "growth-analytics"}).text
        names = re.findall(r'<th scope="row"><a href="/assets/([^"]+)"', first)
        assert len(names) == 100 and names[0] == "marts.kpi"
        assert "Assets 1–100 of 132 matching (133 in all)." in first
        assert 'href="/?team=growth-analytics&amp;page=2" rel="next"' in first
        second = assets_listed(client, team="growth-analytics", page="2")
        assert len(second) == 32 and second[-1] == "bulk.t129"
        assert not set(names) & set(second)
        assert assets_listed(client, team="growth-analytics", page="9") == second  # the last
        assert assets_listed(client, team="growth-analytics", page="x") == names
        assert assets_listed(client, team="growth-analytics", page="9" * 5000) == names


def test_asset_page_has_the_certification_panel_with_each_requirement(
    cert_client: TestClient,
) -> None:
    run(cert_client)
    page = unescape(cert_client.get("/assets/raw.feed").text)
    panel = page.split('<section aria-labelledby="h-cert">', 1)[1].split("</section>", 1)[0]
    assert "<h3 " in panel and ">exec_reporting</h3>" in panel
    assert "Numbers the board sees." in panel
    assert re.search(r"Certified</span>\s+since <time[^>]*>22 Nov 2026 09:00 UTC</time>", panel)
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th>'
        r'<td data-label="Verdict"><span class="badge verdict-(\w+)">.*?</td>'
        r'<td data-label="Evidence">([^<]*)</td>',
        panel,
    )
    assert rows == [
        ("freshness", "holds", "freshness:loaded_at passed"),
        ("unique", "holds", "unique:id passed"),
        ("owner", "holds", "owner is 'data-platform'"),
    ]
    kpi = unescape(cert_client.get("/assets/marts.kpi").text)
    assert "no evidence" in kpi and "the asset has no freshness check" in kpi


def test_asset_page_badge_snippets_for_the_asset_and_each_use_case(
    cert_client: TestClient,
) -> None:
    page = cert_client.get("/assets/marts.kpi").text
    values = [unescape(v) for v in re.findall(r'readonly value="([^"]*)"', page)]
    base = "http://127.0.0.1:8000/badges/marts.kpi.svg"
    assert values == [
        f'<img src="{base}" alt="trust badge">',
        f'<img src="{base}?use_case=weekly_kpis" alt="trust badge for weekly_kpis">',
        f'<img src="{base}?use_case=exec_reporting" alt="trust badge for exec_reporting">',
    ]
    assert "<img src=" not in page.replace("&lt;img src=", "")  # text to copy, not an image


def test_asset_page_draws_each_slos_error_budget_left_over_its_window(
    cert_client: TestClient,
) -> None:
    project, store = parts(cert_client)
    for day in range(1, 21):
        at = NOW - timedelta(days=day)
        status = "fail" if day == 12 else "pass"
        report = RunReport(f"k{day}", at, at, [result("marts.kpi", "row_count", status)])
        record_run(store, report, project=project.settings.name)
    page = cert_client.get("/assets/marts.kpi").text
    (oracle,) = asset_slos(store, project, "marts.kpi", NOW)
    assert oracle.budget_left is not None and 0 < oracle.budget_left < 1
    svg = page.split('<svg class="budget', 1)[1].split("</svg>", 1)[0]
    label = unescape(re.search(r'aria-label="([^"]+)"', svg).group(1))  # type: ignore[union-attr]
    assert label == (
        "Error budget of row_count passed on marts.kpi over the last 28d:"
        f" {percent(oracle.budget_left)} left now (objective 90 %, lowest"
        f" {percent(oracle.budget_left)})"
    )
    points = re.search(r'<polyline class="budget-line" fill="none" points="([^"]+)"', svg)
    assert points is not None and len(points.group(1).split()) == POINTS
    caption = unescape(page.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0])
    assert f"budget left {percent(oracle.budget_left)}" in caption
    # an asset without SLOs has no such section
    assert 'id="h-slos"' not in cert_client.get("/assets/raw.feed").text


def test_anonymous_visitors_see_certification_reasons_but_no_internal_text(
    cert_client: TestClient, project_dir: Path
) -> None:
    from trustwell.incidents.service import post_update

    run(cert_client)
    Warehouse(project_dir).load(feed_loaded_at="2026-11-20 06:00:00")
    run(cert_client)
    project, store = parts(cert_client)
    post_update(store, project, "INC-1", message=INTERNAL, public="Late.", actor="carol")
    for path in ("/", "/assets/raw.feed"):
        page = unescape(cert_client.get(path).text)
        assert "exec_reporting" in page and "Revoked" in page
        assert "no open incident is allowed" in page
        assert INTERNAL not in page


def test_asset_page_shows_the_trust_score_with_every_part_as_the_trust_json_has_it(
    cert_client: TestClient, project_dir: Path
) -> None:
    from trustwell.certification.trust import trust_document

    run(cert_client)
    Warehouse(project_dir).load(feed_loaded_at="2026-11-20 06:00:00")
    run(cert_client)  # INC-1 open on the feed: its score loses the incident part
    project, store = parts(cert_client)
    document = trust_document(store, project, "raw.feed", NOW)["score"]
    page = unescape(cert_client.get("/assets/raw.feed").text)
    section = page.split('<section aria-labelledby="h-score"', 1)[1].split("</section>", 1)[0]
    value = re.search(r'<strong class="score-value">(\d+)</strong> of 100', section)
    assert value is not None and int(value.group(1)) == document["value"] < 100
    assert f"formula version {document['formula_version']}" in section
    shown = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td data-label="Weight">([^<]+)</td>'
        r'<td data-label="Value">([^<]+)</td><td data-label="Points">[^<]+</td>'
        r'<td data-label="Why">([^<]*)</td>',
        section,
    )
    assert shown == [
        (p["signal"].replace("_", " "), percent(p["weight"]), percent(p["value"]), p["detail"])
        for p in document["parts"]
    ]
    assert "open on the asset: INC-1 (SEV-" in section


def test_each_row_shows_the_trust_score_with_its_parts(cert_client: TestClient) -> None:
    """The chip's number and parts are the trust document's (the API's and the badge's)."""
    from trustwell.certification.trust import trust_document
    from trustwell.clock import now

    run(cert_client)
    project, store = parts(cert_client)
    page = cert_client.get("/").text
    for asset in ("raw.feed", "marts.kpi", "other.table"):
        score = trust_document(store, project, asset, now())["score"]
        cell = row_of(page, asset).split('<td data-label="Score">', 1)[1].split("</td>", 1)[0]
        assert f"<strong>{score['value']}</strong>" in cell
        assert f"Trust score {score['value']} of 100 (formula {score['formula_version']})" in cell
        shown = re.findall(r'<span class="score-tip-part"><b>([a-z_]+)</b> (\d+) %', cell)
        assert shown == [(p["signal"], f"{p['weight'] * 100:.0f}") for p in score["parts"]]
        for part in score["parts"]:
            assert unescape(part["detail"]) in unescape(cell)
    # a failing run lowers the score on the next request (the cache keys on results)
    before = row_of(page, "raw.feed")
    Warehouse(cert_client.app.state.project.root).load(  # type: ignore[attr-defined]
        feed_loaded_at="2026-11-22 08:00:00", duplicate=True
    )
    run(cert_client)
    after = row_of(cert_client.get("/").text, "raw.feed")
    value = re.compile(
        r'<td data-label="Score"><span class="score-chip" tabindex="0"><strong>(\d+)'
    )
    assert int(value.findall(after)[0]) < int(value.findall(before)[0])
