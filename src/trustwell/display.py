"""Numbers as people read them: ``5h 25m``, ``1.7 %``, ``12,345 rows``. Pure.

The pages and the monthly review show every figure through these functions
(the pages as Jinja filters); the JSON API and ``--format json`` keep the raw
values. A check's value is shown with its unit, which :func:`check_unit`
derives from the check type.

>>> duration(19_500), percent(0.017), count(12345), metric_value(2.0, "failing_rows")
('5h 25m', '1.7 %', '12,345', '2 failing rows')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from trustwell.durations import humanize

if TYPE_CHECKING:
    from trustwell.checks.spec import CheckBase

#: What a check's value measures: the rows counted (``row_count``), the failing rows of a
#: row-level check, the age of the newest row in seconds, a share of rows, a count of
#: values, schema mismatches, or a plain number.
Unit = Literal["rows", "failing_rows", "age", "fraction", "count", "mismatches", "number"]

#: Shown for a value that is not known (never run, an error, no rows to measure).
MISSING = "—"

#: Row-level check types: their value is the number of failing rows.
_ROW_LEVEL_TYPES = frozenset(
    {
        "not_null",
        "unique",
        "accepted_values",
        "range",
        "regex",
        "length",
        "references",
        "sql",
    }
)


def duration(seconds: float | None) -> str:
    """``5h 25m``, ``3d 2h``, ``45m``, ``12s`` (the two largest units); ``—`` when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return MISSING
    return humanize(seconds)


def percent(fraction: float | None) -> str:
    """A fraction as a percentage with one decimal: ``0.017`` → ``1.7 %``, ``1.0`` → ``100 %``.

    A share that is not zero never shows as ``0 %``: ``0.0001`` → ``< 0.1 %``.
    """
    if fraction is None or not math.isfinite(fraction):
        return MISSING
    value = fraction * 100
    if 0 < value < 0.05:
        return "< 0.1 %"
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{'0' if text == '-0' else text} %"


def count(value: float | None) -> str:
    """A count with thousands separators: ``12345`` → ``12,345``."""
    if value is None or not math.isfinite(value):
        return MISSING
    return number(value)


def number(value: float | None) -> str:
    """A measured number: whole numbers in full, others to 6 significant digits, with commas.

    >>> number(1234.5678), number(2.0), number(0.000123)
    ('1,234.57', '2', '0.000123')
    """
    if value is None:
        return MISSING
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"


def _plural(value: float, one: str, many: str) -> str:
    return f"{number(value)} {one if value == 1 else many}"


def metric_value(value: float | None, unit: Unit) -> str:
    """A check's value with its unit: ``3 rows``, ``2d 4h``, ``1.7 %``, ``1,204``."""
    if value is None:
        return MISSING
    if unit == "rows":
        return _plural(value, "row", "rows")
    if unit == "failing_rows":
        return _plural(value, "failing row", "failing rows")
    if unit == "age":
        return duration(value)
    if unit == "fraction":
        return percent(value)
    if unit == "mismatches":
        return _plural(value, "mismatch", "mismatches")
    return number(value)  # count, number


def check_unit(check_type: str | None, check: CheckBase | None = None) -> Unit:
    """The unit of a check's value, from its type (and parameters, when declared).

    The one place that knows it: when check types get their registry, this
    asks the type's entry instead. ``check`` refines what the type alone
    cannot say (which statistic a ``stat`` check measures, whether a ``sql``
    check is a ``query`` returning one number); a check no longer declared,
    known only from its stored results, has its type only.

    >>> check_unit("freshness"), check_unit("not_null"), check_unit("stat")
    ('age', 'failing_rows', 'number')
    """
    if check_type == "row_count":
        return "rows"
    if check_type == "freshness":
        return "age"
    if check_type == "schema":
        return "mismatches"
    if check_type == "stat":
        measured = getattr(check, "stat", None)
        if measured == "null_fraction":
            return "fraction"
        return "count" if measured == "distinct_count" else "number"
    if check_type == "sql" and getattr(check, "query", None) is not None:
        return "number"
    if check_type in _ROW_LEVEL_TYPES:
        return "failing_rows"
    return "number"
