"""The unit of each check type's value and the value written for people (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from trustwell.checks.spec import Check
from trustwell.checks.units import Unit, format_value, unit_of

CHECKS = TypeAdapter(Check)


@pytest.mark.parametrize(
    ("check", "unit"),
    [
        ({"type": "row_count", "min": 1}, "rows"),
        ({"type": "freshness", "column": "at", "max_age": "26h"}, "duration"),
        ({"type": "not_null", "column": "id"}, "rows"),
        ({"type": "unique", "column": "id"}, "rows"),
        ({"type": "accepted_values", "column": "c", "values": ["a"]}, "rows"),
        ({"type": "range", "column": "n", "max": 3}, "rows"),
        ({"type": "regex", "column": "c", "pattern": "^a"}, "rows"),
        ({"type": "length", "column": "c", "max": 3}, "rows"),
        ({"type": "references", "column": "c", "to": "raw.x.id"}, "rows"),
        ({"type": "schema", "columns": {"id": "integer"}}, "mismatched columns"),
        ({"type": "stat", "column": "n", "stat": "mean", "max": 3}, "number"),
        ({"type": "stat", "column": "n", "stat": "distinct_count", "min": 1}, "distinct values"),
        ({"type": "stat", "column": "n", "stat": "null_fraction", "max": 0.1}, "fraction"),
        ({"type": "sql", "name": "q", "query": "select 1", "min": 1}, "number"),
        ({"type": "sql", "name": "f", "failing_rows": "select 1"}, "rows"),
    ],
)
def test_every_check_type_has_a_unit(check: dict[str, Any], unit: Unit) -> None:
    assert unit_of(CHECKS.validate_python(check)) == unit


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1.0, "rows", "1 row"),
        (0.0, "rows", "0 rows"),
        (1204.0, "rows", "1,204 rows"),
        (183600.0, "duration", "2d 3h"),
        (0.017, "fraction", "1.7 %"),
        (2.0, "distinct values", "2 distinct values"),
        (1.0, "mismatched columns", "1 mismatched column"),
        (0.0, "mismatched columns", "0 mismatched columns"),
        (12.5, "number", "12.5"),
        (1234567.25, "number", "1,234,567"),
        (0.0123456, "number", "0.012346"),
        (-2.5, "number", "-2.5"),
        (1e-7, "number", "1e-07"),
        (None, "rows", ""),
    ],
)
def test_values_are_written_with_their_unit(value: float | None, unit: Unit, text: str) -> None:
    assert format_value(value, unit) == text
