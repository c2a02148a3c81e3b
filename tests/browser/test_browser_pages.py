"""Issue 8's page points in Chromium, each at 1280 and 390 px wide: the status
table and the asset page's checks as cards on a phone, numbers for people, the
history chart as stored, ``/docs`` without internet and ``/review`` on the latest
month with incidents."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_site import log_in
from page_checks import (
    WIDTHS,
    assert_cells_hold_their_text,
    assert_no_sideways_scroll,
    assert_on_screen,
    box,
    screenshot,
)
from playwright.sync_api import expect

OpenPage = Callable[[str, int], Any]


def _check_row(page: Any, name: str) -> Any:
    return page.locator("table.checks > tbody > tr").filter(
        has=page.locator("th", has_text=re.compile(rf"^{re.escape(name)}"))
    )


def _stacked(above: dict[str, float], below: dict[str, float]) -> bool:
    return below["y"] >= above["y"] + above["height"] - 1


@pytest.mark.parametrize("width", WIDTHS)
def test_status_table_fits_the_screen_and_reads_as_cards_on_a_phone(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    page.goto("/")
    rows = page.locator("table.assets > tbody > tr")
    expect(rows).to_have_count(5)
    assert_no_sideways_scroll(page)
    for index in range(5):
        row = rows.nth(index)
        for part in ("th", "td[data-label=State]", "td[data-label=Why]"):
            assert_on_screen(page, row.locator(part))
    feed = rows.filter(has=page.locator("th", has_text=re.compile(r"^raw\.ad_spend")))
    expect(feed.locator("td[data-label=State]")).to_contain_text("Incident")
    name, why = box(feed.locator("th")), box(feed.locator("td[data-label=Why]"))
    # a card on a phone (each cell under the last), one line of a table on a laptop
    assert _stacked(name, why) is (width < 600), (name, why)
    header = page.locator("table.assets > thead")
    if width < 600:
        expect(header).not_to_be_in_viewport()
        label = feed.locator("td[data-label=State]").evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        assert label == '"State"'
    else:
        expect(header).to_be_visible()
    assert_cells_hold_their_text(page, "table.cards td")
    screenshot(page, "status", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_asset_checks_show_name_status_and_value_with_its_unit(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    page.goto("/assets/raw.ad_spend")
    expect(page.get_by_role("heading", level=1)).to_contain_text("raw.ad_spend")
    assert_no_sideways_scroll(page)
    # loaded 2026-11-19 06:00, checked 2026-11-22 09:00: 3 days 3 hours old, 10 rows
    for name, status, value in (("freshness", "fail", "3d 3h"), ("row_count", "pass", "10 rows")):
        row = _check_row(page, name)
        expect(row).to_have_count(1)
        latest, shown = row.locator("td[data-label=Latest]"), row.locator("td[data-label=Value]")
        assert_on_screen(page, row.locator("th"))
        assert_on_screen(page, latest.locator(".badge"))
        expect(latest.locator(".badge")).to_have_text(re.compile(rf"{status}$"))
        assert_on_screen(page, shown)
        expect(shown).to_contain_text(value)
        assert_on_screen(page, row.locator("svg.spark"))
        assert _stacked(box(row.locator("th")), box(shown)) is (width < 600)
    # the raw number of seconds is for the JSON API only
    expect(page.locator("table.checks")).not_to_contain_text(re.compile(r"270,?000"))
    assert_cells_hold_their_text(page, "table.cards td")
    screenshot(page, "asset", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_two_runs_in_the_same_second_keep_each_its_own_status_on_the_chart(
    open_page: OpenPage, later_site: Any, width: int
) -> None:
    page = open_page(later_site.url, width)
    page.goto("/assets/raw.countries")
    row = _check_row(page, "row_count")
    chart = row.locator("svg.spark")
    assert_on_screen(page, chart)
    marks = chart.locator(".spark-pass, .spark-warn, .spark-fail")
    expect(marks).to_have_count(2)
    # oldest first, as the store holds them: 1 row (pass), then emptied (0 rows, fail)
    assert marks.evaluate_all("marks => marks.map(m => m.getAttribute('class'))") == [
        "spark-pass",
        "spark-fail",
    ]
    tips = marks.evaluate_all("marks => marks.map(m => m.textContent)")
    assert tips == [
        "2026-11-22 09:00 UTC: 1 row (pass)",
        "2026-11-22 09:00 UTC: 0 rows (fail)",
    ]
    expect(row.locator("td[data-label=Latest] .badge")).to_have_text(re.compile(r"fail$"))
    assert_no_sideways_scroll(page)
    screenshot(page, "history", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_api_docs_list_the_operations_with_no_network_but_127_0_0_1(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    elsewhere: list[str] = []

    def only_this_server(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_this_server)
    answer = page.goto("/docs")
    assert answer is not None and answer.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("trustwell")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 20
    assets = page.locator('.opblock-summary-path[data-path="/api/v1/assets"]').first
    assert_on_screen(page, assets)
    # opening an operation works offline too (its schema comes from /openapi.json)
    assets.click()
    expect(page.locator(".opblock.is-open").first).to_contain_text("Responses")
    assert elsewhere == [], elsewhere
    screenshot(page, "docs", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_review_opens_on_the_latest_month_with_incidents_and_its_by_team_figures(
    open_page: OpenPage, later_site: Any, width: int
) -> None:
    page = open_page(later_site.url, width)
    # the server's clock is in January 2027; the incidents were in November 2026
    log_in(page, later_site.viewer_token, "/review")
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Monthly review: 2026-11")
    expect(page.locator("input#month")).to_have_value("2026-11")
    assert_no_sideways_scroll(page)
    figures = page.locator("section", has=page.locator("#h-figures"))
    tta = figures.locator("tr", has_text="Time to acknowledge")
    for column in ("Median", "90th percentile"):
        cell = tta.locator(f"td[data-label='{column}']")
        assert_on_screen(page, cell)
        expect(cell).to_have_text("5h 25m")
    team = page.locator("section", has=page.locator("#h-by-team")).locator("tbody > tr")
    expect(team).to_have_count(1)
    assert_on_screen(page, team.locator("th"))
    expect(team.locator("th")).to_have_text("data-platform")
    cells = team.locator("td")
    for index in range(cells.count()):
        assert_on_screen(page, cells.nth(index))
    expect(team).to_contain_text("5h 25m")
    assert_cells_hold_their_text(page, "table.cards td")
    screenshot(page, "review", width)
    severity = page.locator("section", has=page.locator("#h-by-severity"))
    severity.screenshot(path=f"/tmp/trustwell-review-by-severity-{width}.png")


@pytest.mark.parametrize("width", WIDTHS)
def test_incident_list_fits_the_screen_with_each_incident_a_card_on_a_phone(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    page.goto("/incidents")
    rows = page.locator("table.cards > tbody > tr")
    expect(rows.first).to_be_visible()
    assert_no_sideways_scroll(page)
    for index in range(rows.count()):
        row = rows.nth(index)
        for part in ("th a", "td[data-label=Severity] .badge", "td[data-label=Status] .badge"):
            assert_on_screen(page, row.locator(part))
    first = rows.first
    ident, asset = box(first.locator("th")), box(first.locator("td[data-label=Asset]"))
    assert _stacked(ident, asset) is (width < 600), (ident, asset)
    assert_cells_hold_their_text(page, "table.cards td")
    screenshot(page, "incidents", width)
