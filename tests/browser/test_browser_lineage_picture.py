"""The asset page's lineage picture in Chromium, at 1280 and 390 px: on screen, readable,
coloured by state, and each asset node a link to its page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from page_checks import WIDTHS, assert_no_sideways_scroll, assert_on_screen, box, screenshot
from playwright.sync_api import expect

OpenPage = Callable[[str, int], Any]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lineage_picture_fits_reads_and_links_to_the_upstream_asset(
    open_page: OpenPage, site: Any, width: int
) -> None:
    page = open_page(site.url, width)
    page.goto("/assets/marts.weekly_cac")
    picture = page.locator("svg.lineage")
    assert_on_screen(page, picture)
    assert_no_sideways_scroll(page)
    upstream = page.get_by_role("link", name="raw.ad_spend: incident, 1 hop upstream")
    assert_on_screen(page, upstream)
    fill = upstream.locator("rect").evaluate("r => getComputedStyle(r).fill")
    assert fill == "rgb(253, 228, 228)"  # --bad-bg, as the status page's incident badge
    name = upstream.locator("text.lineage-name")
    assert box(name)["height"] >= 11, box(name)  # about 13 px text, not shrunk to a smudge
    screenshot(page, "asset-lineage", width)
    upstream.click()
    expect(page).to_have_url(f"{site.url}/assets/raw.ad_spend")
    mart = page.get_by_role("link", name="marts.weekly_cac: incident, 1 hop downstream")
    expect(mart).to_be_visible()
