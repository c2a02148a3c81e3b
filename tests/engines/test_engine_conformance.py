"""Behaviour every engine shares: results, column types, errors and timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlglot import exp

from trustwell.engines import Engine, EngineError, QueryTimeout

MakeEngine = Callable[..., Engine]

# Portable DDL: both DuckDB and PostgreSQL accept these type names (Spark gets them
# through sqlglot, tests/spark_local.py).
ORDERS = """
create table orders (
    id integer, qty bigint, ratio double precision, amount decimal(10, 2),
    code varchar(8), note text, paid boolean, day date,
    created timestamp, created_tz timestamptz
)"""
ORDER_ROWS = """
insert into orders values
    (1, 10, 0.5, 12.50, 'A1', 'first', true, '2024-03-01',
     '2024-03-01 08:30:00', '2024-03-01 08:30:00+00'),
    (2, 20, 1.5, 99.99, 'B2', null, false, '2024-03-02',
     '2024-03-02 09:00:00', '2024-03-02 11:00:00+02')"""

EXPECTED_TYPES = {
    "id": "integer",
    "qty": "integer",
    "ratio": "float",
    "amount": "decimal",
    "code": "string",
    "note": "string",
    "paid": "boolean",
    "day": "date",
    "created": "timestamp",
    "created_tz": "timestamp",
}

MISSING_TABLE_MESSAGE = {
    "duckdb-memory": "Catalog Error: Table with name missing_table does not exist!",
    "duckdb-file": "Catalog Error: Table with name missing_table does not exist!",
    "postgres": 'relation "missing_table" does not exist',
    "spark": "[TABLE_OR_VIEW_NOT_FOUND] The table or view `missing_table` cannot be found."
    " Verify the spelling and correctness of the schema and catalog.",
}

# Each engine's slowest cheap query: DuckDB has no sleep, so it gets a huge join.
SLOW_QUERY = {
    "duckdb-memory": "select count(*) from range(1000000000) a, range(1000000) b "
    "where a.range + b.range = -1",
    "duckdb-file": "select count(*) from range(1000000000) a, range(1000000) b "
    "where a.range + b.range = -1",
    "postgres": "select pg_sleep(5)",
    # 10^14 pairs: the job runs for days unless its group is cancelled. The small side
    # is the inner loop, so the tasks see the cancel within milliseconds.
    "spark": "select count(*) from range(100000000000) a cross join range(1000) b "
    "where a.id + b.id = -1",
}
# Spark by design needs longer: even `select 1` is a scheduled job (0.1-0.3 s warm,
# over a second on a busy 2-core machine).
TIMEOUT_SECONDS = {"duckdb-memory": 0.2, "duckdb-file": 0.2, "postgres": 0.2, "spark": 2.0}
TIMEOUT_MESSAGE = {
    "duckdb-memory": "query ran longer than 0.2s",
    "duckdb-file": "query ran longer than 0.2s",
    "postgres": "canceling statement due to statement timeout",
    "spark": "query ran longer than 2s",
}


def test_execute_returns_column_names_and_python_values(make_engine: MakeEngine) -> None:
    engine = make_engine(ORDERS, ORDER_ROWS)

    result = engine.execute(
        "select id, amount, code, note, paid, day, created, created_tz from orders order by id"
    )

    assert result.columns == [
        "id",
        "amount",
        "code",
        "note",
        "paid",
        "day",
        "created",
        "created_tz",
    ]
    assert result.rows == [
        (
            1,
            Decimal("12.50"),
            "A1",
            "first",
            True,
            date(2024, 3, 1),
            datetime(2024, 3, 1, 8, 30),
            datetime(2024, 3, 1, 8, 30, tzinfo=UTC),
        ),
        (
            2,
            Decimal("99.99"),
            "B2",
            None,
            False,
            date(2024, 3, 2),
            datetime(2024, 3, 2, 9, 0),
            datetime(2024, 3, 2, 9, 0, tzinfo=UTC),
        ),
    ]


def test_aware_timestamps_come_back_in_utc(make_engine: MakeEngine) -> None:
    engine = make_engine(ORDERS, ORDER_ROWS)

    value = engine.execute("select created_tz from orders where id = 2").rows[0][0]

    assert value.utcoffset().total_seconds() == 0
    assert (value.hour, value.minute) == (9, 0)


def test_aggregate_row_reads_as_a_mapping(make_engine: MakeEngine) -> None:
    engine = make_engine(ORDERS, ORDER_ROWS)

    result = engine.execute("select count(*) as row_count, sum(qty) as total from orders")

    assert result.first() == {"row_count": 2, "total": 30}
    assert result.records() == [{"row_count": 2, "total": 30}]


def test_rows_read_as_mappings_equal_the_records(make_engine: MakeEngine) -> None:
    """``mappings()`` reads rows by name without a dict each, and agrees with ``records()``."""
    engine = make_engine(ORDERS, ORDER_ROWS)

    result = engine.execute("select id, code, note, id * 10 as id from orders order by qty")
    rows = result.mappings()

    assert len(rows) == 2
    assert list(rows) == result.records()  # a name given twice reads its last column
    assert [dict(r) for r in rows[0:1]] == result.records()[:1]
    second = rows[1]
    assert (second["code"], second.get("note"), second.get("missing", "-")) == ("B2", None, "-")
    assert list(second) == ["id", "code", "note"] and second["id"] == 20
    with pytest.raises(KeyError):
        second["qty"]
    with pytest.raises(IndexError):
        rows[2]


def test_query_without_rows_gives_an_empty_first_row(make_engine: MakeEngine) -> None:
    engine = make_engine(ORDERS)

    result = engine.execute("select id from orders")

    assert (result.columns, result.rows, result.first()) == (["id"], [], {})


def test_describe_normalises_column_types(make_engine: MakeEngine) -> None:
    engine = make_engine(ORDERS)

    columns = engine.describe(exp.to_table("orders"))

    assert {c.name: c.type for c in columns} == EXPECTED_TYPES
    assert [c.name for c in columns] == list(EXPECTED_TYPES)


def test_describe_a_subquery(make_engine: MakeEngine) -> None:
    engine = make_engine(ORDERS)
    subquery = exp.select("id", "amount").from_("orders").subquery("recent")

    columns = engine.describe(subquery)

    assert [(c.name, c.type) for c in columns] == [("id", "integer"), ("amount", "decimal")]


def test_invalid_query_raises_engine_error_with_database_message(
    make_engine: MakeEngine, backend: str
) -> None:
    engine = make_engine()

    with pytest.raises(EngineError) as raised:
        engine.execute("select * from missing_table")

    assert str(raised.value).splitlines()[0] == MISSING_TABLE_MESSAGE[backend]


def test_describe_of_missing_table_raises_engine_error(
    make_engine: MakeEngine, backend: str
) -> None:
    engine = make_engine()

    with pytest.raises(EngineError) as raised:
        engine.describe(exp.to_table("missing_table"))

    assert str(raised.value).splitlines()[0] == MISSING_TABLE_MESSAGE[backend]


def test_slow_query_raises_query_timeout(make_engine: MakeEngine, backend: str) -> None:
    engine = make_engine(timeout_seconds=TIMEOUT_SECONDS[backend])
    started = time.monotonic()

    with pytest.raises(QueryTimeout) as raised:
        engine.execute(SLOW_QUERY[backend])

    assert str(raised.value) == TIMEOUT_MESSAGE[backend]
    assert time.monotonic() - started < TIMEOUT_SECONDS[backend] + 3


def test_engine_still_works_after_a_timeout(make_engine: MakeEngine, backend: str) -> None:
    engine = make_engine(timeout_seconds=TIMEOUT_SECONDS[backend])
    with pytest.raises(QueryTimeout):
        engine.execute(SLOW_QUERY[backend])

    assert engine.execute("select 1 as one").rows == [(1,)]
