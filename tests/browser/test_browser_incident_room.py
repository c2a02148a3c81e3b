"""The incident room in a real browser: a responder acknowledges and resolves
through the forms; a viewer sees no forms; a POST without the CSRF token is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browser_site import incident_json, log_in
from page_checks import WIDTHS, assert_no_sideways_scroll, assert_on_screen, box, screenshot
from playwright.sync_api import expect

ACTION_BUTTONS = re.compile(
    r"Acknowledge|Change status|Post update|Hand over|Change severity|Resolve|Dismiss"
    r"|Add action item|post-mortem|diagnostic",
    re.IGNORECASE,
)


def _title(page: Any, incident: str) -> Any:
    return page.get_by_role("heading", level=1, name=re.compile(rf"^{incident}:"))


def _summary(page: Any) -> Any:
    return page.get_by_role("region", name="Summary")


def _unfold(page: Any, name: str) -> None:
    """Open one of the actions panel's folded forms, as a responder would."""
    page.locator(".room-actions summary", has_text=re.compile(rf"^{name}$")).click()


def test_responder_acknowledges_then_resolves_through_the_forms(page: Any, site: Any) -> None:
    incident = site.incidents["crm"]
    log_in(page, site.tokens["responder"], f"/incidents/{incident}")
    expect(page).to_have_url(re.compile(rf"/incidents/{incident}$"))
    expect(page.get_by_text("Signed in as")).to_contain_text("ross")
    expect(_summary(page)).to_contain_text(re.compile(r"Status\s*declared"))

    page.get_by_role("button", name=f"Acknowledge {incident}").click()
    expect(page.get_by_role("status").filter(has_text="acknowledged")).to_be_visible()
    expect(_summary(page)).to_contain_text(re.compile(r"Status\s*acknowledged"))
    expect(page.get_by_role("button", name=f"Acknowledge {incident}")).to_have_count(0)

    # the forms with fields are folded in the actions panel: open one, post an ETA
    expect(page.get_by_label("Internal update (responders only)")).to_be_hidden()
    _unfold(page, "Post an update")
    page.get_by_label("Internal update (responders only)").fill("CRM export re-queued")
    page.get_by_label(re.compile(r"^Public update")).fill("Accounts are reloading.")
    page.get_by_label(re.compile(r"^Expected fix")).fill("2026-11-22T18:00")
    page.get_by_role("button", name="Post update").click()
    expect(page.get_by_role("status").filter(has_text="update")).to_be_visible()
    expect(_summary(page)).to_contain_text(re.compile(r"Expected fix\s*22 Nov 2026 18:00"))

    _unfold(page, "Resolve")
    page.get_by_label("Root cause").select_option("third-party")
    page.get_by_label("Summary of the fix").fill("CRM export re-run; accounts reloaded")
    page.get_by_role("button", name=f"Resolve {incident}").click()

    expect(page.get_by_role("status").filter(has_text="resolved")).to_be_visible()
    summary = _summary(page)
    expect(summary).to_contain_text(re.compile(r"Status\s*resolved"))
    expect(summary).to_contain_text("third-party: CRM export re-run; accounts reloaded")
    expect(page.get_by_role("button", name=f"Resolve {incident}")).to_have_count(0)
    # resolved: the ETA given earlier is no promise any more, only history
    expect(summary).not_to_contain_text("Expected fix")
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("Accounts are reloading.")

    stored = incident_json(site.root, incident)
    assert stored["status"] == "resolved"
    assert stored["cause"] == "third-party"
    assert stored["summary"] == "CRM export re-run; accounts reloaded"
    assert stored["acknowledged_at"] is not None
    actors = {entry["actor"] for entry in stored["timeline"] if entry["kind"] != "declared"}
    assert "ross" in actors, stored["timeline"]


def test_viewer_sees_the_incident_but_no_action_forms(page: Any, site: Any) -> None:
    incident = site.incidents["ad_spend"]
    log_in(page, site.tokens["viewer"], f"/incidents/{incident}")
    expect(page).to_have_url(re.compile(rf"/incidents/{incident}$"))
    expect(page.get_by_text("Signed in as")).to_contain_text("vera")
    expect(_title(page, incident)).to_be_visible()
    # a session shows the roles and the whole timeline…
    expect(page.get_by_text("Incident Commander")).to_be_visible()
    # …but a viewer gets no form to act with
    expect(page.get_by_role("heading", name="Act on this incident")).to_have_count(0)
    expect(page.get_by_role("button", name=ACTION_BUTTONS)).to_have_count(0)
    expect(page.get_by_role("button")).to_have_count(1)  # "Log out", nothing else
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_anonymous_visitor_sees_no_action_forms_either(page: Any, site: Any) -> None:
    incident = site.incidents["ad_spend"]
    page.goto(f"/incidents/{incident}")
    expect(_title(page, incident)).to_be_visible()
    expect(page.get_by_role("button", name=ACTION_BUTTONS)).to_have_count(0)


def test_post_without_csrf_token_is_refused_and_changes_nothing(page: Any, site: Any) -> None:
    incident = site.incidents["ad_spend"]
    before = incident_json(site.root, incident)
    assert before["status"] == "declared"

    log_in(page, site.tokens["responder"], f"/incidents/{incident}")
    expect(page.get_by_role("button", name=f"Acknowledge {incident}")).to_be_visible()
    # page.request shares the browser context's cookies: the responder's session
    cookies = {c["name"] for c in page.context.cookies()}
    assert "trustwell_session" in cookies, cookies

    no_token = page.request.post(f"/incidents/{incident}/ack", form={"note": "x"})
    assert no_token.status == 403
    assert "security token" in no_token.text()
    wrong_token = page.request.post(
        f"/incidents/{incident}/resolve",
        form={"csrf_token": "not-the-session-token", "cause": "other", "summary": "x"},
    )
    assert wrong_token.status == 403
    update = page.request.post(
        f"/incidents/{incident}/updates", form={"message": "sneaky", "public": "sneaky"}
    )
    assert update.status == 403

    after = incident_json(site.root, incident)
    assert after["status"] == "declared"
    assert after["acknowledged_at"] is None
    assert after["timeline"] == before["timeline"]
    page.reload()
    expect(_summary(page)).to_contain_text(re.compile(r"Status\s*declared"))


def test_viewer_post_with_its_own_csrf_token_is_refused(page: Any, site: Any) -> None:
    incident = site.incidents["ad_spend"]
    before = incident_json(site.root, incident)
    log_in(page, site.tokens["viewer"], f"/incidents/{incident}")
    token = page.locator("input[name=csrf_token]").first.input_value()
    assert token
    refused = page.request.post(f"/incidents/{incident}/ack", form={"csrf_token": token})
    assert refused.status == 403
    assert incident_json(site.root, incident)["timeline"] == before["timeline"]


@pytest.mark.parametrize("width", WIDTHS)
def test_summary_and_timeline_come_first_and_the_actions_are_a_compact_panel(
    open_page: Any, site: Any, width: int
) -> None:
    incident = site.incidents["ad_spend"]
    page = open_page(site.url, width)
    log_in(page, site.tokens["responder"], f"/incidents/{incident}")
    expect(_title(page, incident)).to_be_visible()
    assert_no_sideways_scroll(page)
    summary, timeline = _summary(page), page.get_by_role("region", name="Timeline")
    panel = page.get_by_role("complementary", name="Act on this incident")
    assets = page.get_by_role("region", name="Affected assets")
    for part in (summary, timeline, panel):
        assert_on_screen(page, part)
    s, t, p, a = box(summary), box(timeline), box(panel), box(assets)
    assert t["y"] >= s["y"] + s["height"] - 1  # the timeline right under the summary
    if width < 600:
        # a phone: one column, the panel after the summary and timeline
        assert p["y"] >= t["y"] + t["height"] - 1, (t, p)
    else:
        # a laptop: the panel beside them, narrow, level with the summary
        assert p["x"] >= s["x"] + s["width"] - 1 and abs(p["y"] - s["y"]) < 2, (s, p)
        assert p["width"] < s["width"] / 2, (s, p)
    assert a["y"] >= t["y"] + t["height"] - 1  # the rest after them
    # compact: one click for acknowledging, the forms with fields folded
    assert_on_screen(page, panel.get_by_role("button", name=f"Acknowledge {incident}"))
    expect(panel.get_by_label("Internal update (responders only)")).to_be_hidden()
    expect(panel.get_by_label("Why (false positive, expected change, duplicate…)")).to_be_hidden()
    assert p["height"] <= 420, p
    _unfold(page, "Post an update")
    assert_on_screen(page, panel.get_by_label("Internal update (responders only)"))
    assert_no_sideways_scroll(page)
    screenshot(page, "incident", width)
