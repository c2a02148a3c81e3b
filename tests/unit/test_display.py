"""Numbers for people (``trustwell.display``): what the pages and the review show."""

from __future__ import annotations

import doctest
from typing import Any

import pytest
from pydantic import TypeAdapter

from trustwell import display
from trustwell.checks.registry import unit_for
from trustwell.checks.spec import Check
from trustwell.display import count, duration, metric_value, number, percent


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (19_500, "5h 25m"),
        (19_510, "5h 25m"),  # the two largest units
        (3600, "1h"),
        (45 * 60, "45m"),
        (12, "12s"),
        (0, "0s"),
        (3 * 86400 + 3 * 3600, "3d 3h"),
        (-7200, "-2h"),  # a freshness column in the future
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_durations_read_as_hours_and_minutes(seconds: float | None, shown: str) -> None:
    assert duration(seconds) == shown


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [
        (0.017, "1.7 %"),
        (0.0173, "1.7 %"),
        (1.0, "100 %"),
        (0.5, "50 %"),
        (0.0, "0 %"),
        (0.0001, "< 0.1 %"),  # not zero, so never shown as 0 %
        (2 / 3, "66.7 %"),
        (None, "—"),
    ],
)
def test_fractions_read_as_percentages_with_one_decimal(fraction: float | None, shown: str) -> None:
    assert percent(fraction) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(12345, "12,345"), (0, "0"), (1_000_000.0, "1,000,000"), (7, "7"), (None, "—")],
)
def test_counts_have_thousands_separators(value: float | None, shown: str) -> None:
    assert count(value) == shown


def test_numbers_keep_six_significant_digits_with_separators() -> None:
    assert number(1234.5678) == "1,234.57"
    assert number(0.000123) == "0.000123"
    assert number(-2.5) == "-2.5"
    assert number(2.0) == "2"


@pytest.mark.parametrize(
    ("value", "unit", "failing", "shown"),
    [
        (3.0, "rows", False, "3 rows"),
        (1.0, "rows", False, "1 row"),
        (12345.0, "rows", False, "12,345 rows"),
        (2.0, "rows", True, "2 failing rows"),
        (1.0, "rows", True, "1 failing row"),
        (0.0, "rows", True, "0 failing rows"),
        (19_500.0, "duration", False, "5h 25m"),
        (183_600.0, "duration", False, "2d 3h"),
        (0.017, "fraction", False, "1.7 %"),
        (1204.0, "distinct values", False, "1,204 distinct values"),
        (1.0, "distinct values", False, "1 distinct value"),
        (2.0, "mismatched columns", False, "2 mismatched columns"),
        (1.0, "mismatched columns", False, "1 mismatched column"),
        (18.25, "number", False, "18.25"),
        (1234567.25, "number", False, "1,234,567"),
        (0.0123456, "number", False, "0.012346"),
        (1e-7, "number", False, "1e-07"),
        (None, "rows", False, "—"),
    ],
)
def test_a_metric_value_is_shown_with_its_unit(
    value: float | None, unit: display.Unit, failing: bool, shown: str
) -> None:
    assert metric_value(value, unit, failing=failing) == shown


CHECKS = TypeAdapter(Check)


@pytest.mark.parametrize(
    ("check", "unit", "failing"),
    [
        ({"type": "row_count", "min": 1}, "rows", False),
        ({"type": "freshness", "column": "at", "max_age": "26h"}, "duration", False),
        ({"type": "not_null", "column": "id"}, "rows", True),
        ({"type": "unique", "column": "id"}, "rows", True),
        ({"type": "accepted_values", "column": "c", "values": ["a"]}, "rows", True),
        ({"type": "range", "column": "n", "max": 3}, "rows", True),
        ({"type": "regex", "column": "c", "pattern": "^a"}, "rows", True),
        ({"type": "length", "column": "c", "max": 3}, "rows", True),
        ({"type": "references", "column": "c", "to": "raw.x.id"}, "rows", True),
        ({"type": "schema", "columns": {"id": "integer"}}, "mismatched columns", False),
        ({"type": "stat", "column": "n", "stat": "mean", "max": 3}, "number", False),
        (
            {"type": "stat", "column": "n", "stat": "distinct_count", "min": 1},
            "distinct values",
            False,
        ),
        ({"type": "stat", "column": "n", "stat": "null_fraction", "max": 0.1}, "fraction", False),
        ({"type": "sql", "name": "q", "query": "select 1", "min": 1}, "number", False),
        ({"type": "sql", "name": "f", "failing_rows": "select 1"}, "rows", True),
        ({"type": "anomaly", "metric": "row_count"}, "rows", False),  # rows, none failing
        ({"type": "anomaly", "metric": "freshness", "column": "at"}, "duration", False),
        ({"type": "anomaly", "metric": "stat:mean(n)"}, "number", False),
    ],
)
def test_every_declared_check_has_its_unit_from_the_registry(
    check: dict[str, Any], unit: str, failing: bool
) -> None:
    declared = CHECKS.validate_python(check)
    assert unit_for(declared.type, declared) == (unit, failing)


@pytest.mark.parametrize(
    ("check_type", "unit"),
    [
        ("row_count", ("rows", False)),
        ("freshness", ("duration", False)),
        ("not_null", ("rows", True)),
        ("references", ("rows", True)),
        ("schema", ("mismatched columns", False)),
        ("stat", ("number", False)),  # its unit depends on the statistic
        ("anomaly", ("number", False)),  # its unit depends on the metric
        (None, ("number", False)),
        ("anomaly", ("number", False)),  # a type this version does not know yet
    ],
)
def test_a_check_known_only_from_its_results_has_the_unit_of_its_type(
    check_type: str | None, unit: tuple[str, bool]
) -> None:
    assert unit_for(check_type) == unit


def test_the_module_examples_hold() -> None:
    failures, tried = doctest.testmod(display)
    assert tried > 0 and failures == 0
