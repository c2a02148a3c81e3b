"""An engine whose ``orders`` table grows batch by batch, and a store for the states.

Each test gets a :class:`Warehouse`: a read engine (the one checks run on)
and a writer that appends, deletes or updates rows of the conformance data
(``tests/conformance/data.py``) between incremental runs. DuckDB in memory,
and a database of its own on the test PostgreSQL server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from conformance.data import CUSTOMERS, CUSTOMERS_DDL, ORDERS_DDL
from trustwell.engines.base import Engine


@dataclass
class Warehouse:
    """The engine checks read through, and how the test writes to the same data."""

    engine: Engine
    write: Callable[[str, Sequence[Any]], None]  # one statement with ? / %s parameters
    placeholder: str

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        marks = ", ".join([self.placeholder] * 7)
        for row in rows:
            self.write(f"INSERT INTO orders VALUES ({marks})", row)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    if request.param == "duckdb":
        import duckdb

        from trustwell.engines.duckdb import DuckDBEngine

        connection = duckdb.connect()
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute(ORDERS_DDL)
        connection.execute(CUSTOMERS_DDL)
        connection.executemany("INSERT INTO customers VALUES (?, ?)", CUSTOMERS)
        engine = DuckDBEngine(connection=connection)

        def write(sql: str, params: Sequence[Any]) -> None:
            connection.execute(sql, list(params))

        yield Warehouse(engine, write, "?")
        engine.close()
        connection.close()
        return
    import psycopg

    from trustwell.engines.postgres import PostgresEngine

    server: Any = request.getfixturevalue("pg_server")
    name = f"incremental_{abs(hash(request.node.nodeid)) % 100000}"
    with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    writer = psycopg.connect(server.url(name), autocommit=True)
    writer.execute(ORDERS_DDL)
    writer.execute(CUSTOMERS_DDL)
    with writer.cursor() as cursor:
        cursor.executemany("INSERT INTO customers VALUES (%s, %s)", CUSTOMERS)
    engine = PostgresEngine(server.url(name))

    def pg_write(sql: str, params: Sequence[Any]) -> None:
        writer.execute(sql, list(params))

    try:
        yield Warehouse(engine, pg_write, "%s")
    finally:
        engine.close()
        writer.close()
