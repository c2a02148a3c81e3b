"""The incident room's layout: summary and timeline first, the actions in a compact
panel, and no expected fix once the incident is resolved."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from trustwell.store import Store
from web_pages.conftest import INTERNAL, PUBLIC, login

EXPECTED_FIX = "<dt>Expected fix</dt>"


def post(client: TestClient, path: str, csrf: str, **fields: str) -> int:
    answer = client.post(path, data={"csrf_token": csrf, **fields}, follow_redirects=False)
    return answer.status_code


def order_of(page: str, *ids: str) -> list[str]:
    """The section headings ``ids`` in the order the page has them (missing ones left out)."""
    found = [(page.find(f'id="{i}"'), i) for i in ids]
    return [i for at, i in sorted(found) if at >= 0]


def panel(page: str) -> str:
    match = re.search(
        r'<aside aria-labelledby="h-act" class="card room-actions">(.*?)</aside>', page, re.S
    )
    assert match, "the page has no actions panel"
    return match.group(1)


def folded(html: str) -> dict[str, bool]:
    """Each ``<details>`` of ``html``: its summary -> whether it is open."""
    return {
        summary: bool(opened)
        for opened, summary in re.findall(r"<details( open)?>\s*<summary>([^<]+)</summary>", html)
    }


def test_summary_and_timeline_come_first_then_the_actions_then_the_rest(
    client: TestClient, store: Store, incident: str
) -> None:
    headings = ("h-facts", "h-timeline", "h-act", "h-assets", "h-ai")
    public = client.get("/incidents/INC-1").text
    assert order_of(public, *headings) == ["h-facts", "h-timeline", "h-assets"]
    assert PUBLIC in public and INTERNAL not in public
    login(client, store, "responder")
    page = client.get("/incidents/INC-1").text
    assert order_of(page, *headings) == list(headings)
    # the latest public update is part of the summary, not a card further down
    summary = page[page.find('id="h-facts"') : page.find('id="h-timeline"')]
    assert "Latest public update" in summary and PUBLIC in summary


def test_the_actions_are_one_compact_panel_with_the_long_forms_folded(
    client: TestClient, store: Store, incident: str
) -> None:
    login(client, store, "responder")
    actions = panel(client.get("/incidents/INC-1").text)
    # one click each, in the open
    assert "Acknowledge INC-1</button>" in actions
    assert 'id="f-status"' in actions and folded(actions.split("<details")[0]) == {}
    # the forms with fields to fill are folded until a responder opens one
    assert folded(actions) == {
        "Post an update": False,
        "Hand over Commander": False,
        "Change severity": False,
        "Dismiss": False,
    }
    for action in ("ack", "status", "updates", "commander", "severity", "dismiss"):
        assert f'action="/incidents/INC-1/{action}"' in actions
    login(client, store, "viewer")
    assert 'class="card room-actions"' not in client.get("/incidents/INC-1").text


def test_a_refused_form_comes_back_open_with_what_was_typed(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    answer = client.post(
        "/incidents/INC-1/updates",
        data={"csrf_token": csrf, "panel": "update", "message": " ", "public": "kept"},
    )
    assert answer.status_code == 422
    assert "The internal update is required." in answer.text
    actions = panel(answer.text)
    assert folded(actions)["Post an update"] is True
    assert [name for name, opened in folded(actions).items() if opened] == ["Post an update"]
    assert ">kept</textarea>" in actions


def test_the_expected_fix_is_shown_while_open_and_gone_once_resolved(
    client: TestClient, store: Store, incident: str
) -> None:
    csrf = login(client, store, "responder")
    fields = {"message": "backfill", "public": "Backfill running.", "eta": "2026-11-22T12:00"}
    assert post(client, "/incidents/INC-1/updates", csrf, **fields) == 303
    page = client.get("/incidents/INC-1").text
    assert EXPECTED_FIX in page and "Next update by" in page
    assert post(client, "/incidents/INC-1/ack", csrf) == 303
    assert post(client, "/incidents/INC-1/resolve", csrf, cause="third-party", summary="ok") == 303
    resolved = client.get("/incidents/INC-1").text
    assert "<dt>Status</dt><dd>resolved</dd>" in resolved
    assert EXPECTED_FIX not in resolved and "Next update by" not in resolved
    # the update that gave the ETA is still in the timeline: history, not a promise
    assert "Backfill running." in resolved
    client.cookies.clear()
    public = client.get("/incidents/INC-1").text
    assert EXPECTED_FIX not in public and "Backfill running." in public
