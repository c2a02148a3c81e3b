"""Shared fixtures: a real PostgreSQL server, started on first use.

Tests that never ask for a PostgreSQL fixture never start the server. With
pytest-xdist each worker that needs one starts its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pg_server import PostgresServer, start_server

if TYPE_CHECKING:
    from pathlib import Path

    import psycopg

    from notify.notify_servers import SMTPSink
    from spark_servers import ConnectServer, StandaloneCluster
    from trustwell.store import Store

_database_numbers = itertools.count(1)
_PG_FIXTURES = {"pg_server", "pg_url", "fresh_pg_url", "pg_conn"}
_SPARK_FIXTURES = {"spark", "spark_connect", "spark_cluster"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `-m "not postgres"` for a quick run. Tests that ask for the server
    # lazily (getfixturevalue) mark their parameter themselves.
    for item in items:
        if _PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
        if _SPARK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.spark)


@pytest.fixture(autouse=True)
def _forget_registered_secrets() -> Iterator[None]:
    """Each test starts with no secret registered by an earlier test's project.

    A process loads one project in real use; the test process loads hundreds,
    and a value registered by one (``PASSWORD``) would mask text in the next.
    """
    yield
    from trustwell.redact import forget_secrets

    forget_secrets()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """None for the default SQLite file store, else a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("fresh_pg_url")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """A fresh, migrated SQLite store in the test's temp dir."""
    from trustwell.store import open_store

    opened = open_store("sqlite:///" + str(tmp_path / "store.db"), tmp_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def smtp_sink() -> Iterator[SMTPSink]:
    """A real SMTP server on 127.0.0.1 that keeps every message it receives."""
    from notify.notify_servers import SMTPSink

    sink = SMTPSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (stopped and deleted at session end)."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The session's one local SparkSession (started on first use, stopped at the end)."""
    from spark_local import start_session

    session = start_session(tmp_path_factory.mktemp("spark-warehouse"))
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="session")
def spark_connect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConnectServer]:
    """The session's one Spark Connect server on 127.0.0.1 (started on first use)."""
    from spark_servers import start_connect_server

    server = start_connect_server(tmp_path_factory.mktemp("spark-connect"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandaloneCluster]:
    """A standalone Spark master and one worker on 127.0.0.1 (started on first use)."""
    from spark_servers import start_standalone_cluster

    cluster = start_standalone_cluster(tmp_path_factory.mktemp("spark-cluster"))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> str:
    """libpq URL of the session-wide ``trustwell_test`` database."""
    return pg_server.url()


@pytest.fixture
def fresh_pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """libpq URL of an empty database made for this test alone (~20 ms)."""
    import psycopg

    name = f"test_{next(_database_numbers)}"
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
        # file_copy: a tiny template copies faster than it is WAL-logged.
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY file_copy')
    yield pg_server.url(name)
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def pg_conn(fresh_pg_url: str) -> Iterator[psycopg.Connection[Any]]:
    """Autocommit psycopg connection to ``fresh_pg_url``, to load a test's data."""
    import psycopg

    with psycopg.connect(fresh_pg_url, autocommit=True) as conn:
        yield conn
