"""``trustwell.validate``: the public Python API, pinned."""

from __future__ import annotations

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import trustwell

ROWS = {"id": [1, 2, 2, None], "email": ["a@x.io", "b", "c@y.org", None]}
CHECKS = [
    {"type": "unique", "column": "id"},
    {"type": "regex", "column": "email", "pattern": "@"},
    {"type": "row_count", "min": 1},
]


def test_public_api_is_small_and_stable() -> None:
    assert sorted(trustwell.__all__) == [
        "CheckResult",
        "Validation",
        "ValidationFailed",
        "__version__",
        "validate",
    ]


@pytest.mark.parametrize(
    "make",
    [
        pd.DataFrame,
        pl.DataFrame,
        lambda rows: pa.table(rows),
    ],
    ids=["pandas", "polars", "arrow"],
)
def test_validate_runs_the_same_checks_on_frames(make: object) -> None:
    frame = make(ROWS)  # type: ignore[operator]
    result = trustwell.validate(frame, checks=CHECKS, pii=["email"])
    assert [(r.check, r.status, r.value) for r in result] == [
        ("unique:id", "fail", 1.0),
        ("regex:email", "fail", 1.0),
        ("row_count", "pass", 4.0),
    ]
    assert not result.passed
    assert result.results[1].samples == [{"id": 2, "email": "***"}]


def test_validate_checks_a_duckdb_relation_on_its_own_connection() -> None:
    connection = duckdb.connect()
    relation = connection.sql("select range as x from range(10)")
    result = trustwell.validate(
        relation,
        checks=[
            {"type": "stat", "column": "x", "stat": "mean", "min": 4, "max": 5},
            {"type": "schema", "columns": {"x": "integer"}},
        ],
    )
    assert [r.status for r in result] == ["pass", "pass"]
    assert result.passed


def test_raise_on_fail_lists_every_failure() -> None:
    with pytest.raises(trustwell.ValidationFailed) as raised:
        trustwell.validate(pd.DataFrame(ROWS), checks=CHECKS, raise_on_fail=True, name="orders")
    assert str(raised.value) == (
        "orders: 2 of 3 checks failed\n"
        "  FAIL unique:id: 1 row duplicating another row's id (25.00% of 4); allowed 0\n"
        "  FAIL regex:email: 1 row with email not matching the pattern (25.00% of 4); allowed 0"
    )


def test_invalid_check_and_unsupported_data_are_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"checks\[0\] is invalid"):
        trustwell.validate(pd.DataFrame(ROWS), checks=[{"type": "not_null"}])
    with pytest.raises(TypeError, match="not list"):
        trustwell.validate([1, 2], checks=CHECKS)


def test_two_checks_with_one_name_are_refused_not_mixed_up() -> None:
    # Before: both ran with the second check's `where`, so the NULL in id went unseen.
    checks = [
        {"type": "not_null", "column": "id"},
        {"type": "not_null", "column": "id", "where": "email = 'b'"},
    ]
    with pytest.raises(ValueError) as raised:
        trustwell.validate(pd.DataFrame(ROWS), checks=checks)
    assert str(raised.value) == (
        "checks[1]: duplicate check name 'not_null:id': set 'name:' on one of them"
    )
    named = [checks[0], {**checks[1], "name": "id of b"}]
    assert [r.status for r in trustwell.validate(pd.DataFrame(ROWS), checks=named)] == [
        "fail",
        "pass",
    ]


def test_a_where_that_is_not_sql_is_an_error_result_that_says_why() -> None:
    (result,) = trustwell.validate(
        pd.DataFrame(ROWS), checks=[{"type": "not_null", "column": "id", "where": "email >"}]
    )
    assert result.status == "error"
    # The same words as the loader's (one validator, trustwell.readonly_sql).
    assert result.message == "where is not valid duckdb SQL: the expression is incomplete near '>'"
    (result,) = trustwell.validate(
        pd.DataFrame(ROWS), checks=[{"type": "sql", "query": "select (1 +", "min": 0}]
    )
    assert result.status == "error"
    assert result.message == "query is not valid duckdb SQL: the expression is incomplete near '+'"


def test_a_refused_where_errors_its_own_check_and_the_others_still_run() -> None:
    # Before, the filter reached DuckDB inside the shared query and every check errored.
    checks = [
        {"type": "row_count", "min": 1},
        {"type": "not_null", "column": "id", "where": "id in (select nextval('ids'))"},
    ]
    counted, filtered = trustwell.validate(pd.DataFrame(ROWS), checks=checks)
    assert (counted.status, counted.message) == ("pass", "row count is 4")
    assert (filtered.status, filtered.message) == (
        "error",
        "where must be one read-only condition: nextval() is not allowed",
    )
