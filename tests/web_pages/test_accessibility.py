"""Accessibility basics on every page: a language, a title, landmarks, and a label
for every form control (parsed from the HTML a user agent gets)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from trustwell.store import Store
from web_pages.conftest import login, parse

PAGES = ["/", "/assets/raw.feed", "/incidents", "/incidents/INC-1", "/report", "/login"]


@pytest.mark.parametrize("role", [None, "viewer", "responder"])
def test_every_page_has_lang_title_landmarks_and_labelled_controls(
    client: TestClient, store: Store, incident: str, role: str | None
) -> None:
    from trustwell.incidents.service import acknowledge

    app = client.app
    acknowledge(app.state.store, app.state.project, "INC-1", actor="carol")  # type: ignore[attr-defined]
    if role:
        login(client, store, role)
    pages = PAGES + (["/review"] if role else [])
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, path
        page = parse(answer.text)
        assert page.html_lang == "en", path
        assert page.title.strip().endswith("· trustwell"), path
        assert {"header", "nav", "main", "footer"} <= page.landmarks, path
        assert page.unlabelled() == [], path


def test_the_responder_room_labels_every_field(
    client: TestClient, store: Store, incident: str
) -> None:
    login(client, store, "responder")
    page = parse(client.get("/incidents/INC-1").text)
    names = {c.get("name") for c in page.controls}
    assert {"status", "message", "public", "eta", "commander", "severity", "reason"} <= names
    assert page.unlabelled() == []


def test_pages_send_a_content_security_policy_without_scripts(client: TestClient) -> None:
    answer = client.get("/")
    assert "script-src 'none'" in answer.headers["content-security-policy"]
    assert "<script" not in answer.text
