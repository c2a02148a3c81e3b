"""One conformance suite, every engine: the same checks give the same results.

Each case is a check as written in ``assets/*.yml`` and the status, value and
failing fraction computed by hand from ``data.py``. DuckDB is the reference;
PostgreSQL must agree exactly.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.data import NOW
from trustwell.checks.result import CheckResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset
from trustwell.engines.base import Engine

# (check, status, value, failing_fraction)
CASES: list[tuple[dict[str, Any], str, float | None, float | None]] = [
    ({"type": "row_count", "min": 1}, "pass", 10, None),
    ({"type": "row_count", "min": 11}, "fail", 10, None),
    ({"type": "row_count", "min": 1, "max": 100, "warn": {"min": 20}}, "warn", 10, None),
    ({"type": "row_count", "min": 1, "where": "1 = 0"}, "fail", 0, None),
    ({"type": "freshness", "column": "created_at", "max_age": "26h"}, "pass", 10800, None),
    ({"type": "freshness", "column": "created_at", "max_age": "2h"}, "fail", 10800, None),
    (
        {"type": "freshness", "column": "created_at", "max_age": "26h", "warn": {"max_age": "1h"}},
        "warn",
        10800,
        None,
    ),
    (
        {"type": "freshness", "column": "created_at", "max_age": "26h", "where": "status = 'lost'"},
        "pass",
        82800,
        None,
    ),
    (
        {"type": "freshness", "column": "created_at", "max_age": "26h", "where": "1 = 0"},
        "fail",
        None,
        None,
    ),
    ({"type": "not_null", "column": "id"}, "fail", 1, 0.1),
    ({"type": "not_null", "columns": ["customer_id", "status"]}, "fail", 1, 0.1),
    ({"type": "not_null", "column": "email", "max_failing": 1}, "pass", 1, 0.1),
    ({"type": "not_null", "column": "email", "max_failing_fraction": 0.05}, "fail", 1, 0.1),
    ({"type": "not_null", "column": "email", "max_failing_fraction": 0.1}, "pass", 1, 0.1),
    (
        {"type": "not_null", "column": "email", "max_failing": 5, "warn": {"max_failing": 0}},
        "warn",
        1,
        0.1,
    ),
    ({"type": "not_null", "column": "email", "where": "1 = 0"}, "pass", 0, None),
    ({"type": "unique", "column": "id"}, "fail", 2, 0.2),
    ({"type": "unique", "columns": ["id", "email"]}, "fail", 1, 0.1),
    ({"type": "unique", "column": "id", "where": "status = 'paid'"}, "fail", 1, 1 / 6),
    ({"type": "unique", "column": "country", "max_failing": 3}, "fail", 4, 0.4),
    (
        {"type": "accepted_values", "column": "status", "values": ["paid", "refunded", "pending"]},
        "fail",
        1,
        0.1,
    ),
    (
        {
            "type": "accepted_values",
            "column": "status",
            "values": ["paid", "refunded", "pending"],
            "max_failing": 1,
        },
        "pass",
        1,
        0.1,
    ),
    (
        {"type": "accepted_values", "column": "customer_id", "values": [10, 11, 12, 13]},
        "fail",
        1,
        0.1,
    ),
    ({"type": "range", "column": "amount", "min": 0, "max": 500}, "fail", 2, 0.2),
    ({"type": "range", "column": "amount", "min": 0}, "fail", 1, 0.1),
    ({"type": "range", "column": "amount", "max": 1000}, "pass", 0, 0.0),
    ({"type": "range", "column": "created_at", "min": "2026-11-21"}, "fail", 3, 0.3),
    ({"type": "regex", "column": "email", "pattern": r"^[^@]+@[^@]+\.[a-z]+$"}, "fail", 1, 0.1),
    ({"type": "regex", "column": "email", "pattern": "@example"}, "fail", 1, 0.1),
    ({"type": "regex", "column": "country", "pattern": "^[A-Z]{2}$"}, "fail", 1, 0.1),
    ({"type": "length", "column": "country", "min": 2, "max": 2}, "fail", 1, 0.1),
    ({"type": "length", "column": "email", "max": 12}, "fail", 8, 0.8),
    (
        {"type": "stat", "column": "amount", "stat": "mean", "max": 100},
        "fail",
        127.27777777777777,
        None,
    ),
    ({"type": "stat", "column": "amount", "stat": "min", "min": 0}, "fail", -5, None),
    ({"type": "stat", "column": "amount", "stat": "max", "max": 1000}, "pass", 1000, None),
    ({"type": "stat", "column": "amount", "stat": "sum", "min": 1000}, "pass", 1145.5, None),
    (
        {"type": "stat", "column": "amount", "stat": "median", "min": 20, "max": 30},
        "pass",
        25.5,
        None,
    ),
    (
        {"type": "stat", "column": "amount", "stat": "stddev", "max": 300},
        "fail",
        327.6056233406937,
        None,
    ),
    (
        {"type": "stat", "column": "customer_id", "stat": "distinct_count", "min": 6},
        "fail",
        5,
        None,
    ),
    ({"type": "stat", "column": "email", "stat": "null_fraction", "max": 0.1}, "pass", 0.1, None),
    (
        {
            "type": "stat",
            "column": "email",
            "stat": "null_fraction",
            "max": 0.1,
            "where": "country = 'US'",
        },
        "fail",
        0.5,
        None,
    ),
    (
        {"type": "stat", "column": "amount", "stat": "mean", "min": 0, "where": "1 = 0"},
        "pass",
        None,
        None,
    ),
    (
        {
            "type": "schema",
            "columns": {
                "id": "integer",
                "email": "string",
                "amount": "float",
                "created_at": "timestamp",
                "status": "string",
            },
        },
        "pass",
        0,
        None,
    ),
    ({"type": "schema", "columns": {"id": "string", "missing_col": "integer"}}, "fail", 2, None),
    (
        {
            "type": "schema",
            "allow_extra": False,
            "columns": {
                "id": "integer",
                "customer_id": "integer",
                "email": "string",
                "status": "string",
                "amount": "float",
                "country": "string",
            },
        },
        "fail",
        1,
        None,
    ),
    ({"type": "references", "column": "customer_id", "to": "customers.id"}, "fail", 1, 0.1),
    (
        {
            "type": "references",
            "column": "customer_id",
            "to": "customers.id",
            "where": "status <> 'lost'",
        },
        "pass",
        0,
        0.0,
    ),
    (
        {"type": "sql", "query": "select count(*) from orders where status = 'paid'", "min": 1},
        "pass",
        6,
        None,
    ),
    (
        {"type": "sql", "query": "select count(*) from orders", "max": 5, "warn": {"max": 2}},
        "fail",
        10,
        None,
    ),
    ({"type": "sql", "failing_rows": "select * from orders where amount < 0"}, "fail", 1, None),
    # No past results here: learning, with the metric's value (test_anomaly_history has a band).
    ({"type": "anomaly", "metric": "row_count"}, "pass", 10, None),
    ({"type": "anomaly", "metric": "row_count", "where": "status = 'paid'"}, "pass", 6, None),
    ({"type": "anomaly", "metric": "freshness", "column": "created_at"}, "pass", 10800, None),
]


def _run(engine: Engine, checks: list[dict[str, Any]], **asset: Any) -> list[CheckResult]:
    target = Asset(name="customers")
    subject = Asset.model_validate({"name": "orders", "checks": checks, **asset})
    run = AssetRun(
        engine=engine,
        asset=subject,
        assets={"orders": subject, "customers": target},
        now=parse_timestamp(NOW),
    )
    return check_asset(run)


@pytest.mark.parametrize(
    ("check", "status", "value", "fraction"),
    CASES,
    ids=[f"{c['type']}-{i}" for i, (c, *_) in enumerate(CASES)],
)
def test_check_gives_the_hand_computed_result(
    engine: Engine,
    check: dict[str, Any],
    status: str,
    value: float | None,
    fraction: float | None,
) -> None:
    (result,) = _run(engine, [check])
    assert result.status == status, result.message
    if value is None:
        assert result.value is None
    else:
        assert result.value == pytest.approx(value, rel=1e-12)
    if fraction is None:
        assert result.failing_fraction is None
    else:
        assert result.failing_fraction == pytest.approx(fraction, rel=1e-12)


def test_all_aggregate_checks_of_an_asset_share_one_query(engine: Engine) -> None:
    statements: list[str] = []
    aggregates = [
        c
        for c, *_ in CASES
        if c["type"] not in ("schema", "references", "sql") and c.get("samples") != 1
    ]
    named = [{**c, "name": f"c{i}", "samples": 0} for i, c in enumerate(aggregates)]
    subject = Asset.model_validate({"name": "orders", "checks": named})
    results = check_asset(
        AssetRun(
            engine=engine,
            asset=subject,
            now=parse_timestamp(NOW),
            on_sql=lambda statement: statements.append(statement.sql),
        )
    )
    # One statement computes every check (the describe is no statement of theirs).
    shared, *details = statements
    assert shared.startswith("SELECT") and "GROUP BY" not in shared
    # Only a failing accepted_values check asks for more: its offending values (grouped).
    failing_values = {
        r.check: r for r in results if r.type == "accepted_values" and r.status == "fail"
    }
    assert len(details) == len(failing_values) == 2
    assert all("GROUP BY" in d for d in details)
    assert {r.check: r.queries for r in results} == {
        r.check: 2 if r.check in failing_values else 1 for r in results
    }
    expected = [status for c, status, *_ in CASES if c in aggregates]
    assert [r.status for r in results] == expected


def test_failed_rows_are_sampled_with_pii_masked(engine: Engine) -> None:
    results = _run(
        engine,
        [
            {"type": "regex", "column": "email", "pattern": "@", "samples": 3},
            {"type": "unique", "column": "id"},
            {"type": "not_null", "column": "id", "samples": 0},
            {"type": "row_count", "min": 1},
        ],
        pii=["email"],
    )
    regex, unique, not_null, row_count = results
    assert [(s["id"], s["email"]) for s in regex.samples] == [(4, "***")]
    assert regex.queries == 2
    assert sorted((s["id"], s["duplicate_rows"]) for s in unique.samples) == [(4, 2), (7, 2)]
    assert not_null.status == "fail" and not_null.samples == [] and not_null.queries == 1
    assert row_count.samples == [] and row_count.queries == 1


def test_a_check_that_cannot_run_is_an_error_and_the_others_still_run(engine: Engine) -> None:
    results = _run(
        engine,
        [
            {"type": "not_null", "column": "no_such_column"},
            {"type": "sql", "query": "select count(*) from no_such_table", "min": 0},
            {"type": "row_count", "min": 1},
        ],
    )
    broken_aggregate, broken_sql, row_count = results
    assert broken_aggregate.status == "error" and "no_such_column" in broken_aggregate.message
    assert broken_sql.status == "error" and "no_such_table" in broken_sql.message
    # …and the other checks of the asset keep their values.
    assert (row_count.status, row_count.value, row_count.queries) == ("pass", 10, 1)


def test_sql_and_references_still_run_when_the_shared_query_fails(engine: Engine) -> None:
    results = _run(
        engine,
        [
            {"type": "not_null", "column": "no_such_column"},
            {"type": "references", "column": "customer_id", "to": "customers.id"},
            {"type": "sql", "failing_rows": "select * from orders where amount < 0"},
        ],
    )
    assert [r.status for r in results] == ["error", "fail", "fail"]
