"""PostgreSQL-only behaviour: the session is read-only, files are not tables."""

from __future__ import annotations

from typing import Any

import pytest

from trustwell.engines import EngineError
from trustwell.engines.postgres import PostgresEngine


def test_engine_refuses_writes(pg_conn: Any, fresh_pg_url: str) -> None:
    pg_conn.execute("create table orders (id integer)")

    with PostgresEngine(fresh_pg_url) as engine, pytest.raises(EngineError) as raised:
        engine.execute("insert into orders values (1)")

    assert str(raised.value) == "cannot execute INSERT in a read-only transaction"
    assert pg_conn.execute("select count(*) from orders").fetchone() == (0,)


def test_engine_refuses_ddl(fresh_pg_url: str) -> None:
    with PostgresEngine(fresh_pg_url) as engine, pytest.raises(EngineError) as raised:
        engine.execute("create table sneaky (id integer)")

    assert str(raised.value) == "cannot execute CREATE TABLE in a read-only transaction"


def test_sqlalchemy_style_url_is_accepted(pg_url: str) -> None:
    url = pg_url.replace("postgresql://", "postgresql+psycopg://")

    with PostgresEngine(url) as engine:
        assert engine.execute("select current_database()").rows == [("trustwell_test",)]


def test_unreachable_server_raises_engine_error() -> None:
    with pytest.raises(EngineError) as raised:
        PostgresEngine("postgresql://nobody@127.0.0.1:1/nowhere")

    assert str(raised.value).startswith("cannot connect to PostgreSQL: ")


def test_reading_files_directly_is_refused(pg_url: str) -> None:
    with PostgresEngine(pg_url) as engine, pytest.raises(EngineError) as raised:
        engine.relation_for_files("data/*.parquet")

    assert str(raised.value) == ("PostgresEngine cannot read files directly: use table or query")
