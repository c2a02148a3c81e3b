"""Pure evaluation: metric values in, status and message out. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from trustwell.checks.evaluate import evaluate
from trustwell.checks.spec import Check, CheckBase

_CHECK: TypeAdapter[CheckBase] = TypeAdapter(Check)  # type: ignore[arg-type]
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def check(**definition: Any) -> CheckBase:
    return _CHECK.validate_python(definition)


def test_failing_rows_above_the_allowance_fail_with_a_readable_message() -> None:
    outcome = evaluate(check(type="not_null", column="email"), {"failing": 3, "scope": 200}, NOW)
    assert (outcome.status, outcome.value, outcome.failing_fraction) == ("fail", 3.0, 0.015)
    assert outcome.message == "3 rows with NULL in email (1.50% of 200); allowed 0"


def test_fraction_allowance_compares_the_share_of_rows_in_scope() -> None:
    nulls = check(type="not_null", column="email", max_failing_fraction=0.01)
    assert evaluate(nulls, {"failing": 2, "scope": 200}, NOW).status == "pass"
    assert evaluate(nulls, {"failing": 3, "scope": 200}, NOW).status == "fail"


def test_warn_level_only_warns() -> None:
    nulls = check(type="not_null", column="email", max_failing=10, warn={"max_failing": 0})
    assert evaluate(nulls, {"failing": 0, "scope": 5}, NOW).status == "pass"
    assert evaluate(nulls, {"failing": 4, "scope": 5}, NOW).status == "warn"
    assert evaluate(nulls, {"failing": 11, "scope": 50}, NOW).status == "fail"


def test_empty_table_passes_row_level_checks_but_not_row_count_or_freshness() -> None:
    assert (
        evaluate(
            check(type="unique", column="id"), {"scope": 0, "keyed": 0, "distinct": 0}, NOW
        ).status
        == "pass"
    )
    assert evaluate(check(type="row_count", min=1), {"rows": 0}, NOW).status == "fail"
    stale = evaluate(
        check(type="freshness", column="ts", max_age="1h"), {"latest": None, "scope": 0}, NOW
    )
    assert (stale.status, stale.message) == ("fail", "no rows with a ts value")


def test_freshness_reads_naive_timestamps_as_utc_and_dates_as_midnight() -> None:
    fresh = check(type="freshness", column="ts", max_age="26h")
    naive = evaluate(fresh, {"latest": datetime(2026, 11, 20, 6, 0), "scope": 1}, NOW)
    assert (naive.status, naive.value) == ("fail", 183600.0)
    assert naive.message == "last row loaded 2d 3h ago (allowed 26h)"
    day = evaluate(fresh, {"latest": date(2026, 11, 22), "scope": 1}, NOW)
    assert (day.status, day.value) == ("pass", 32400.0)


def test_freshness_honours_the_warehouse_timezone_for_naive_timestamps() -> None:
    fresh = check(type="freshness", column="ts", max_age="1h")
    berlin = evaluate(
        fresh, {"latest": datetime(2026, 11, 22, 9, 30), "scope": 1}, NOW, "Europe/Berlin"
    )
    assert (berlin.status, berlin.value) == ("pass", 1800.0)


def test_stat_bounds_and_decimal_values() -> None:
    mean = check(type="stat", column="cac", stat="mean", min=10, max=100)
    assert evaluate(mean, {"value": Decimal("55.5")}, NOW).status == "pass"
    out = evaluate(mean, {"value": Decimal("120")}, NOW)
    assert (out.status, out.message) == ("fail", "mean of cac is 120, expected between 10 and 100")


def test_unique_counts_rows_beyond_the_first_of_each_key() -> None:
    outcome = evaluate(
        check(type="unique", columns=["week", "channel"]),
        {"scope": 10, "keyed": 9, "distinct": 7},
        NOW,
    )
    assert (outcome.status, outcome.value, outcome.failing_fraction) == ("fail", 2.0, 0.2)


@given(failing=st.integers(0, 10_000), extra=st.integers(0, 10_000), allowed=st.integers(0, 10_000))
def test_max_failing_is_an_inclusive_allowance(failing: int, extra: int, allowed: int) -> None:
    outcome = evaluate(
        check(type="range", column="x", min=0, max_failing=allowed),
        {"failing": failing, "scope": failing + extra},
        NOW,
    )
    assert outcome.status == ("fail" if failing > allowed else "pass")


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ({"type": "sql", "query": "select 1"}, "a query check needs min, max or both"),
        ({"type": "not_null"}, "give either column or columns"),
        ({"type": "regex", "column": "a", "pattern": "("}, "does not compile"),
        ({"type": "freshness", "column": "a", "max_age": "soon"}, "is not a duration"),
        (
            {"type": "not_null", "column": "a", "max_failing": 1, "max_failing_fraction": 0.1},
            "not both",
        ),
        (
            {"type": "sql", "query": "select 1", "min": 0, "where": "x > 1"},
            "where does not apply to a sql check",
        ),
        (
            {"type": "schema", "columns": {"a": "integer"}, "where": "x > 1"},
            "where does not apply to a schema check",
        ),
    ],
)
def test_invalid_definitions_are_refused(definition: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        check(**definition)
