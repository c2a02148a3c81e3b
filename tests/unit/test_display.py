"""Numbers for people (``trustwell.display``): what the pages and the review show."""

from __future__ import annotations

import doctest

import pytest

from trustwell import display
from trustwell.checks.spec import Sql, Stat
from trustwell.display import check_unit, count, duration, metric_value, number, percent


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
    ("value", "unit", "shown"),
    [
        (3.0, "rows", "3 rows"),
        (1.0, "rows", "1 row"),
        (12345.0, "rows", "12,345 rows"),
        (2.0, "failing_rows", "2 failing rows"),
        (1.0, "failing_rows", "1 failing row"),
        (0.0, "failing_rows", "0 failing rows"),
        (19_500.0, "age", "5h 25m"),
        (0.017, "fraction", "1.7 %"),
        (1204.0, "count", "1,204"),
        (2.0, "mismatches", "2 mismatches"),
        (1.0, "mismatches", "1 mismatch"),
        (18.25, "number", "18.25"),
        (None, "rows", "—"),
    ],
)
def test_a_metric_value_is_shown_with_its_unit(
    value: float | None, unit: display.Unit, shown: str
) -> None:
    assert metric_value(value, unit) == shown


@pytest.mark.parametrize(
    ("check_type", "unit"),
    [
        ("row_count", "rows"),
        ("freshness", "age"),
        ("not_null", "failing_rows"),
        ("unique", "failing_rows"),
        ("accepted_values", "failing_rows"),
        ("range", "failing_rows"),
        ("regex", "failing_rows"),
        ("length", "failing_rows"),
        ("references", "failing_rows"),
        ("sql", "failing_rows"),  # the failing_rows form, which a type alone stands for
        ("schema", "mismatches"),
        ("stat", "number"),
        (None, "number"),
        ("anomaly", "number"),  # a type this version does not know yet
    ],
)
def test_the_unit_of_each_check_type(check_type: str | None, unit: str) -> None:
    assert check_unit(check_type) == unit


def test_the_declared_check_refines_the_unit_of_stat_and_sql_checks() -> None:
    nulls = Stat(type="stat", column="email", stat="null_fraction", max=0.1)
    distinct = Stat(type="stat", column="email", stat="distinct_count", min=1)
    mean = Stat(type="stat", column="amount", stat="mean", min=1)
    query = Sql(type="sql", query="SELECT 1", min=1)
    failing = Sql(type="sql", failing_rows="SELECT 1")
    assert check_unit("stat", nulls) == "fraction"
    assert check_unit("stat", distinct) == "count"
    assert check_unit("stat", mean) == "number"
    assert check_unit("sql", query) == "number"
    assert check_unit("sql", failing) == "failing_rows"


def test_the_module_examples_hold() -> None:
    failures, tried = doctest.testmod(display)
    assert tried > 0 and failures == 0
