"""A shop project with anomaly checks, run day by day with ``TRUSTWELL_NOW``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app

SETTINGS = """\
name: shop
store: sqlite:///.trustwell/trustwell.db
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
"""
ASSETS = """\
assets:
  - name: shop.orders
    tier: 2
    checks:
      - {type: stat, column: amount, stat: mean, min: 0}
      - {type: anomaly, metric: row_count, min_history: 5}
      - {type: anomaly, metric: "stat:mean(amount)", min_history: 5, name: mean_moves}
"""


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(root)])
    return result.exit_code, result.stdout, result.stderr


def load(root: Path, rows: int) -> None:
    connection = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        connection.execute("CREATE SCHEMA IF NOT EXISTS shop")
        connection.execute(
            "CREATE OR REPLACE TABLE shop.orders AS"
            f" SELECT range AS id, 10.0 AS amount FROM range({int(rows)})"
        )
    finally:
        connection.close()


def run(root: Path, monkeypatch: pytest.MonkeyPatch, day: int, rows: int) -> dict[str, Any]:
    load(root, rows)
    monkeypatch.setenv("TRUSTWELL_NOW", f"2026-11-{day:02d}T09:00:00Z")
    _, stdout, stderr = cli(root, "run", "--format", "json")
    document: dict[str, Any] = json.loads(stdout)
    assert all(r["status"] != "error" for r in document["results"]), stderr
    return document


def result(document: dict[str, Any], check: str) -> dict[str, Any]:
    (found,) = [r for r in document["results"] if r["check"] == check]
    return found


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    (tmp_path / "assets").mkdir()
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets" / "shop.yml").write_text(ASSETS)
    return tmp_path
