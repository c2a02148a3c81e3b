"""The unit of each check's value, and the value written for people.

The unit is part of each check type's registry entry
(:meth:`~trustwell.checks.types.base.CheckType.unit`); :func:`unit_of` reads it
there. Pure.
"""

from __future__ import annotations

from trustwell.checks.params import CheckBase
from trustwell.checks.registry import unit_of as _registered_unit
from trustwell.checks.types.base import Unit
from trustwell.durations import humanize

__all__ = ["Unit", "format_value", "unit_of"]


def unit_of(check: CheckBase) -> Unit:
    """What a check's ``value`` counts or measures (its type's registry entry).

    Row-level checks count failing rows, ``row_count`` rows, ``freshness``
    seconds (shown as a duration), ``schema`` the columns that are missing,
    mistyped or unexpected; a ``stat`` is in the
    column's own unit, except a distinct count and a NULL fraction.

    >>> from trustwell.checks.spec import Freshness
    >>> unit_of(Freshness(type="freshness", column="loaded_at", max_age="26h"))
    'duration'
    """
    return _registered_unit(check)


def format_value(value: float | None, unit: Unit) -> str:
    """``value`` with its unit: ``1 row``, ``1,204 rows``, ``2d 3h``, ``1.7 %``, ``12.5``.

    >>> format_value(3600.0, "duration"), format_value(1204.0, "rows")
    ('1h', '1,204 rows')
    """
    if value is None:
        return ""
    if unit == "duration":
        return humanize(value)
    if unit == "fraction":
        return f"{value * 100:.3g} %"
    number = _number(value)
    if unit == "number":
        return number
    noun = {
        "rows": "row",
        "mismatched columns": "mismatched column",
        "distinct values": "distinct value",
    }[unit]
    return f"{number} {noun}{'' if value == 1 else 's'}"


def _number(value: float) -> str:
    """Thousands separated, about six significant digits, no exponent in between."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if not 1e-4 <= abs(value) < 1e15:
        return f"{value:.6g}"
    whole_digits = len(str(int(abs(value)))) if int(abs(value)) else 0
    decimals = max(0, 6 - whole_digits)
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
