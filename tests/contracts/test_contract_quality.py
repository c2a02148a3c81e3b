"""ODCS operators as trustwell bounds and allowances, and back (pure, no database)."""

from __future__ import annotations

from typing import Any

import pytest

from trustwell.contracts.quality import (
    Interval,
    allowance_of,
    allowance_operator,
    bounds_operator,
    interval_of,
    row_bounds,
)
from trustwell.contracts.rules_read import NotMapped, read_rule


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"mustBe": 0}, {}),
        ({"mustBeLessOrEqualTo": 4, "unit": "rows"}, {"max_failing": 4}),
        ({"mustBeLessThan": 5}, {"max_failing": 4}),
        ({"mustBeLessThan": 4.5}, {"max_failing": 4}),
        ({"mustBeBetween": [0, 3]}, {"max_failing": 3}),
        ({"mustBeLessOrEqualTo": 2.5, "unit": "percent"}, {"max_failing_fraction": 0.025}),
        ({"mustBeLessThan": 1, "unit": "percent"}, {"max_failing_fraction": 0.01}),
    ],
)
def test_failing_value_operators_become_allowances(entry: dict[str, Any], expected: Any) -> None:
    assert allowance_of(entry) == (expected, None)


@pytest.mark.parametrize(
    "entry",
    [{"mustBeGreaterThan": 2}, {"mustNotBe": 3}, {"mustBeBetween": [1, 5]}, {"mustBeLessThan": 0}],
)
def test_operators_that_are_no_allowance_say_why(entry: dict[str, Any]) -> None:
    allowed, why = allowance_of(entry)
    assert allowed is None and why


def test_whole_rows_make_strict_bounds_exact() -> None:
    assert row_bounds({"mustBeGreaterThan": 100}) == ({"min": 101}, None)
    assert row_bounds({"mustBeLessThan": 10}) == ({"max": 9}, None)
    assert row_bounds({"mustBeBetween": [10, 5]}) == ({"min": 5, "max": 10}, None)


def test_bounds_and_allowances_as_operators() -> None:
    assert bounds_operator(5, 5) == {"mustBe": 5}  # mustBeBetween wants two different numbers
    assert bounds_operator(1.0, 2.5) == {"mustBeBetween": [1, 2.5]}
    assert bounds_operator(None, 3) == {"mustBeLessOrEqualTo": 3}
    assert allowance_operator(None, None) == {"mustBe": 0, "unit": "rows"}
    assert allowance_operator(7, None) == {"mustBeLessOrEqualTo": 7, "unit": "rows"}
    assert allowance_operator(None, 0.125) == {"mustBeLessOrEqualTo": 12.5, "unit": "percent"}


def test_intervals_cover_what_they_allow() -> None:
    wide, narrow = Interval(0, 10), Interval(1, 10)
    assert wide.covers(narrow) and not narrow.covers(wide)
    assert Interval(0, 10).covers(Interval(0, 10, high_strict=True))
    assert not Interval(0, 10, high_strict=True).covers(Interval(0, 10))
    assert Interval(low=0).covers(Interval(5, 6)) and not Interval(5, 6).covers(Interval(low=0))
    assert interval_of({"mustNotBeBetween": [1, 2]}) is None


def test_rules_read_as_checks_or_refused() -> None:
    rule = read_rule({"metric": "nullValues", "mustBe": 0, "name": "n"}, "email", "t")
    assert rule.check == {"type": "not_null", "name": "n", "column": "email"}
    query = {"type": "sql", "query": "select max({property}) from {object}", "mustBeLessThan": 9}
    assert read_rule(query, "x", "s.t").check == {
        "type": "sql",
        "query": "select max(x) from s.t",
        "max": 9,
    }
    dupes = {"metric": "duplicateValues", "arguments": {"properties": ["a", "b"]}, "mustBe": 0}
    assert read_rule(dupes, None, "t").check == {"type": "unique", "columns": ["a", "b"]}
    with pytest.raises(NotMapped, match="only NULLs"):
        read_rule(
            {"metric": "missingValues", "arguments": {"missingValues": ["", None]}, "mustBe": 0},
            "c",
            "t",
        )
    with pytest.raises(NotMapped, match="engine 'soda'"):
        read_rule({"type": "custom", "engine": "soda", "implementation": "x"}, None, "t")
