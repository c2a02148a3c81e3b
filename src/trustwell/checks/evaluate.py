"""Turning metric values into a status and a message. Pure: no I/O.

The parameters of a check define its fail level; ``warn`` (same keys) a level
that only warns. A check on an empty table passes, except ``row_count`` and
``freshness``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from trustwell.checks import spec as s
from trustwell.checks.metrics import FAILING, SCOPE
from trustwell.checks.result import Status
from trustwell.durations import humanize, parse_duration


@dataclass(frozen=True)
class Outcome:
    status: Status
    value: float | None
    message: str
    failing_fraction: float | None = None


def number(value: Any) -> float | None:
    """A database number as a float (Decimal, int, bool, None)."""
    if value is None:
        return None
    if isinstance(value, Decimal | int | float):
        return float(value)
    raise TypeError(f"expected a number, got {type(value).__name__}: {value!r}")


def _fmt(value: float | None) -> str:
    if value is None:
        return "none"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def _rows(count: float) -> str:
    return f"{_fmt(count)} row{'s' * (count != 1)}"


# --- row-level checks --------------------------------------------------------


def _exceeds(allowance: s.Allowance, failing: float, fraction: float | None) -> bool:
    if allowance.max_failing_fraction is not None:
        return (fraction or 0.0) > allowance.max_failing_fraction
    return failing > (allowance.max_failing or 0)


def _allowance_text(allowance: s.Allowance) -> str:
    if allowance.max_failing_fraction is not None:
        return f"{allowance.max_failing_fraction:.4g} of rows"
    return _fmt(allowance.max_failing or 0)


_FAILING_WHAT = {
    "not_null": "with NULL in {cols}",
    "unique": "duplicating another row's {cols}",
    "accepted_values": "with {cols} not in the accepted values",
    "range": "with {cols} out of range",
    "regex": "with {cols} not matching the pattern",
    "length": "with {cols} of the wrong length",
    "references": "with {cols} not found in the referenced asset",
    "sql": "returned by the failing_rows query",
}


def evaluate_failing_rows(check: s._RowLevel, failing: float, scope: float) -> Outcome:
    """Status of a check that counts failing rows."""
    fraction = failing / scope if scope else None
    warn = check.warn if isinstance(check.warn, s.Allowance) else None
    if _exceeds(check.allowance, failing, fraction):
        status: Status = "fail"
        allowed = _allowance_text(check.allowance)
    elif warn is not None and _exceeds(warn, failing, fraction):
        status, allowed = "warn", f"{_allowance_text(warn)} before warning"
    else:
        status, allowed = "pass", _allowance_text(check.allowance)
    what = _FAILING_WHAT.get(check.type, "failing").format(cols=check.columns_label() or "rows")
    share = f" ({fraction:.2%} of {_fmt(scope)})" if fraction is not None and failing else ""
    message = f"{_rows(failing)} {what}{share}; allowed {allowed}"
    return Outcome(status, failing, message, fraction)


# --- bounded metrics -----------------------------------------------------------


def _outside(value: float, low: float | None, high: float | None) -> bool:
    return (low is not None and value < low) or (high is not None and value > high)


def _bounds_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"between {_fmt(low)} and {_fmt(high)}"
    if low is not None:
        return f"at least {_fmt(low)}"
    return f"at most {_fmt(high)}"


def evaluate_bounds(
    label: str, value: float, low: float | None, high: float | None, warn: s.Bounds | None
) -> Outcome:
    if _outside(value, low, high):
        return Outcome(
            "fail", value, f"{label} is {_fmt(value)}, expected {_bounds_text(low, high)}"
        )
    if warn is not None and _outside(value, warn.min, warn.max):
        expected = _bounds_text(warn.min, warn.max)
        return Outcome("warn", value, f"{label} is {_fmt(value)}, warning unless {expected}")
    return Outcome("pass", value, f"{label} is {_fmt(value)}")


# --- freshness -----------------------------------------------------------------


def as_utc(moment: datetime | date, zone: tzinfo | None = None) -> datetime:
    """A database timestamp as aware UTC; naive values are in ``zone`` (UTC)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or UTC)
    return moment.astimezone(UTC)


def evaluate_freshness(
    check: s.Freshness, latest: Any, scope: float, now: datetime, zone: str | None = None
) -> Outcome:
    if not scope or latest is None:
        return Outcome("fail", None, f"no rows with a {check.column} value")
    if not isinstance(latest, datetime | date):
        raise TypeError(f"{check.column} is not a date or timestamp column")
    loaded = as_utc(latest, ZoneInfo(zone) if zone else None)
    age = (now - loaded).total_seconds()
    limit = check.max_age_delta.total_seconds()
    text = (
        f"last row loaded {humanize(age)} ago"
        if age >= 0
        else (f"latest {check.column} is {humanize(-age)} in the future")
    )
    if age > limit:
        return Outcome("fail", age, f"{text} (allowed {check.max_age})")
    if check.warn is not None and age > parse_duration(check.warn.max_age).total_seconds():
        return Outcome("warn", age, f"{text} (warning after {check.warn.max_age})")
    return Outcome("pass", age, f"{text} (allowed {check.max_age})")


# --- dispatch --------------------------------------------------------------------


def evaluate(
    check: s.CheckBase, metrics: dict[str, Any], now: datetime, zone: str | None = None
) -> Outcome:
    """Status of an aggregate check from the metric values the query returned."""
    if isinstance(check, s.RowCount):
        rows = number(metrics["rows"]) or 0.0
        return evaluate_bounds("row count", rows, check.min, check.max, check.warn)
    if isinstance(check, s.Freshness):
        return evaluate_freshness(
            check, metrics["latest"], number(metrics[SCOPE]) or 0.0, now, zone
        )
    if isinstance(check, s.Unique):
        keyed = number(metrics["keyed"]) or 0.0
        distinct = number(metrics["distinct"]) or 0.0
        return evaluate_failing_rows(check, keyed - distinct, number(metrics[SCOPE]) or 0.0)
    if isinstance(check, s._RowLevel):
        return evaluate_failing_rows(
            check, number(metrics[FAILING]) or 0.0, number(metrics[SCOPE]) or 0.0
        )
    if isinstance(check, s.Stat):
        return evaluate_stat(check, metrics)
    raise TypeError(f"check type {check.type!r} is not an aggregate check")


def evaluate_stat(check: s.Stat, metrics: dict[str, Any]) -> Outcome:
    label = f"{check.stat} of {check.column}"
    if check.stat == "null_fraction":
        scope = number(metrics[SCOPE]) or 0.0
        value = (number(metrics["nulls"]) or 0.0) / scope if scope else None
    else:
        value = number(metrics["value"])
    if value is None:
        return Outcome("pass", None, f"{label}: no non-null values to measure")
    return evaluate_bounds(label, value, check.min, check.max, check.warn)
