"""The pure evaluation of the standard check types, from a JSON description of each check.

A type whose outcome is a function of its metric values and its static
parameters (the row-level types, ``unique``, ``row_count``, ``freshness``,
``stat``, ``schema``, ``sql``, ``references``; and ``anomaly``, which also
reads its past results and the other checks' outcomes from its context:
:mod:`trustwell.checks.anomaly_judge`) describes a check once as a *judge spec*
(:meth:`CheckType.judge_spec <trustwell.checks.types.base.CheckType.judge_spec>`):
a plain, JSON-serialisable dict whose ``"shape"`` names the evaluator here
and whose other keys are everything static the evaluation needs, already
worked out (the ``what`` of a failing row, allowances as numbers, the seconds
of a ``max_age``). :func:`judge` turns that spec and the metric values into
the :class:`~trustwell.checks.outcome.Outcome`.

It is the one home of that logic: each of those types' ``evaluate`` calls
:func:`judge` with its own spec, and a run from a cached plan calls it with
the stored spec, without importing Pydantic, sqlglot or SQLAlchemy (this
module and what it imports need only the standard library).

Shapes and their keys (``values`` keyed as the type's metrics are):

- ``failing_rows``: ``what``, ``allowance`` and ``warn`` (each
  ``{"max_failing", "max_failing_fraction"}``, ``warn`` null when the check
  has none); values ``failing``, ``scope``.
- ``unique``: as ``failing_rows``; values ``keyed``, ``distinct``, ``scope``.
- ``row_count``: ``label``, ``min``, ``max``, ``warn_min``, ``warn_max``; value ``rows``.
- ``freshness``: ``column``, ``max_age`` (as written), ``max_age_seconds``,
  ``warn_max_age`` and ``warn_max_age_seconds`` (null without a warn level);
  values ``latest``, ``scope``.
- ``stat``: ``stat``, ``label``, ``min``, ``max``, ``warn_min``, ``warn_max``;
  value ``value`` (``nulls`` and ``scope`` for ``null_fraction``).
- ``schema``: ``columns`` (name -> declared type), ``allow_extra``; value
  ``columns``, the relation's described columns (``name``, ``type``, ``native_type``).
- ``own_failing`` (``sql`` with ``failing_rows``, ``references``): as
  ``failing_rows``, plus ``metric``, the value holding the rows of the
  check's own query, and ``scoped``, whether its first row has a ``scope``
  (without one the fraction is null); the first row's ``failing`` is the count.
- ``own_value`` (``sql`` with ``query``): ``label``, ``min``, ``max``,
  ``warn_min``, ``warn_max``; value ``rows``, which must be one row of one
  number (anything else, or NULL, raises ValueError: the check's ``error``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from trustwell.checks.outcome import (
    FAILING,
    SCOPE,
    Allowed,
    Outcome,
    as_utc,
    bounded,
    failing_rows,
    number,
)
from trustwell.clock import isoformat
from trustwell.durations import humanize

if TYPE_CHECKING:
    from trustwell.checks.context import EvaluationContext
    from trustwell.engines.base import Column

Spec = Mapping[str, Any]
Values = Mapping[str, Any]


def allowance_spec(allowance: Allowed | None) -> dict[str, Any] | None:
    """An allowance as the spec stores it (None stays None: no warn level)."""
    return None if allowance is None else asdict(allowance)


def _allowed(found: Mapping[str, Any] | None) -> Allowed | None:
    return None if found is None else Allowed(**found)


def _failing(spec: Spec, failing: float, scope: float | None) -> Outcome:
    allowance = _allowed(spec["allowance"])
    assert allowance is not None, "a row-level spec always has a fail level"
    return failing_rows(failing, scope, spec["what"], allowance, _allowed(spec["warn"]))


def _failing_rows(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    failing = number(values[FAILING]) or 0.0
    return _failing(spec, failing, number(values[SCOPE]) or 0.0)


def _unique(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    keyed = number(values["keyed"]) or 0.0
    distinct = number(values["distinct"]) or 0.0
    return _failing(spec, keyed - distinct, number(values[SCOPE]) or 0.0)


def _bounded(spec: Spec, label: str, value: float) -> Outcome:
    return bounded(label, value, spec["min"], spec["max"], spec["warn_min"], spec["warn_max"])


def _row_count(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    return _bounded(spec, spec["label"], number(values["rows"]) or 0.0)


def _freshness(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    column = spec["column"]
    latest, scope = values["latest"], number(values[SCOPE]) or 0.0
    if not scope or latest is None:
        return Outcome("fail", None, f"no rows with a {column} value")
    if not isinstance(latest, datetime | date):
        raise TypeError(f"{column} is not a date or timestamp column")
    loaded = as_utc(latest, ZoneInfo(timezone) if timezone else None)
    age = (now - loaded).total_seconds()
    details = {"latest": isoformat(loaded)}
    text = (
        f"last row loaded {humanize(age)} ago"
        if age >= 0
        else f"latest {column} is {humanize(-age)} in the future"
    )
    if age > spec["max_age_seconds"]:
        return Outcome("fail", age, f"{text} (allowed {spec['max_age']})", details=details)
    warn_after = spec["warn_max_age_seconds"]
    if warn_after is not None and age > warn_after:
        warning = f"{text} (warning after {spec['warn_max_age']})"
        return Outcome("warn", age, warning, details=details)
    return Outcome("pass", age, f"{text} (allowed {spec['max_age']})", details=details)


def _stat(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    stat, label = spec["stat"], spec["label"]
    value: float | None
    if stat == "null_fraction":
        scope = number(values[SCOPE]) or 0.0
        if not scope:
            return Outcome("pass", None, f"{label}: no rows to measure")
        value = (number(values["nulls"]) or 0.0) / scope
    else:
        value = number(values["value"])
    # A statistic over nothing passes (SPEC section 1: empty tables pass);
    # a distinct count of nothing is 0, not NULL, and passes alike.
    if value is None or (stat == "distinct_count" and value == 0):
        return Outcome("pass", value, f"{label}: no non-null values to measure")
    return _bounded(spec, label, value)


def compare_schema(
    columns: Mapping[str, str], allow_extra: bool, actual: Sequence[Column]
) -> tuple[list[str], dict[str, Any]]:
    """Missing, mistyped and (unless ``allow_extra``) extra columns: the reasons, and as details."""
    found = {c.name.lower(): c for c in actual}
    problems: list[str] = []
    details: dict[str, Any] = {"missing": [], "mistyped": [], "unexpected": []}
    for name, expected in columns.items():
        column = found.get(name.lower())
        if column is None:
            problems.append(f"missing column {name}")
            details["missing"].append(name)
        elif column.type != expected:
            problems.append(
                f"{name} is {column.native_type} ({column.type or 'other'}), expected {expected}"
            )
            details["mistyped"].append(
                {"column": name, "expected": expected, "actual": column.native_type}
            )
    if not allow_extra:
        declared = {n.lower() for n in columns}
        extra = [c.name for c in actual if c.name.lower() not in declared]
        problems += [f"unexpected column {name}" for name in extra]
        details["unexpected"] = extra
    return problems, details


def _schema(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    columns = spec["columns"]
    problems, details = compare_schema(columns, spec["allow_extra"], values["columns"])
    if problems:
        return Outcome("fail", float(len(problems)), "; ".join(problems), details=details)
    count = len(columns)
    message = f"{count} declared column{'s match' if count != 1 else ' matches'}"
    return Outcome("pass", 0.0, message, details=details)


def _own_failing(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    rows = values[spec["metric"]]
    row = rows[0] if rows else {}
    failing = number(row.get(FAILING)) or 0.0
    scope = (number(row.get(SCOPE)) or 0.0) if spec["scoped"] else None
    return _failing(spec, failing, scope)


def _own_value(spec: Spec, values: Values, now: datetime, timezone: str | None) -> Outcome:
    rows = values["rows"]
    if not rows or len(rows[0]) != 1:
        raise ValueError("the query must return exactly one row with one number")
    value = number(next(iter(rows[0].values())))
    if value is None:
        raise ValueError("the query returned NULL")
    return _bounded(spec, spec["label"], value)


_SHAPES: dict[str, Callable[[Spec, Values, datetime, str | None], Outcome]] = {
    "failing_rows": _failing_rows,
    "unique": _unique,
    "row_count": _row_count,
    "freshness": _freshness,
    "stat": _stat,
    "schema": _schema,
    "own_failing": _own_failing,
    "own_value": _own_value,
}
SHAPES: tuple[str, ...] = (*_SHAPES, "anomaly")


def judge(
    spec: Spec,
    values: Values,
    now: datetime,
    timezone: str | None,
    *,
    context: EvaluationContext | None = None,
) -> Outcome:
    """A check's outcome from its judge spec and its metric values (pure).

    ``now`` is the aware moment of the run; ``timezone`` how to read
    timestamps without a zone (None: UTC); ``context``, the check's
    :class:`~trustwell.checks.context.EvaluationContext`, is read by the
    ``anomaly`` shape only (:mod:`trustwell.checks.anomaly_judge`).

    >>> spec = {"shape": "row_count", "label": "row count", "min": 1.0, "max": None,
    ...         "warn_min": None, "warn_max": None}
    >>> judge(spec, {"rows": 0}, datetime.now(), None).message
    'row count is 0, expected at least 1'
    """
    shape = spec.get("shape")
    if shape == "anomaly":  # the one shape that reads more than its values
        from trustwell.checks.anomaly_judge import judge_anomaly

        if context is None:
            raise TypeError("an anomaly spec is judged with its context: its past results")
        return judge_anomaly(spec, values, context)
    evaluator = _SHAPES.get(shape) if isinstance(shape, str) else None
    if evaluator is None:
        raise ValueError(f"unknown judge spec shape {shape!r}; known: {', '.join(SHAPES)}")
    return evaluator(spec, values, now, timezone)
