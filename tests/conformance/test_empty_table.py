"""A check on an empty table passes, except ``row_count`` and ``freshness`` (SPEC section 1).

``empty_orders`` has the columns of ``orders`` and no row. Each case is what
the type reports there (status, value, message), the same on every engine;
``docs/checks.md`` states each type's rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.data import NOW
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset
from trustwell.engines.base import Engine

NO_ROWS = "(no rows in scope); allowed 0"

# (check, status, value, message)
CASES: list[tuple[dict[str, Any], str, float | None, str]] = [
    ({"type": "row_count", "min": 1}, "fail", 0, "row count is 0, expected at least 1"),
    ({"type": "row_count", "max": 5}, "pass", 0, "row count is 0"),
    (
        {"type": "freshness", "column": "created_at", "max_age": "26h"},
        "fail",
        None,
        "no rows with a created_at value",
    ),
    ({"type": "not_null", "column": "id"}, "pass", 0, f"0 rows with NULL in id {NO_ROWS}"),
    (
        {"type": "unique", "columns": ["id", "email"]},
        "pass",
        0,
        f"0 rows duplicating another row's id,email {NO_ROWS}",
    ),
    (
        {"type": "accepted_values", "column": "status", "values": ["paid"]},
        "pass",
        0,
        f"0 rows with status not in the accepted values {NO_ROWS}",
    ),
    (
        {"type": "range", "column": "amount", "min": 0},
        "pass",
        0,
        f"0 rows with amount out of range {NO_ROWS}",
    ),
    (
        {"type": "regex", "column": "email", "pattern": "@"},
        "pass",
        0,
        f"0 rows with email not matching the pattern {NO_ROWS}",
    ),
    (
        {"type": "length", "column": "country", "min": 2, "max": 2},
        "pass",
        0,
        f"0 rows with country of the wrong length {NO_ROWS}",
    ),
    *[
        (
            {"type": "stat", "column": "amount", "stat": stat, "min": 1},
            "pass",
            None,
            f"{stat} of amount: no non-null values to measure",
        )
        for stat in ("mean", "min", "max", "sum", "stddev", "median")
    ],
    # The case: it failed before (a distinct count of nothing is 0, below min 1).
    (
        {"type": "stat", "column": "customer_id", "stat": "distinct_count", "min": 1},
        "pass",
        0,
        "distinct_count of customer_id: no non-null values to measure",
    ),
    (
        {"type": "stat", "column": "email", "stat": "null_fraction", "max": 0},
        "pass",
        None,
        "null_fraction of email: no rows to measure",
    ),
    ({"type": "schema", "columns": {"id": "integer"}}, "pass", 0, "1 declared column matches"),
    (
        {"type": "references", "column": "customer_id", "to": "customers.id"},
        "pass",
        0,
        f"0 rows with customer_id not found in the referenced asset {NO_ROWS}",
    ),
    (
        {"type": "sql", "failing_rows": "select * from empty_orders where amount < 0"},
        "pass",
        0,
        "0 rows returned by the failing_rows query; allowed 0",
    ),
    ({"type": "anomaly", "metric": "row_count"}, "pass", 0, "learning: 0 of 7 runs"),
    (
        {"type": "anomaly", "metric": "freshness", "column": "created_at"},
        "error",
        None,
        "no value to judge: no rows with a created_at value",
    ),
    # A query is evaluated as written: trustwell cannot know which rows it reads.
    (
        {"type": "sql", "query": "select count(*) from empty_orders", "min": 1},
        "fail",
        0,
        "query result is 0, expected at least 1",
    ),
]


@pytest.mark.parametrize(
    ("check", "status", "value", "message"),
    CASES,
    ids=[f"{c['type']}-{c.get('stat', i)}" for i, (c, *_) in enumerate(CASES)],
)
def test_a_check_on_an_empty_table(
    engine: Engine, check: dict[str, Any], status: str, value: float | None, message: str
) -> None:
    subject = Asset.model_validate({"name": "empty_orders", "checks": [check]})
    run = AssetRun(
        engine=engine,
        asset=subject,
        assets={"empty_orders": subject, "customers": Asset(name="customers")},
        now=parse_timestamp(NOW),
    )
    (result,) = check_asset(run)
    assert (result.status, result.value, result.message) == (status, value, message)
    assert result.failing_fraction is None  # no row in scope: no fraction
