"""Helpers of the public-form attack tests: a real ``trustwell serve`` with e-mail.

The server is uvicorn configured as ``trustwell serve`` configures it
(:func:`trustwell.cli.serve.uvicorn_config`), in a thread of the test process
(so ``TRUSTWELL_NOW`` is its clock too), on SQLite or PostgreSQL. Its email
channel points at an SMTP sink, so a test can read the very e-mail a stranger
would get and follow the link in it. Clients are httpx over real HTTP.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
import sqlalchemy as sa

from notify.notify_servers import SMTPSink
from threaded_server import free_port, serve_in_thread

NOW = "2026-11-22T09:00:00Z"

SETTINGS = """\
name: acme
store: {store}
base_url: {url}
warehouses:
  main: {{type: duckdb, path: warehouse.duckdb}}
people:
  alice: {{email: alice@acme.test}}
  erin: {{email: erin@acme.test}}
teams:
  data-platform: {{members: [alice]}}
  growth-analytics: {{members: [erin]}}
channels:
  mail: {{type: email, smtp: "smtp://127.0.0.1:{smtp}", from: trustwell@acme.test}}
response:
  SEV-1: {{ack_within: 15m, update_every: 30m}}
{limits}"""

ASSETS = """\
assets:
  - name: raw.feed
    description: Orders as loaded from the shop
    owner: data-platform
    checks:
      - {type: row_count, min: 1}
  - name: marts.kpi
    description: Weekly KPIs, used by finance.
    owner: growth-analytics
    tier: 1
    upstream: [raw.feed]
    subscribers: [finance@acme.test]
    checks:
      - {type: row_count, min: 1}
  - name: other.table
    owner: growth-analytics
    checks:
      - {type: row_count, min: 1}
"""
NAMES = {"reporter": "rita", "responder": "ross"}
NOTICE_LINK = re.compile(r"To stop these e-mails: (\S+)")
CONFIRM_LINK = re.compile(r"confirm the address: (\S+)")


@dataclass
class Site:
    """A running server with its project, store, SMTP sink and a client per role."""

    url: str
    root: Path
    store: Any
    project: Any
    smtp: SMTPSink
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    def as_(self, role: str) -> httpx.Client:
        return self.clients[role]

    def stranger(self) -> httpx.Client:
        """A new anonymous browser (its own cookies), closed with the site."""
        client = httpx.Client(base_url=self.url, timeout=60)
        self.clients[f"anonymous-{len(self.clients)}"] = client
        return client

    def count(self, table: str, where: str = "") -> int:
        sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.store.read(lambda conn: conn.execute(sa.text(sql)).scalar_one()))

    def queued_to(self, addresses: set[str]) -> list[tuple[str, str]]:
        """(recipient, event) of every outbox row to one of ``addresses``."""
        from trustwell.store.incident_tables import outbox

        query = sa.select(outbox.c.recipient, outbox.c.event).where(
            outbox.c.recipient.in_(sorted(addresses))
        )
        return [tuple(row) for row in self.store.read(lambda c: c.execute(query).all())]

    def deliver(self) -> list[Message]:
        """Send what the outbox holds; return the e-mails the sink received by then."""
        from trustwell import clock
        from trustwell.notify.outbox import deliver_due

        deliver_due(self.store, self.project.settings, clock.now())
        return list(self.smtp.messages)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def send_report(client: httpx.Client, contact: str, **values: str) -> httpx.Response:
    """Fill in and send the /report form as a browser would."""
    form = {
        "csrf_token": csrf_of(client.get("/report").text),
        "asset": "marts.kpi",
        "description": "The KPI doubled overnight",
        "urgency": "high",
        "contact": contact,
        **values,
    }
    return client.post("/report", data=form)


def subscribe(client: httpx.Client, asset: str, email: str) -> httpx.Response:
    """Send the subscribe form of an asset page as a browser would."""
    page = client.get(f"/assets/{asset}")
    form = {"csrf_token": csrf_of(page.text), "email": email}
    return client.post(f"/assets/{asset}/subscribe", data=form, follow_redirects=False)


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode().replace("\r\n", "\n")


def link_in(message: Message, pattern: re.Pattern[str]) -> str:
    match = pattern.search(body_of(message))
    assert match, body_of(message)
    return match.group(1)


def write_project(root: Path, *, store: str | None, url: str, smtp: int, limits: str) -> Path:
    (root / "assets").mkdir(parents=True, exist_ok=True)
    text = SETTINGS.format(
        store=store or "sqlite:///.trustwell/trustwell.db", url=url, smtp=smtp, limits=limits
    )
    (root / "trustwell.yml").write_text(text)
    (root / "assets" / "acme.yml").write_text(ASSETS)
    connection = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        connection.execute("CREATE SCHEMA raw; CREATE SCHEMA marts; CREATE SCHEMA other")
        connection.execute("CREATE TABLE raw.feed AS SELECT 1 AS id")
        connection.execute("CREATE TABLE marts.kpi AS SELECT 1 AS w")
        connection.execute("CREATE TABLE other.table AS SELECT 1 AS x")
    finally:
        connection.close()
    return root


@pytest.fixture
def limits() -> str:
    """The ``limits:`` section of the project (a test overrides this fixture to change it)."""
    return ""


@pytest.fixture
def site(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    store_url: str | None,
    smtp_sink: SMTPSink,
    limits: str,
) -> Iterator[Site]:
    """``trustwell serve`` (without its scheduler) on a free port, until the test ends."""

    from trustwell.auth.tokens import create_token
    from trustwell.cli.serve import uvicorn_config
    from trustwell.config.loader import load_project
    from trustwell.store import open_store
    from trustwell.web.app import create_app

    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    root = write_project(tmp_path, store=store_url, url=url, smtp=smtp_sink.port, limits=limits)
    app = create_app(root, scheduler=False)
    stack = contextlib.ExitStack()
    # ws="none": no websocket library is imported (their deprecation warnings are errors here).
    stack.enter_context(
        serve_in_thread(app, config=uvicorn_config(app, "127.0.0.1", port, ws="none"))
    )
    project = load_project(root)
    store = open_store(project.settings.store, project.root)
    live = Site(url, root, store, project, smtp_sink)
    for role, name in NAMES.items():
        token = create_token(store, name=name, role=role, actor="test")
        live.clients[role] = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
    try:
        yield live
    finally:
        for client in live.clients.values():
            client.close()
        stack.close()
        store.close()
