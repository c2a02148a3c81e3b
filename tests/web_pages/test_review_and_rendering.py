"""The monthly review page, and the safe Markdown and sparkline helpers."""

from __future__ import annotations

from datetime import UTC, datetime

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


def test_the_review_defaults_to_the_previous_month(client: TestClient, store: Store) -> None:
    login(client, store, "viewer")
    assert "Monthly review: 2026-10" in client.get("/review").text


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
