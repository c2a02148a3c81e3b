"""Helpers of the web tests: the project, a free port, the live server's handle.

Kept out of conftest.py so test modules can import them by a unique name.

A real ``trustwell serve`` app on 127.0.0.1, backed by SQLite or PostgreSQL.

The server is uvicorn in a thread of the test process (so ``TRUSTWELL_NOW``
set by the test is the server's clock too); clients are httpx over real HTTP,
one per role, each with its own bearer token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import httpx

NOW = "2026-11-22T09:00:00Z"

SETTINGS = """\
name: acme
store: {store}
timezone: UTC
warehouses:
  main: {{type: duckdb, path: warehouse.duckdb}}
people:
  alice: {{email: alice@acme.test}}
  bob: {{email: bob@acme.test}}
  carol: {{email: carol@acme.test}}
  dave: {{email: dave@acme.test}}
  erin: {{email: erin@acme.test}}
teams:
  data-platform: {{members: [alice, bob, carol], lead: dave}}
  growth-analytics: {{members: [erin], lead: dave}}
oncall:
  data-platform:
    members: [alice, bob, carol]
    rotation: weekly
    start: 2026-11-02T09:00:00Z
response:
  SEV-1: {{ack_within: 15m, update_every: 30m, postmortem: required}}
  SEV-2: {{ack_within: 4h, update_every: 4h, postmortem: required}}
  SEV-3: {{ack_within: 3d, update_every: 1d, postmortem: optional}}
use_cases:
  finance: {{description: Month-end finance reporting}}
incident_channel: ops
channels:
  # Nothing listens on port 9: deliveries fail fast and stay in the outbox to retry.
  ops: {{type: webhook, url: "http://127.0.0.1:9/hook"}}
"""

ASSETS = """\
assets:
  - name: raw.feed
    description: Orders as loaded from the shop
    owner: data-platform
    tier: 3
    schedule: "0 * * * *"
    checks:
      - {type: freshness, column: loaded_at, max_age: 26h, warn: {max_age: 20h}}
      - {type: unique, column: id}
  - name: marts.kpi
    description: Weekly KPIs
    owner: growth-analytics
    tier: 1
    use_cases: [finance]
    upstream: [raw.feed]
    schedule: "*/15 * * * *"
    checks:
      - {type: row_count, min: 3}
  - name: other.table
    owner: growth-analytics
    tier: 2
    checks:
      - {type: row_count, min: 1}
"""

ROLES = ("viewer", "reporter", "responder", "admin")
#: The name of each role's token: the actor every write of that client is attributed to.
NAMES = {"viewer": "vera", "reporter": "rita", "responder": "ross", "admin": "ada"}


def load_warehouse(root: Path, *, feed_loaded_at: str = "2026-11-22 08:00:00") -> None:
    """(Re)write the DuckDB warehouse; an old ``feed_loaded_at`` makes raw.feed stale."""
    connection = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        connection.execute(
            "CREATE SCHEMA IF NOT EXISTS raw; CREATE SCHEMA IF NOT EXISTS marts;"
            "CREATE SCHEMA IF NOT EXISTS other"
        )
        connection.execute("CREATE OR REPLACE TABLE raw.feed (id INT, loaded_at TIMESTAMP)")
        connection.execute(
            "INSERT INTO raw.feed VALUES (1, ?), (2, ?)", [feed_loaded_at, feed_loaded_at]
        )
        connection.execute("CREATE OR REPLACE TABLE marts.kpi AS SELECT range AS w FROM range(3)")
        connection.execute("CREATE OR REPLACE TABLE other.table AS SELECT 1 AS x")
    finally:
        connection.close()


def write_project(root: Path, store: str | None = None) -> Path:
    (root / "assets").mkdir(parents=True, exist_ok=True)
    (root / "trustwell.yml").write_text(
        SETTINGS.format(store=store or "sqlite:///.trustwell/trustwell.db")
    )
    (root / "assets" / "acme.yml").write_text(ASSETS)
    load_warehouse(root)
    return root


@dataclass
class LiveServer:
    """A running server: its URL, its project, a store handle and a client per role."""

    url: str
    root: Path
    store: Any
    project: Any
    tokens: dict[str, str]
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    def as_(self, role: str) -> httpx.Client:
        return self.clients[role]

    def anonymous(self) -> httpx.Client:
        return self.clients["anonymous"]

    def count(self, table: str) -> int:
        """Rows in a store table: how tests see that a refused request changed nothing."""
        import sqlalchemy as sa

        return int(
            self.store.read(
                lambda conn: conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            )
        )


def ok_json(response: Any, status: int = 200) -> Any:
    """The JSON body of a response that must have ``status``."""
    assert response.status_code == status, response.text
    return response.json()


def api_error(response: Any, status: int, code: str) -> str:
    """The message of an API error response: ``{"error": {"code", "message"}}``, nothing else."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message
