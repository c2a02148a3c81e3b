"""What a check's evaluation returns, and the rules the types share. Pure: no I/O.

Every check type turns its metric values into an :class:`Outcome` (status,
value, message, details); the two shapes most types share live here: failing
rows against an allowance (row-level types) and a value inside bounds.
Both take plain numbers, not the checks' models: this module imports neither
Pydantic nor sqlglot, so :mod:`trustwell.checks.judge` evaluates from a cached
description of a check without loading them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from trustwell.checks.result import Status

#: Metric keys every row-level check provides (``trustwell.checks.metrics`` re-exports them).
FAILING, SCOPE = "failing", "scope"


@dataclass(frozen=True)
class Outcome:
    """A check's status, its ``value`` (SPEC section 1), message and type-specific details."""

    status: Status
    value: float | None
    message: str
    failing_fraction: float | None = None
    details: dict[str, Any] | None = None


def number(value: Any) -> float | None:
    """A database number as a float (Decimal, int, bool, None)."""
    if value is None:
        return None
    if isinstance(value, Decimal | int | float):
        return float(value)
    raise TypeError(f"expected a number, got {type(value).__name__}: {value!r}")


def fmt(value: float | None) -> str:
    """A metric value for a message: thousands separators, at most 6 significant digits."""
    if value is None:
        return "none"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def rows(count: float) -> str:
    """``1 row``, ``3 rows``."""
    return f"{fmt(count)} row{'s' * (count != 1)}"


# --- row-level checks --------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    """How many failing rows a level tolerates, as plain numbers (a check's fail level or ``warn``).

    Neither set means none: ``max_failing`` 0.
    """

    max_failing: int | None = None
    max_failing_fraction: float | None = None


def _exceeds(allowance: Allowed, failing: float, fraction: float | None) -> bool:
    if allowance.max_failing_fraction is not None:
        return (fraction or 0.0) > allowance.max_failing_fraction
    return failing > (allowance.max_failing or 0)


def _allowance_text(allowance: Allowed) -> str:
    if allowance.max_failing_fraction is not None:
        return f"{allowance.max_failing_fraction:.4g} of rows"
    return fmt(allowance.max_failing or 0)


def failing_rows(
    failing: float, scope: float | None, what: str, allowance: Allowed, warn: Allowed | None = None
) -> Outcome:
    """Status of a check that counts failing rows; ``what`` says what a failing row is.

    ``scope`` is the number of rows in scope (None when the check has none, as
    a ``failing_rows`` query); no row in scope means nothing can fail.
    ``warn`` is the level that only warns (None: the check never warns).

    >>> failing_rows(3, 200, "with NULL in email", Allowed()).message
    '3 rows with NULL in email (1.50% of 200); allowed 0'
    """
    fraction = failing / scope if scope else None
    if _exceeds(allowance, failing, fraction):
        status: Status = "fail"
        allowed = _allowance_text(allowance)
    elif warn is not None and _exceeds(warn, failing, fraction):
        status, allowed = "warn", f"{_allowance_text(warn)} before warning"
    else:
        status, allowed = "pass", _allowance_text(allowance)
    share = f" ({fraction:.2%} of {fmt(scope)})" if fraction is not None and failing else ""
    empty = " (no rows in scope)" if scope == 0 else ""
    message = f"{rows(failing)} {what}{share}{empty}; allowed {allowed}"
    return Outcome(status, failing, message, fraction)


# --- bounded metrics -----------------------------------------------------------


def _outside(value: float, low: float | None, high: float | None) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


def _bounds_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {fmt(low)} and {fmt(high)}"
    if low is not None:
        return f"at least {fmt(low)}"
    return f"at most {fmt(high)}"


def bounded(
    label: str,
    value: float,
    low: float | None,
    high: float | None,
    warn_low: float | None = None,
    warn_high: float | None = None,
) -> Outcome:
    """Status of a value against inclusive bounds, and a warn level inside them.

    >>> bounded("row count", 0, 1, None).message
    'row count is 0, expected at least 1'
    """
    if _outside(value, low, high):
        expected = _bounds_text(low, high)
        return Outcome("fail", value, f"{label} is {fmt(value)}, expected {expected}")
    if _outside(value, warn_low, warn_high):
        expected = _bounds_text(warn_low, warn_high)
        return Outcome("warn", value, f"{label} is {fmt(value)}, warning unless {expected}")
    return Outcome("pass", value, f"{label} is {fmt(value)}")


def as_utc(moment: datetime | date, zone: tzinfo | None = None) -> datetime:
    """A database timestamp as aware UTC; naive values are in ``zone`` (UTC)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or UTC)
    return moment.astimezone(UTC)
