"""The stakeholder report form in a real browser, without logging in (public status page)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def _fill_report(page: Any, asset: str, what: str) -> None:
    page.goto("/report")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report a problem")
    page.get_by_label("Which asset or dashboard").select_option(asset)
    page.get_by_label("What looks wrong").fill(what)
    page.get_by_label(re.compile(r"^High")).check()
    page.get_by_label("Your e-mail address").fill("analyst@acme.test")
    page.get_by_role("button", name="Send report").click()


def test_report_on_a_healthy_asset_answers_with_a_reference_and_opens_an_incident(
    page: Any, site: Any
) -> None:
    _fill_report(page, "marts.revenue", "Revenue for DE is zero since this morning.")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"report RPT-[\w-]+"))
    reference = re.search(r"RPT-[\w-]+", heading.inner_text())
    assert reference is not None
    ref = reference.group(0)
    expect(page.get_by_role("status")).to_contain_text(f"Your reference is {ref}")
    # nothing was open on marts.revenue: the report opened an incident
    opened = page.get_by_role("link", name=re.compile(r"^INC-\d+$"))
    expect(opened).to_have_count(1)

    # the reference is the reporter's page to follow it
    page.get_by_role("link", name=f"/reports/{ref}").click()
    expect(page).to_have_url(re.compile(rf"/reports/{ref}$"))
    expect(page.get_by_text(ref).first).to_be_visible()


def test_report_on_an_asset_downstream_of_an_open_incident_links_to_it(
    page: Any, site: Any
) -> None:
    incident = site.incidents["ad_spend"]
    _fill_report(page, "marts.weekly_cac", "CAC for search doubled overnight.")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"RPT-"))
    expect(page.get_by_role("link", name=incident)).to_be_visible()
    expect(page.get_by_text("It is linked to")).to_be_visible()
