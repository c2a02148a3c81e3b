"""One engine fixture over every backend, so each behaviour is tested on all of them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from trustwell.engines import Engine

BACKENDS = [
    "duckdb-memory",
    "duckdb-file",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("spark", marks=pytest.mark.spark),
    pytest.param("spark-connect", marks=pytest.mark.spark),
]
_spark_databases = itertools.count(1)

MakeEngine = Callable[..., Engine]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_engine(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[MakeEngine]:
    """``make_engine(*setup_sql, timeout_seconds=None)``: load data, then open an engine.

    The setup runs on a separate writable connection, as a pipeline would, so
    the engine sees the warehouse the way checks do (read-only where it can be).
    """
    opened: list[Engine] = []

    def make(*setup_sql: str, timeout_seconds: float | None = None) -> Engine:
        engine = _open(backend, request, tmp_path, setup_sql, timeout_seconds)
        opened.append(engine)
        return engine

    yield make
    for engine in opened:
        engine.close()


def _open(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    setup_sql: tuple[str, ...],
    timeout_seconds: float | None,
) -> Engine:
    if backend == "duckdb-memory":
        from trustwell.engines.duckdb import DuckDBEngine

        engine = DuckDBEngine(timeout_seconds=timeout_seconds)
        for sql in setup_sql:
            engine.connection.execute(sql)
        return engine
    if backend == "duckdb-file":
        import duckdb

        from trustwell.engines.duckdb import DuckDBEngine

        path = tmp_path / "warehouse.duckdb"
        with duckdb.connect(str(path)) as writer:
            for sql in setup_sql:
                writer.execute(sql)
        return DuckDBEngine(path, read_only=True, timeout_seconds=timeout_seconds)
    if backend in ("spark", "spark-connect"):
        return _open_spark(request, setup_sql, timeout_seconds, connect=backend == "spark-connect")
    from trustwell.engines.postgres import PostgresEngine

    # Asked for lazily so DuckDB-only runs never start the server.
    conn = request.getfixturevalue("pg_conn")
    for sql in setup_sql:
        conn.execute(sql)
    return PostgresEngine(request.getfixturevalue("fresh_pg_url"), timeout_seconds=timeout_seconds)


def _open_spark(
    request: pytest.FixtureRequest,
    setup_sql: tuple[str, ...],
    timeout_seconds: float | None,
    *,
    connect: bool,
) -> Engine:
    """Tables in a database of the test's own, loaded through the shared session.

    The engine gets a new session of it (its own settings and current database),
    as checks never share the session that wrote the data. With ``connect`` both
    are Spark Connect sessions of the test session's one server.
    """
    from spark_local import spark_sql
    from trustwell.engines.spark import SparkEngine

    if connect:
        from spark_servers import connect_session

        url = request.getfixturevalue("spark_connect").url
        writer, session = connect_session(url), connect_session(url)
        request.addfinalizer(session.stop)
        request.addfinalizer(writer.stop)
    else:
        spark = request.getfixturevalue("spark")
        writer, session = spark.newSession(), spark.newSession()
    database = f"engine_test_{next(_spark_databases)}"
    # The portable rows give dates and timestamps as text, which Spark casts on insert
    # only under the legacy policy (PostgreSQL and DuckDB cast such literals too).
    writer.conf.set("spark.sql.storeAssignmentPolicy", "LEGACY")
    writer.sql(f"CREATE DATABASE {database}")
    request.addfinalizer(lambda: writer.sql(f"DROP DATABASE {database} CASCADE"))
    writer.catalog.setCurrentDatabase(database)
    for sql in setup_sql:
        writer.sql(spark_sql(sql))
    session.catalog.setCurrentDatabase(database)
    return SparkEngine(session, timeout_seconds=timeout_seconds)
