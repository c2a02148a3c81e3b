"""A real project on a real warehouse, run as a user runs it, for the read-only tests.

``Warehouse`` wraps one ``orders`` table (five rows) in a DuckDB file opened
*writable* (``read_only: false``, so only trustwell's own walls keep the data)
or in a fresh PostgreSQL database, and reads the rows back afterwards.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app


def on(*kinds: str) -> list[Any]:
    """Parameters for the engines an attack applies to (PostgreSQL ones marked)."""
    return [pytest.param(k, marks=pytest.mark.postgres) if k == "postgres" else k for k in kinds]


ENGINES = on("duckdb", "postgres")
ROWS = [(1, 10.0), (2, 20.0), (3, 30.0), (4, 40.0), (5, 50.0)]


@dataclass
class Warehouse:
    """The ``orders`` table of one test, and how the project names its warehouse."""

    kind: str  # duckdb | postgres
    root: Path
    url: str | None = None  # PostgreSQL only

    @property
    def settings(self) -> str:
        if self.kind == "duckdb":
            return "  main: {type: duckdb, path: warehouse.duckdb, read_only: false}\n"
        return f"  main: {{type: postgres, url: '{self.url}', timeout: 30s}}\n"

    def rows(self) -> list[tuple[Any, ...]]:
        """The orders as they are now, read on a connection of the test's own."""
        sql = "select id, amount from orders order by id"
        if self.kind == "duckdb":
            with duckdb.connect(str(self.root / "warehouse.duckdb"), read_only=True) as con:
                return [(int(i), float(a)) for i, a in con.execute(sql).fetchall()]
        import psycopg

        assert self.url is not None
        with psycopg.connect(self.url) as con:
            return [(int(i), float(a)) for i, a in con.execute(sql).fetchall()]

    def tables(self) -> set[str]:
        sql = "select table_name from information_schema.tables where table_schema = "
        if self.kind == "duckdb":
            with duckdb.connect(str(self.root / "warehouse.duckdb"), read_only=True) as con:
                return {str(r[0]) for r in con.execute(sql + "'main'").fetchall()}
        import psycopg

        assert self.url is not None
        with psycopg.connect(self.url) as con:
            return {str(r[0]) for r in con.execute(sql + "'public'").fetchall()}


MakeWarehouse = Callable[[str], Warehouse]


@pytest.fixture
def make_warehouse(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MakeWarehouse:
    """``make_warehouse(kind)``: ``orders`` (five rows) in a project folder under ``tmp_path``.

    PostgreSQL fixtures are asked for lazily, so DuckDB-only tests never start the
    server; PostgreSQL parameters carry the ``postgres`` mark themselves.
    """
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    values = ", ".join(f"({i}, {a})" for i, a in ROWS)

    def make(kind: str) -> Warehouse:
        root = tmp_path / "project"
        root.mkdir()
        if kind == "duckdb":
            with duckdb.connect(str(root / "warehouse.duckdb")) as con:
                con.execute("create table orders (id integer, amount double)")
                con.execute(f"insert into orders values {values}")
            return Warehouse("duckdb", root)
        conn = request.getfixturevalue("pg_conn")
        conn.execute("create table orders (id integer, amount double precision)")
        conn.execute(f"insert into orders values {values}")
        conn.execute("create sequence order_numbers")
        return Warehouse("postgres", root, request.getfixturevalue("fresh_pg_url"))

    return make


def write_project(warehouse: Warehouse, assets: str) -> Path:
    """``trustwell.yml`` and ``assets/orders.yml`` (``assets`` is dedented)."""
    root = warehouse.root
    (root / "trustwell.yml").write_text(f"name: shop\nwarehouses:\n{warehouse.settings}")
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "orders.yml").write_text(textwrap.dedent(assets))
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """``trustwell run --project root …`` through the real CLI: exit code, stdout, stderr."""
    result = CliRunner().invoke(create_app(), ["run", "--project", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def run_json(root: Path) -> tuple[int, dict[tuple[str, str], dict[str, Any]]]:
    """``trustwell run --format json``: exit code and the results by (asset, check)."""
    code, stdout, stderr = run(root, "--format", "json")
    assert stdout, stderr
    results = json.loads(stdout)["results"]
    return code, {(r["asset"], r["check"]): r for r in results}


def stored_results(root: Path) -> list[tuple[str, str, str, Any]]:
    """(check, status, message, samples) of every result in the project's SQLite store."""
    import sqlite3

    with sqlite3.connect(root / ".trustwell" / "trustwell.db") as con:
        rows = con.execute(
            "select check_name, status, message, samples from results order by position"
        ).fetchall()
    return [(str(c), str(s), str(m), json.loads(x) if x else None) for c, s, m, x in rows]
