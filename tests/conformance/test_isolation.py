"""One bad check never takes its neighbours down, on every engine (SPEC section 1, isolation).

Each case puts one broken check beside good ones in the same asset: the broken
one is ``error`` with a message saying why, the good ones keep exactly the
values of ``test_conformance.py``, and ``queries`` counts every statement a
check took part in (the shared one, then the halves it was re-planned into).
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
import pytest

import trustwell
from conformance.data import NOW, ORDERS
from trustwell.checks.result import CheckResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset
from trustwell.engines.base import Engine

#: Good checks and their hand-computed (status, value, failing_fraction); no samples, so
#: that ``queries`` counts the metric statements only.
GOOD: list[dict[str, Any]] = [
    {"type": "row_count", "min": 1},
    {"type": "not_null", "column": "id", "samples": 0},
    {"type": "stat", "column": "amount", "stat": "mean", "max": 100},
    {"type": "unique", "column": "id", "samples": 0},
]
GOOD_RESULTS = [
    ("row_count", "pass", 10.0, None),
    ("not_null:id", "fail", 1.0, 0.1),
    ("stat:mean(amount)", "fail", 127.27777777777777, None),
    ("unique:id", "fail", 2.0, 0.2),
]


def _run(engine: Engine, checks: list[dict[str, Any]]) -> tuple[list[CheckResult], list[str]]:
    statements: list[str] = []
    subject = Asset.model_validate({"name": "orders", "checks": checks})
    run = AssetRun(
        engine=engine,
        asset=subject,
        assets={"orders": subject},
        now=parse_timestamp(NOW),
        on_sql=lambda statement: statements.append(statement.sql),
    )
    return check_asset(run), statements


def _good(results: list[CheckResult]) -> list[tuple[str, str, float | None, float | None]]:
    return [(r.check, r.status, r.value, r.failing_fraction) for r in results]


def _assert_good(results: list[CheckResult]) -> None:
    found = _good(results)
    assert [f[:2] for f in found] == [g[:2] for g in GOOD_RESULTS]
    for (_, _, value, fraction), (_, _, want, want_fraction) in zip(
        found, GOOD_RESULTS, strict=True
    ):
        assert value == pytest.approx(want, rel=1e-12)
        assert fraction == (None if want_fraction is None else pytest.approx(want_fraction))


def test_a_missing_column_is_an_error_before_the_shared_statement(engine: Engine) -> None:
    results, statements = _run(engine, [{"type": "range", "column": "amuont", "min": 0}, *GOOD])
    missing, *good = results
    assert (missing.status, missing.value, missing.queries) == ("error", None, 0)
    assert missing.message == "column 'amuont' not found in orders: did you mean 'amount'?"
    _assert_good(good)
    # It never entered a statement: the good checks shared exactly one, once.
    assert [r.queries for r in good] == [1, 1, 1, 1]
    queries = [s for s in statements if not s.startswith("-- describe")]
    assert len(queries) == 1 and "amuont" not in queries[0]


def test_a_missing_column_without_a_near_name_lists_the_columns(engine: Engine) -> None:
    results, _ = _run(engine, [{"type": "not_null", "columns": ["id", "zzzzzz"]}, *GOOD[:1]])
    assert results[0].message == (
        "column 'zzzzzz' not found in orders: its columns are 'id', 'customer_id', 'email',"
        " 'status', 'amount', 'country', 'created_at'"
    )
    assert (results[1].status, results[1].value) == ("pass", 10.0)


def test_a_date_bound_on_a_float_column_errors_alone(engine: Engine) -> None:
    broken = {"type": "range", "column": "amount", "min": "2026-01-01"}
    results, statements = _run(engine, [broken, *GOOD])
    culprit, *good = results
    assert (culprit.status, culprit.value) == ("error", None)
    # The database's own message, from the statement that held the culprit alone.
    expected = {
        "duckdb": "Could not convert string '2026-01-01' to DOUBLE",
        "postgres": 'invalid input syntax for type double precision: "2026-01-01"',
        "spark": "[CAST_INVALID_INPUT] The value '2026-01-01' of the type \"STRING\" cannot be"
        ' cast to "DOUBLE"',
    }[engine.dialect]
    assert expected in culprit.message
    _assert_good(good)
    # Shared (all 5) fails → [range, row_count] fails, [not_null, stat, unique] runs →
    # [range] fails alone, [row_count] runs.
    assert [r.queries for r in results] == [3, 3, 2, 2, 2]
    assert len(statements) == 5


def test_a_broken_where_errors_alone(engine: Engine) -> None:
    broken = {"type": "not_null", "column": "email", "where": "amont > 0"}
    results, _ = _run(engine, [*GOOD, broken])
    *good, culprit = results
    assert (culprit.status, culprit.value) == ("error", None)
    expected = {
        "duckdb": 'Referenced column "amont" not found',
        "postgres": 'column "amont" does not exist',
        "spark": "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter"
        " with name `amont` cannot be resolved",
    }[engine.dialect]
    assert expected in culprit.message
    _assert_good(good)
    # Shared fails → [row_count, not_null] runs, [stat, unique, where] fails →
    # [stat] runs, [unique, where] fails → [unique] runs, [where] fails alone.
    assert [r.queries for r in results] == [2, 2, 3, 4, 4]


def test_several_culprits_each_get_their_own_message(engine: Engine) -> None:
    checks = [
        {"type": "range", "column": "amount", "max": "2026-01-01"},
        *GOOD[:2],
        {"type": "not_null", "column": "email", "where": "amont > 0"},
        *GOOD[2:],
    ]
    results, _ = _run(engine, checks)
    date_bound, row_count, not_null, broken_where, stat, unique = results
    assert date_bound.status == broken_where.status == "error"
    assert "2026-01-01" in date_bound.message and "amont" not in date_bound.message
    assert "amont" in broken_where.message and "2026-01-01" not in broken_where.message
    _assert_good([row_count, not_null, stat, unique])


def test_a_broken_query_asset_errors_every_check_with_one_message(engine: Engine) -> None:
    statements: list[str] = []
    subject = Asset.model_validate(
        {
            "name": "orders",
            "query": "select id, amount from orders where amount > 'x'",
            "checks": [{"type": "row_count", "min": 1}, {"type": "stat", "column": "amount",
                                                          "stat": "sum", "min": 0}],
        }
    )  # fmt: skip
    run = AssetRun(
        engine=engine,
        asset=subject,
        now=parse_timestamp(NOW),
        on_sql=lambda statement: statements.append(statement.sql),
    )
    results = check_asset(run)
    assert [r.status for r in results] == ["error", "error"]
    assert results[0].message == results[1].message
    assert "'x'" in results[0].message
    # PostgreSQL refuses it at the describe; DuckDB describes it, then the shared
    # statement and one count of the bare relation fail: its checks are not split.
    assert len([s for s in statements if not s.startswith("-- describe")]) <= 2


def _frame() -> pd.DataFrame:
    columns = ["id", "customer_id", "email", "status", "amount", "country", "created_at"]
    frame = pd.DataFrame(ORDERS, columns=columns)
    return frame.astype({"id": "Int64", "customer_id": "Int64"})


def test_validate_isolates_like_a_run() -> None:
    checks = [
        {"type": "range", "column": "amuont", "min": 0},
        *GOOD[:2],
        {"type": "range", "column": "amount", "min": "2026-01-01"},
        *GOOD[2:],
        {"type": "not_null", "column": "email", "where": "amont > 0"},
    ]
    results = trustwell.validate(_frame(), checks=checks, name="orders").results
    missing, row_count, not_null, date_bound, stat, unique, broken_where = results
    assert missing.message == "column 'amuont' not found in orders: did you mean 'amount'?"
    assert "Could not convert string '2026-01-01' to DOUBLE" in date_bound.message
    assert 'Referenced column "amont" not found' in broken_where.message
    _assert_good([row_count, not_null, stat, unique])


def test_validate_on_a_relation_isolates_too() -> None:
    connection = duckdb.connect()
    relation = connection.sql("select range as x from range(10)")
    results = trustwell.validate(
        relation,
        checks=[
            {"type": "stat", "column": "x", "stat": "mean", "min": 4, "max": 5},
            {"type": "range", "column": "x", "max": "2026-01-01"},
            {"type": "not_null", "column": "y"},
        ],
    ).results
    assert [(r.status, r.value) for r in results] == [
        ("pass", 4.5),
        ("error", None),
        ("error", None),
    ]
    assert results[2].message == "column 'y' not found in data: its columns are 'x'"


def test_a_function_the_engine_lacks_errors_alone(engine: Engine) -> None:
    broken = {"type": "row_count", "min": 1, "where": "no_such_fn(amount) > 0", "name": "odd"}
    results, _ = _run(engine, [*GOOD[:2], broken, *GOOD[2:]])
    row_count, not_null, culprit, stat, unique = results
    assert culprit.status == "error"
    expected = {
        "duckdb": "Scalar Function with name no_such_fn does not exist",
        "postgres": "function no_such_fn(double precision) does not exist",
        # sqlglot writes an unknown function's name in capitals
        "spark": "[UNRESOLVED_ROUTINE] Cannot resolve routine `NO_SUCH_FN`",
    }[engine.dialect]
    assert expected in culprit.message
    _assert_good([row_count, not_null, stat, unique])


#: Per engine: a ``where`` that makes the scan slow, the timeout and its message.
SLOW = {
    # Each row sleeps 0.2 s: the scan of 10 rows needs 2 s, far beyond the limit.
    "postgres": ("pg_sleep(0.2) IS NOT NULL", 0.3, "canceling statement due to statement timeout"),
    # 10^14 pairs before the first row is judged (the small side inner, so the cancel
    # stops the tasks at once); Spark needs seconds, not 0.3 s: even `select 1` is a
    # scheduled job there, and on two busy cores the good checks' own jobs took over 1 s.
    "spark": (
        "(select count(*) from range(100000000000) a cross join range(1000) b"
        " where a.id + b.id = -1) = 0",
        2.5,
        "query ran longer than 2.5s",
    ),
}


def _timed(engine: Engine, seconds: float) -> Engine:
    """Another engine on the same data whose statements time out after ``seconds``."""
    if engine.dialect == "spark":
        from trustwell.engines.spark import SparkEngine

        assert isinstance(engine, SparkEngine)
        return SparkEngine(engine.session, timeout_seconds=seconds)
    from trustwell.engines.postgres import PostgresEngine

    assert isinstance(engine, PostgresEngine)
    return PostgresEngine(engine.url, timeout_seconds=seconds)


# DuckDB has no sleep nor a slow subquery as cheap to write, so this case is PostgreSQL's
# and Spark's.
@pytest.mark.parametrize(
    "engine",
    [
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("spark", marks=pytest.mark.spark),
        pytest.param("spark-connect", marks=pytest.mark.spark),
    ],
    indirect=True,
)
def test_the_timeout_of_one_expensive_check_errors_it_alone(engine: Engine) -> None:
    """The engine's timeout stops the shared statement; the check that needs the
    time gets the timeout message, every other check its exact value."""
    where, seconds, message = SLOW[engine.dialect]
    timed = _timed(engine, seconds)
    slow = {"type": "row_count", "min": 1, "where": where, "name": "slow"}
    try:
        results, _ = _run(timed, [*GOOD[:2], slow, *GOOD[2:]])
    finally:
        timed.close()
    row_count, not_null, culprit, stat, unique = results
    assert culprit.status == "error"
    assert message in culprit.message
    _assert_good([row_count, not_null, stat, unique])
