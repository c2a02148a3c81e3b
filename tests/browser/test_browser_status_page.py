"""The public status page in a real browser: the open incident and the affected assets."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

#: A copy of the status page screenshot for people to look at (outside the repository).
TEAM_SCREENSHOT = Path("/tmp/status_page.png")


def _asset_row(page: Any, name: str) -> Any:
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(name)))


def test_status_page_shows_the_open_incident_and_the_assets_it_affects(
    page: Any, site: Any, tmp_path: Path
) -> None:
    incident = site.incidents["ad_spend"]
    response = page.goto("/")
    assert response is not None and response.status == 200

    expect(page.get_by_role("heading", level=1, name="Data status")).to_be_visible()
    # nobody is logged in: the public view, readable without a token
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    open_section = page.get_by_role("region", name="Open incidents")
    card = open_section.get_by_role("article", name=re.compile(rf"^{incident}:"))
    expect(card).to_be_visible()
    expect(
        card.get_by_role("link", name=f"{incident}: freshness:loaded_at failed on raw.ad_spend")
    ).to_be_visible()
    expect(card).to_contain_text("SEV-")
    expect(card).to_contain_text("declared")
    # the public text that `trustwell run` wrote when it declared the incident
    expect(card).to_contain_text("Latest update")
    expect(card).to_contain_text("We are investigating a problem with raw.ad_spend.")
    expect(card).to_contain_text("Next update by")

    # the root asset and the mart downstream of it are both in the "incident" state
    for name in ("raw.ad_spend", "marts.weekly_cac"):
        row = _asset_row(page, name)
        expect(row).to_have_count(1)
        expect(row.get_by_role("cell").first).to_contain_text("Incident")
        expect(row.get_by_role("link", name=incident)).to_be_visible()
    # a healthy asset is trusted and points at no incident
    healthy = _asset_row(page, "raw.countries")
    expect(healthy.get_by_role("cell").first).to_contain_text("Trusted")
    expect(healthy.get_by_role("link", name=re.compile(r"^INC-"))).to_have_count(0)

    # public view: no internal timeline text, no roles
    expect(page.get_by_text("Incident Commander")).to_have_count(0)

    shot = tmp_path / "artifacts" / "status_page.png"
    shot.parent.mkdir()
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    shutil.copyfile(shot, TEAM_SCREENSHOT)


def test_status_page_filter_by_state_keeps_only_matching_assets(page: Any, site: Any) -> None:
    page.goto("/")
    search = page.get_by_role("search", name="Search and filter assets")
    search.get_by_label("State").select_option("incident")
    search.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"state=incident"))
    expect(_asset_row(page, "raw.ad_spend")).to_have_count(1)
    expect(_asset_row(page, "raw.countries")).to_have_count(0)
