"""Fixtures: a real ``trustwell serve`` app on 127.0.0.1 (uvicorn in a thread),
backed by SQLite or PostgreSQL; see ``web_site.py`` for the helpers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_site import NAMES, NOW, ROLES, LiveServer, free_port, write_project


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """None for the default SQLite file store, else a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("fresh_pg_url")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str | None) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    return write_project(tmp_path, store_url)


@pytest.fixture
def server(project_dir: Path) -> Iterator[LiveServer]:
    """``trustwell serve`` (without its scheduler) on a free port, until the test ends."""
    import uvicorn

    from trustwell.auth.tokens import create_token
    from trustwell.config.loader import load_project
    from trustwell.store import open_store
    from trustwell.web.app import create_app

    app = create_app(project_dir, scheduler=False)
    port = free_port()
    # ws="none": no websocket library is imported (their deprecation warnings are errors here).
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    uvi = uvicorn.Server(config)
    thread = threading.Thread(target=uvi.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvi.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    project = load_project(project_dir)
    store = open_store(project.settings.store, project.root)
    tokens = {
        role: create_token(store, name=NAMES[role], role=role, actor="test") for role in ROLES
    }
    url = f"http://127.0.0.1:{port}"
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
        uvi.should_exit = True
        thread.join(20)
        store.close()
