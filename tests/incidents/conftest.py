"""A small project with lineage, teams and a rotation, for incident tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

SETTINGS = """\
name: acme
store: {store}
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
"""

ASSETS = """\
assets:
  - name: raw.feed
    owner: data-platform
    tier: 3
    checks:
      - {type: freshness, column: loaded_at, max_age: 26h, warn: {max_age: 20h}}
      - {type: unique, column: id}
  - name: marts.kpi
    owner: growth-analytics
    tier: 1
    upstream: [raw.feed]
    subscribers: [finance@acme.test]
    checks:
      - {type: row_count, min: 3}
  - name: other.table
    owner: growth-analytics
    tier: 2
    checks:
      - {type: row_count, min: 1}
"""


class Warehouse:
    """Change the demo data between runs, as an upstream failure would."""

    def __init__(self, root: Path) -> None:
        self.path = root / "warehouse.duckdb"

    def load(self, *, feed_loaded_at: str, duplicate: bool = False, kpi_rows: int = 3) -> None:
        connection = duckdb.connect(str(self.path))
        try:
            connection.execute(
                "CREATE SCHEMA IF NOT EXISTS raw; CREATE SCHEMA IF NOT EXISTS marts;"
                "CREATE SCHEMA IF NOT EXISTS other"
            )
            connection.execute("CREATE OR REPLACE TABLE raw.feed (id INT, loaded_at TIMESTAMP)")
            connection.execute(
                "INSERT INTO raw.feed VALUES (1, ?), (2, ?)", [feed_loaded_at, feed_loaded_at]
            )
            if duplicate:
                connection.execute("INSERT INTO raw.feed VALUES (2, ?)", [feed_loaded_at])
            connection.execute(
                "CREATE OR REPLACE TABLE marts.kpi AS SELECT range AS week "
                f"FROM range({int(kpi_rows)})"
            )
            connection.execute("CREATE OR REPLACE TABLE other.table AS SELECT 1 AS x")
        finally:
            connection.close()


def write_project(root: Path, store: str | None = None) -> Warehouse:
    (root / "assets").mkdir(parents=True, exist_ok=True)
    (root / "trustwell.yml").write_text(
        SETTINGS.format(store=store or "sqlite:///.trustwell/trustwell.db")
    )
    (root / "assets" / "acme.yml").write_text(ASSETS)
    warehouse = Warehouse(root)
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00")
    return warehouse


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    return tmp_path


@pytest.fixture
def warehouse(project_dir: Path) -> Warehouse:
    return Warehouse(project_dir)
