"""Certification and trust history in Chromium, at 1280 and 390 px: the status
page's chips, its 90-day bars (the last 30 days on a phone) and the certification
filter; the asset page's certification panel, SLO budget chart and badge snippet."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from page_checks import WIDTHS, assert_no_sideways_scroll, assert_on_screen, screenshot
from playwright.sync_api import expect

OpenPage = Callable[[str, int], Any]


def _row(page: Any, name: str) -> Any:
    return page.locator("table.assets > tbody > tr").filter(
        has=page.locator("th", has_text=re.compile(rf"^{re.escape(name)}"))
    )


def _visible_cells(bar: Any) -> int:
    count: int = bar.evaluate(
        "bar => [...bar.children].filter(c => c.getBoundingClientRect().width > 0).length"
    )
    return count


@pytest.mark.parametrize("width", WIDTHS)
def test_status_page_shows_certification_chips_and_ninety_day_bars(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    page.goto("/")
    mart = _row(page, "marts.weekly_cac")
    chip = mart.locator("td[data-label=Certification] .badge")
    assert_on_screen(page, chip)
    # exec_reporting's default (low risk) policy needs a schema check the mart lacks
    expect(chip).to_have_text(re.compile(r"exec_reporting: Uncertified"))
    expect(chip).to_have_attribute("title", re.compile(r"^Uncertified since .+: schema: "))
    expect(mart.locator(".certs")).to_contain_text("schema: the asset has no schema check")
    expect(_row(page, "raw.countries").locator("td[data-label=Certification]")).to_have_text(
        "no use case"
    )

    rows = page.locator("table.assets > tbody > tr")
    expect(rows).to_have_count(5)
    shown = 90 if width >= 600 else 30
    for index in range(5):
        bar = rows.nth(index).locator("ol.trust-bar")
        expect(bar.locator("li")).to_have_count(90)  # in the page
        assert _visible_cells(bar) == shown, (index, width)
        # the hidden days are hidden from screen readers too: no listitem of them
        expect(bar.get_by_role("listitem")).to_have_count(shown)
        assert_on_screen(page, bar)
    # today's cell: the open incident on the feed, named in its title and its label
    feed_bar = _row(page, "raw.ad_spend").locator("ol.trust-bar")
    incident = site.incidents["ad_spend"]
    today = feed_bar.get_by_role("listitem").last
    expect(today).to_have_attribute("title", f"Sun 22 Nov: incident ({incident} was open)")
    named = feed_bar.get_by_role("listitem", name=f"Sun 22 Nov: incident ({incident} was open)")
    expect(named).to_have_count(1)  # its accessible label
    assert_on_screen(page, today)
    expect(feed_bar).to_have_attribute(
        "aria-label", re.compile(r"^Trust history of raw\.ad_spend, last 90 days: ")
    )
    # the healthy asset's today was trusted; the first day of the 90 had no data
    healthy = _row(page, "raw.countries").locator("ol.trust-bar > li")
    expect(healthy.last).to_have_attribute("title", re.compile(r"^Sun 22 Nov: trusted \("))
    expect(healthy.first).to_have_attribute("title", "Tue 25 Aug: no data")
    # the first of the last 30 days, the first a phone shows
    expect(healthy.nth(60)).to_have_attribute("title", re.compile(r"^Sat 24 Oct: "))
    if width < 600:
        label = feed_bar.locator("xpath=..").evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        assert label == '"Last 30 days"'
    assert_no_sideways_scroll(page)
    screenshot(page, "status-certification", width)


def test_certification_filter_keeps_the_assets_in_that_state(page: Any, site: Any) -> None:
    page.goto("/")
    search = page.get_by_role("search", name="Search and filter assets")
    search.get_by_label("Certification").select_option("uncertified")
    search.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"certification=uncertified"))
    expect(page.locator("table.assets > tbody > tr")).to_have_count(1)
    expect(_row(page, "marts.weekly_cac")).to_have_count(1)
    search = page.get_by_role("search", name="Search and filter assets")
    expect(search.get_by_label("Certification")).to_have_value("uncertified")
    search.get_by_label("Certification").select_option("certified")
    search.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No asset matches.")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_asset_page_shows_the_certification_panel_budget_chart_and_badge_snippet(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    page.goto("/assets/marts.weekly_cac")
    section = page.get_by_role("region", name="Certification")
    panel = section.get_by_role("article", name="exec_reporting")
    assert_on_screen(page, panel)
    expect(panel).to_contain_text("Uncertified")
    requirements = panel.get_by_role("table")
    expect(requirements.get_by_role("row", name=re.compile(r"^schema "))).to_contain_text(
        "no evidence"
    )
    expect(requirements.get_by_role("row", name=re.compile(r"^freshness "))).to_contain_text(
        "the asset has no freshness check"
    )
    chart = page.get_by_role(
        "img", name=re.compile(r"^Error budget of row_count passed on marts\.weekly_cac")
    )
    assert_on_screen(page, chart)
    expect(page.get_by_role("region", name="Trust SLOs")).to_contain_text("objective 99 %")
    score = page.get_by_role("region", name="Trust score")
    assert_on_screen(page, score.locator(".score"))
    expect(score.locator(".score")).to_contain_text(re.compile(r"^\d+ of 100"))
    expect(score.get_by_role("row", name=re.compile(r"^upstream health "))).to_contain_text("INC-1")
    snippet = page.get_by_role("textbox", name="Badge of the asset")
    assert_on_screen(page, snippet)
    expect(snippet).to_have_value(
        '<img src="http://127.0.0.1:8000/badges/marts.weekly_cac.svg" alt="trust badge">'
    )
    expect(page.get_by_role("textbox", name="Badge for exec_reporting")).to_have_value(
        re.compile(r"badges/marts\.weekly_cac\.svg\?use_case=exec_reporting")
    )
    assert_no_sideways_scroll(page)
    screenshot(page, "asset-certification", width)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_score_shows_its_parts_on_hover_or_tap(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    page.goto("/")
    chip = _row(page, "marts.weekly_cac").locator("td[data-label=Score] .score-chip")
    assert_on_screen(page, chip)
    expect(chip.locator("strong")).to_have_text(re.compile(r"^\d{1,3}$"))
    tip = chip.locator(".score-tip")
    assert tip.bounding_box()["width"] <= 1  # type: ignore[index]  # folded: clipped
    if width < 600:
        chip.tap()  # a tap focuses the chip
    else:
        chip.hover()
    expect(tip).to_contain_text(re.compile(r"^Trust score \d+ of 100 \(formula 1\)"))
    expect(tip.locator(".score-tip-part")).to_have_count(9)
    expect(tip.locator(".score-tip-part").first).to_contain_text("pass_rate")
    assert_on_screen(page, tip)
    assert tip.bounding_box()["width"] > 100  # type: ignore[index]
    screenshot(page, "status-score", width)
    assert_no_sideways_scroll(page)
