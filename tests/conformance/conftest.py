"""Load the conformance data into each engine and hand the test an Engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conformance.data import CUSTOMERS, CUSTOMERS_DDL, EMPTY_DDL, ORDERS, ORDERS_DDL
from trustwell.engines.base import Engine


def _load_duckdb() -> Engine:
    import duckdb

    from trustwell.engines.duckdb import DuckDBEngine

    connection = duckdb.connect()
    connection.execute(ORDERS_DDL)
    connection.execute(CUSTOMERS_DDL)
    connection.execute(EMPTY_DDL)
    connection.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)", ORDERS)
    connection.executemany("INSERT INTO customers VALUES (?, ?)", CUSTOMERS)
    return DuckDBEngine(connection=connection, owns_connection=True)


def _load_postgres(url: str) -> Engine:
    import psycopg

    from trustwell.engines.postgres import PostgresEngine

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(ORDERS_DDL)
        connection.execute(CUSTOMERS_DDL)
        connection.execute(EMPTY_DDL)
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO orders VALUES (%s, %s, %s, %s, %s, %s, %s)", ORDERS)
            cursor.executemany("INSERT INTO customers VALUES (%s, %s)", CUSTOMERS)
    return PostgresEngine(url)


def _load_spark(session: Any, *, stop: bool = False) -> Engine:
    """The data as temporary views of ``session`` (a session of the module's own).

    ``stop``: the engine's ``close`` stops the session (a Spark Connect client's).
    """
    from spark_local import temp_view
    from trustwell.engines.spark import SparkEngine

    temp_view(session, ORDERS_DDL, ORDERS)
    temp_view(session, CUSTOMERS_DDL, CUSTOMERS)
    temp_view(session, EMPTY_DDL, [])
    return SparkEngine(session, on_close=session.stop if stop else None)


@pytest.fixture(
    scope="module",
    params=[
        "duckdb",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("spark", marks=pytest.mark.spark),
        pytest.param("spark-connect", marks=pytest.mark.spark),
    ],
)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The same data in every engine; PostgreSQL gets a database of its own."""
    if request.param == "duckdb":
        loaded = _load_duckdb()
    elif request.param == "spark":
        loaded = _load_spark(request.getfixturevalue("spark").newSession())
    elif request.param == "spark-connect":
        from spark_servers import connect_session

        url = request.getfixturevalue("spark_connect").url
        loaded = _load_spark(connect_session(url), stop=True)
    else:
        server: Any = request.getfixturevalue("pg_server")
        import psycopg

        name = f"conformance_{id(request.module) % 100000}"
        with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        loaded = _load_postgres(server.url(name))
    try:
        yield loaded
    finally:
        loaded.close()
