"""The pages against a real app: the incident tests' project (raw.feed → marts.kpi,
other.table), served by ``create_app`` through Starlette's TestClient."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # Starlette prefers the httpx2 package now; httpx still works and is what
    # the project installs. Only this import's deprecation notice is silenced.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from incidents.conftest import Warehouse, write_project
from trustwell.auth.tokens import create_token
from trustwell.config.models import Project
from trustwell.store import Store
from trustwell.web.app import create_app

INTERNAL = "vendor API returned HTTP 500; token rotated by bob"
PUBLIC = "The orders feed is late; weekly KPIs may be incomplete."


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    return tmp_path


def make_client(project_dir: Path, base_url: str = "http://testserver") -> TestClient:
    return TestClient(create_app(project_dir, scheduler=False), base_url=base_url)


@pytest.fixture
def client(project_dir: Path) -> Iterator[TestClient]:
    with make_client(project_dir) as opened:
        yield opened


@pytest.fixture
def store(client: TestClient) -> Store:
    opened: Store = client.app.state.store  # type: ignore[attr-defined]
    return opened


@pytest.fixture
def project(client: TestClient) -> Project:
    loaded: Project = client.app.state.project  # type: ignore[attr-defined]
    return loaded


@pytest.fixture
def incident(project_dir: Path, project: Project, store: Store) -> str:
    """INC-1: raw.feed is stale (marts.kpi downstream), with an internal and a public update."""
    from trustwell.checks.service import run_project
    from trustwell.incidents.service import post_update

    Warehouse(project_dir).load(feed_loaded_at="2026-11-20 06:00:00")
    run_project(project)
    post_update(store, project, "INC-1", message=INTERNAL, public=PUBLIC, actor="carol")
    return "INC-1"


def token(store: Store, role: str) -> str:
    return create_token(store, name=f"{role}-person", role=role, actor="admin")


def csrf_of(html: str) -> str:
    """The first form's CSRF token on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def login(client: TestClient, store: Store, role: str) -> str:
    """Log a ``role`` in through the login form; return the session's CSRF token."""
    page = client.get("/login")
    answer = client.post(
        "/login",
        data={"token": token(store, role), "csrf_token": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


class Forms(HTMLParser):
    """Forms, inputs and labels of a page, to assert on what a user would meet."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.html_lang: str | None = None
        self.title = ""
        self.landmarks: set[str] = set()
        self._in_title = False
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang")
        elif tag == "title" and not self.landmarks:  # the document's, not an SVG's
            self._in_title = True
        elif tag in ("main", "nav", "header", "footer"):
            self.landmarks.add(tag)
        elif tag == "form":
            self.actions.append(found.get("action") or "")
        elif tag == "label":
            self._label_depth += 1
            if found.get("for"):
                self.label_for.add(str(found["for"]))
        elif tag in ("input", "select", "textarea") and found.get("type") not in (
            "hidden",
            "submit",
        ):
            found["_wrapped"] = "yes" if self._label_depth else None
            self.controls.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._label_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def unlabelled(self) -> list[dict[str, str | None]]:
        return [
            c
            for c in self.controls
            if not c.get("_wrapped")
            and c.get("id") not in self.label_for
            and not c.get("aria-label")
        ]


def parse(html: str) -> Forms:
    forms = Forms()
    forms.feed(html)
    return forms
