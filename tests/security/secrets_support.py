"""Helpers of the secrets tests: a project on disk, the CLI, a live server and its visitors.

Kept out of conftest.py (several engineers add modules to ``tests/security``).
The server is a real ``trustwell serve`` app under uvicorn in a thread on
127.0.0.1; visitors are httpx clients over real HTTP, anonymous or signed in
through the login form as a person would.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from typer.testing import CliRunner

from pg_server import PostgresServer
from threaded_server import serve_in_thread

NOW = "2026-11-22T09:00:00Z"
PASSWORD_ROLE = "tw_secret"

PUBLIC_SETTINGS = """\
name: acme
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
people:
  alice: {email: alice@acme.test}
teams:
  data-platform: {members: [alice], lead: alice}
"""
PUBLIC_ASSETS = """\
assets:
  - name: shop.orders
    owner: data-platform
    tier: 1
    subscribers: [finance@acme.test]
    checks:
      - {type: row_count, min: 100}
      - {type: sql, name: orphans, query: "select count(*) from shop.gone_table", max: 0}
      - {type: accepted_values, column: status, values: [paid]}
  - name: files.events
    path: "private-exports/*.parquet"
    checks:
      - {type: row_count, min: 1}
"""


def write_project(root: Path, settings: str, assets: str) -> Path:
    """``trustwell.yml`` and ``assets/main.yml`` in ``root``."""
    (root / "assets").mkdir(parents=True, exist_ok=True)
    (root / "trustwell.yml").write_text(settings)
    (root / "assets" / "main.yml").write_text(assets)
    return root


def cli(*args: str) -> tuple[int, str, str]:
    """Run ``trustwell ARGS`` in-process: exit code, stdout, stderr.

    A wide terminal: a table cell never wraps, so a secret could not hide
    from a substring check by being split over two lines.
    """
    from trustwell.cli.app import create_app

    result = CliRunner().invoke(create_app(), list(args), env={"COLUMNS": "2000"})
    return result.exit_code, result.stdout, result.stderr


@dataclass
class Site:
    """A running server and the store it serves."""

    url: str
    store: Any
    project: Any

    def anonymous(self) -> httpx.Client:
        """A visitor without a session (use it in a ``with`` block)."""
        return httpx.Client(base_url=self.url, timeout=60)

    @contextlib.contextmanager
    def signed_in(self, role: str = "viewer") -> Iterator[httpx.Client]:
        """A browser-like client logged in through ``/login`` with a new ``role`` token."""
        with httpx.Client(base_url=self.url, timeout=60, follow_redirects=True) as client:
            page = client.get("/login")
            form = {"token": self._token(role), "csrf_token": csrf_of(page.text), "next": "/"}
            answer = client.post("/login", data=form)
            assert answer.status_code == 200 and "Logged in as" in answer.text, answer.text
            yield client

    def api(self, role: str = "viewer") -> httpx.Client:
        """An API client with a bearer token of ``role`` (use it in a ``with`` block)."""
        headers = {"Authorization": f"Bearer {self._token(role)}"}
        return httpx.Client(base_url=self.url, timeout=60, headers=headers)

    def _token(self, role: str) -> str:
        from trustwell.auth.tokens import create_token

        name = f"{role}-{time.monotonic_ns()}"
        return create_token(self.store, name=name, role=role, actor="test")


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


@contextlib.contextmanager
def serving(project_dir: Path, **uvicorn_options: Any) -> Iterator[Site]:
    """``trustwell serve --no-scheduler`` for ``project_dir`` on a free port, for the block."""
    from trustwell.web.app import create_app

    app = create_app(project_dir, scheduler=False)
    with serve_in_thread(app, **uvicorn_options) as url:
        yield Site(url, app.state.store, app.state.project)


def stored_messages(store: Any) -> list[str]:
    """Every result message as the store holds it (read raw, not through a reader that scrubs)."""
    import sqlalchemy as sa

    return list(
        store.read(lambda conn: conn.execute(sa.text("SELECT message FROM results")).scalars())
    )


def stored_samples(store: Any) -> str:
    import sqlalchemy as sa

    rows = store.read(lambda conn: conn.execute(sa.text("SELECT samples FROM results")).all())
    return " ".join(str(row[0]) for row in rows)


def require_password(pg_server: PostgresServer, role: str) -> int:
    """The session server's port, where ``role`` must give its password (scram).

    The server trusts every other role on 127.0.0.1; one rule placed before
    that makes this role alone authenticate, so other tests are unaffected.
    """
    rule = f"host all {role} 127.0.0.1/32 scram-sha-256\n"
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'Right-Password-1'")
        hba = pg_server.data_dir / "pg_hba.conf"
        if rule not in hba.read_text():
            hba.write_text(rule + hba.read_text())
            admin.execute("SELECT pg_reload_conf()")
    wrong = f"postgresql://{role}:probe@127.0.0.1:{pg_server.port}/postgres"
    deadline = time.monotonic() + 30
    while True:  # the reload is asynchronous: wait until the rule is in force
        try:
            psycopg.connect(wrong).close()
        except psycopg.OperationalError as exc:
            if "password authentication failed" in str(exc):
                return pg_server.port
        if time.monotonic() > deadline:
            raise RuntimeError("pg_hba.conf reload did not take effect")
        time.sleep(0.05)
