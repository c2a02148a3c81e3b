"""The monthly review page, and the safe Markdown and sparkline helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from trustwell.store import Store
from trustwell.web.pages.rendering import render_markdown, sparkline, tiny_markdown
from web_pages.conftest import login


def test_the_review_shows_the_months_figures_with_charts(
    client: TestClient, store: Store, incident: str
) -> None:
    login(client, store, "viewer")
    page = client.get("/review", params={"month": "2026-11"})
    assert page.status_code == 200
    assert "Monthly review: 2026-11" in page.text
    assert page.text.count("<svg") >= 3
    assert "Time to detect" in page.text


def test_without_incidents_the_review_opens_on_the_current_month(
    client: TestClient, store: Store
) -> None:
    login(client, store, "viewer")
    assert "<h1>Monthly review: 2026-11</h1>" in client.get("/review").text


def test_the_review_opens_on_the_latest_month_that_has_incidents(
    client: TestClient, store: Store, incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # INC-1 was declared on 22 November; in January, December is empty.
    monkeypatch.setenv("TRUSTWELL_NOW", "2027-01-10T09:00:00Z")
    login(client, store, "viewer")
    page = client.get("/review").text
    assert "<h1>Monthly review: 2026-11</h1>" in page
    assert "<dt>Incidents</dt><dd>1</dd>" in page
    # a month asked for is shown even when empty
    assert "<h1>Monthly review: 2026-12</h1>" in client.get("/review?month=2026-12").text


def test_the_review_needs_a_session_and_a_real_month(client: TestClient, store: Store) -> None:
    answer = client.get("/review", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Freview"
    login(client, store, "viewer")
    bad = client.get("/review", params={"month": "2026-13"})
    assert bad.status_code == 400
    assert "&#39;2026-13&#39; is not a month like 2026-11." in bad.text


def test_markdown_escapes_raw_html_and_javascript_links() -> None:
    source = "# Steps\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n- one\n"
    for rendered in (str(render_markdown(source)), str(tiny_markdown(source))):
        assert "<script>" not in rendered
        assert 'href="javascript:' not in rendered
        assert "<h3>Steps</h3>" in rendered  # below the page's own h1/h2
        assert "<li>one</li>" in rendered


def test_tiny_markdown_keeps_code_blocks_verbatim_and_escaped() -> None:
    rendered = str(tiny_markdown("```sql\nSELECT 1 < 2\n```"))
    assert rendered == "<pre><code>SELECT 1 &lt; 2</code></pre>"


def test_sparkline_marks_failures_with_a_shape_and_names_the_latest_value() -> None:
    at = datetime(2026, 11, 22, 9, tzinfo=UTC)
    svg = str(sparkline([(at, 3.0, "pass"), (at, 1.0, "fail")], label="row_count <on> kpi"))
    assert svg.startswith('<svg class="spark" role="img"')
    assert 'class="spark-fail"' in svg and 'class="spark-pass"' in svg
    assert "row_count &lt;on&gt; kpi: 2 runs, from 1 to 3; latest 1 (fail)" in svg
    assert "no values yet" in str(sparkline([], label="x"))


def test_the_review_page_shows_the_figures_by_team_and_the_p90_of_tta(
    client: TestClient, store: Store, incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INC-1 (raw.feed, data-platform) went bad at 08:00 on the 21st (loaded 06:00 on the
    20th, max_age 26h), was declared at 09:00 on the 22nd and acknowledged 90 minutes later."""
    from trustwell.incidents.service import acknowledge

    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:30:00Z")
    acknowledge(store, client.app.state.project, incident, actor="alice")  # type: ignore[attr-defined]
    login(client, store, "viewer")
    page = client.get("/review", params={"month": "2026-11"}).text
    figures = page.split('id="h-figures"', 1)[1].split("</section>", 1)[0]
    assert (
        '<tr><th scope="row">Time to acknowledge</th>\n'
        '      <td data-label="Median">1h 30m</td>\n'
        '      <td data-label="90th percentile">1h 30m</td></tr>'
    ) in figures
    assert "<dt>Detected internally</dt><dd>100 %</dd>" in figures
    by_team = page.split('id="h-by-team"', 1)[1].split("</section>", 1)[0]
    assert (
        '<tr><th scope="row">data-platform</th><td data-label="Incidents">1</td>'
        '<td data-label="TTD median / p90">1d 1h / 1d 1h</td>'
        '<td data-label="TTA median / p90">1h 30m / 1h 30m</td>'
        '<td data-label="TTR median / p90">— / —</td>'
        '<td data-label="Recurring">0</td>'
        '<td data-label="Detected internally">100 %</td></tr>'
    ) in by_team


def test_the_review_page_lists_the_data_quality_debt(
    client: TestClient, store: Store, project_dir: Path
) -> None:
    """Derived debt (the incident project's assets have no description) and a file's item,
    ranked by interest; a bad debt file is named on the page instead of breaking it."""
    (project_dir / "debt").mkdir()
    (project_dir / "debt" / "kpi.yml").write_text(
        "items:\n"
        "  - id: kpi-backfill\n"
        "    title: Backfill the weekly KPI history\n"
        "    asset: marts.kpi\n"
        "    principal: 3d\n"
        "    interest: 40\n"
        "    due: 2026-12-31\n"
    )
    login(client, store, "viewer")
    page = client.get("/review", params={"month": "2026-11"}).text
    debt = page.split('id="h-debt"', 1)[1].split("</section>", 1)[0]
    assert "Totals per team" in debt and "Top items by interest" in debt
    rows = debt.split("Top items by interest", 1)[1].split("<tr>")[2:]
    assert "Backfill the weekly KPI history" in rows[0]  # the highest interest ranks first
    assert any("no_description" in r and "raw.feed" in r for r in rows)
    (project_dir / "debt" / "kpi.yml").write_text("items:\n  - id: x\n    titel: Typo\n")
    page = client.get("/review", params={"month": "2026-11"}).text
    debt = page.split('id="h-debt"', 1)[1].split("</section>", 1)[0]
    assert "unknown key &#39;titel&#39;" in debt and "did you mean &#39;title&#39;?" in debt
    assert "no_description" in debt  # the derived debt still shows
