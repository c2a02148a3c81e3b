"""ODCS comparison operators as intervals, and trustwell's bounds and allowances as operators.

An ODCS quality rule says where its metric must lie with one operator
(``mustBe``, ``mustBeLessOrEqualTo``, ``mustBeBetween``, …). trustwell says the
same with inclusive ``min``/``max`` bounds, or for row-level checks with an
allowance of failing rows (``max_failing``) or of their share
(``max_failing_fraction``, written in ODCS as ``unit: percent``). Export, import
and the diff all go through :class:`Interval`. Pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

OPERATORS = (
    "mustBe",
    "mustNotBe",
    "mustBeGreaterThan",
    "mustBeGreaterOrEqualTo",
    "mustBeLessThan",
    "mustBeLessOrEqualTo",
    "mustBeBetween",
    "mustNotBeBetween",
)


@dataclass(frozen=True)
class Interval:
    """Where a metric must lie; ``None`` is an open side."""

    low: float | None = None
    high: float | None = None
    low_strict: bool = False
    high_strict: bool = False

    def covers(self, other: Interval) -> bool:
        """True when every value ``other`` allows, this allows too."""
        return _below_ok(self, other) and _above_ok(self, other)


def _below_ok(outer: Interval, inner: Interval) -> bool:
    if outer.low is None:
        return True
    if inner.low is None:
        return False
    if inner.low != outer.low:
        return inner.low > outer.low
    return inner.low_strict or not outer.low_strict


def _above_ok(outer: Interval, inner: Interval) -> bool:
    if outer.high is None:
        return True
    if inner.high is None:
        return False
    if inner.high != outer.high:
        return inner.high < outer.high
    return inner.high_strict or not outer.high_strict


def operator_of(entry: dict[str, Any]) -> str | None:
    """The one operator key a rule uses (the schema allows exactly one), or None."""
    return next((k for k in OPERATORS if k in entry), None)


def interval_of(entry: dict[str, Any]) -> Interval | None:
    """The interval a rule's operator allows; None for ``mustNotBe…`` or no operator."""
    op = operator_of(entry)
    value: Any = entry.get(op) if op else None
    if op == "mustBe" and _number(value):
        return Interval(float(value), float(value))
    if op in ("mustBeGreaterThan", "mustBeGreaterOrEqualTo") and _number(value):
        return Interval(low=float(value), low_strict=op == "mustBeGreaterThan")
    if op in ("mustBeLessThan", "mustBeLessOrEqualTo") and _number(value):
        return Interval(high=float(value), high_strict=op == "mustBeLessThan")
    if op == "mustBeBetween" and isinstance(value, list) and len(value) == 2:
        return Interval(float(min(value)), float(max(value)))
    return None


def bounds_operator(low: float | None, high: float | None) -> dict[str, Any]:
    """Inclusive bounds as one ODCS operator (``mustBeBetween`` needs two different numbers)."""
    if low is not None and high is not None:
        return (
            {"mustBe": _plain(low)}
            if low == high
            else {"mustBeBetween": [_plain(low), _plain(high)]}
        )
    if low is not None:
        return {"mustBeGreaterOrEqualTo": _plain(low)}
    if high is not None:
        return {"mustBeLessOrEqualTo": _plain(high)}
    return {}


def allowance_operator(max_failing: int | None, fraction: float | None) -> dict[str, Any]:
    """A row-level allowance as an operator and its ``unit`` (``rows`` or ``percent``)."""
    if fraction is not None:
        return {"mustBeLessOrEqualTo": _plain(round(fraction * 100, 9)), "unit": "percent"}
    if not max_failing:
        return {"mustBe": 0, "unit": "rows"}
    return {"mustBeLessOrEqualTo": max_failing, "unit": "rows"}


def allowance_of(entry: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """A rule's operator as ``max_failing``/``max_failing_fraction`` keys, or why it cannot be.

    A strict bound on a percentage is read as inclusive (trustwell's allowances are).
    """
    found = interval_of(entry)
    if found is None:
        return None, "its operator does not bound the failing rows from above"
    if found.low is not None and found.low > 0:
        return None, "it asks for a minimum of failing values, which trustwell does not check"
    if found.high is None:
        return None, "it sets no upper bound on the failing values"
    if found.high < 0:
        return None, "its upper bound is below 0"
    if entry.get("unit") == "percent":
        if found.high > 100:
            return None, "a percentage above 100"
        return ({"max_failing_fraction": round(found.high / 100, 12)} if found.high else {}), None
    rows = math.ceil(found.high) - 1 if found.high_strict else math.floor(found.high)
    if rows < 0:
        return None, "no number of failing rows is below its bound"
    return ({"max_failing": rows} if rows else {}), None


def row_bounds(entry: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """A rule's operator as inclusive ``min``/``max``; strict bounds on whole rows are exact."""
    found = interval_of(entry)
    if found is None:
        return None, "its operator (mustNotBe…) is not an interval trustwell can check"
    out: dict[str, Any] = {}
    if found.low is not None:
        out["min"] = math.floor(found.low) + 1 if found.low_strict else math.ceil(found.low)
    if found.high is not None:
        out["max"] = math.ceil(found.high) - 1 if found.high_strict else math.floor(found.high)
    return out, None


def value_bounds(entry: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """A rule's operator as inclusive ``min``/``max`` on any number (strict read as inclusive)."""
    found = interval_of(entry)
    if found is None:
        return None, "its operator (mustNotBe…) is not an interval trustwell can check"
    out = {k: _plain(v) for k, v in (("min", found.low), ("max", found.high)) if v is not None}
    return out, None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plain(value: float) -> int | float:
    """``5.0`` as ``5``: contracts read as people wrote the numbers."""
    return int(value) if float(value).is_integer() else value
