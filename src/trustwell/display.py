"""Numbers as people read them: ``5h 25m``, ``1.7 %``, ``12,345 rows``. Pure.

The pages and the monthly review show every figure through these functions
(the pages as Jinja filters); the JSON API and ``--format json`` keep the raw
values. A check's value is shown with its unit, which its type's registry
entry gives (``trustwell.checks.registry.unit_for``).

>>> duration(19_500), percent(0.017), count(12345), metric_value(2.0, "rows", failing=True)
('5h 25m', '1.7 %', '12,345', '2 failing rows')
"""

from __future__ import annotations

import math
from typing import Literal

from trustwell.durations import humanize

#: What a check's value counts or measures; each check type's registry entry says which
#: (``CheckType.unit``): rows (counted, or failing for a row-level check), a duration in
#: seconds, the mismatched columns of a ``schema`` check, a share of rows, the distinct
#: values of a column, or a plain number.
Unit = Literal["rows", "duration", "mismatched columns", "fraction", "distinct values", "number"]

#: Shown for a value that is not known (never run, an error, no rows to measure).
MISSING = "—"


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
    if not 1e-4 <= abs(value) < 1e15:
        return f"{value:.6g}"
    # About six significant digits, never an exponent in between: 1,234,567 not 1.23457e+06.
    whole_digits = len(str(int(abs(value)))) if int(abs(value)) else 0
    decimals = max(0, 6 - whole_digits)
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def _plural(value: float, one: str, many: str) -> str:
    return f"{number(value)} {one if value == 1 else many}"


def metric_value(value: float | None, unit: Unit, *, failing: bool = False) -> str:
    """A check's value with its unit: ``3 rows``, ``2d 4h``, ``1.7 %``, ``1,204``.

    ``failing`` says the rows are the failing rows of a row-level check
    (``2 failing rows``); the CLI's result lines leave it out, their message says so.
    """
    if value is None:
        return MISSING
    if unit == "rows":
        return _plural(
            value, "failing row" if failing else "row", "failing rows" if failing else "rows"
        )
    if unit == "duration":
        return duration(value)
    if unit == "fraction":
        return percent(value)
    if unit == "mismatched columns":
        return _plural(value, "mismatched column", "mismatched columns")
    if unit == "distinct values":
        return _plural(value, "distinct value", "distinct values")
    return number(value)
