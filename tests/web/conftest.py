"""Fixtures: a real ``trustwell serve`` app on 127.0.0.1 (uvicorn in a thread),
backed by SQLite or PostgreSQL; see ``web_site.py`` for the helpers."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_site import NAMES, NOW, ROLES, LiveServer, write_project

from threaded_server import serve_in_thread


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str | None) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    return write_project(tmp_path, store_url)


@pytest.fixture
def server(project_dir: Path) -> Iterator[LiveServer]:
    """``trustwell serve`` (without its scheduler) on a free port, until the test ends."""

    from trustwell.auth.tokens import create_token
    from trustwell.config.loader import load_project
    from trustwell.store import open_store
    from trustwell.web.app import create_app

    app = create_app(project_dir, scheduler=False)
    stack = contextlib.ExitStack()
    url = stack.enter_context(serve_in_thread(app))
    project = load_project(project_dir)
    store = open_store(project.settings.store, project.root)
    tokens = {
        role: create_token(store, name=NAMES[role], role=role, actor="test") for role in ROLES
    }
    live = LiveServer(url, project_dir, store, project, tokens)
    for role, token in tokens.items():
        live.clients[role] = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
    live.clients["anonymous"] = httpx.Client(base_url=url, timeout=60)
    try:
        yield live
    finally:
        for client in live.clients.values():
            client.close()
        stack.close()
        store.close()
