"""The pure evaluation of an ``anomaly`` check: its judge spec, its values and its context.

The one check type whose outcome needs more than its metric values: the band
is learned from the check's own past results (read through the
:class:`~trustwell.checks.context.EvaluationContext`, never from a database
here), and a check judging another check's value reads that check's outcome
in the same run (``context.checks``). :func:`trustwell.checks.judge.judge`
sends the ``anomaly`` shape here, with the context; ``AnomalyType.evaluate``
and a replayed run (:mod:`trustwell.quickrun.run`, with the store's history
through ``QuickStore``) both call it. Standard library only, like the judge.

Spec keys: ``metric`` (``row_count``, ``freshness`` or another check's name),
``column`` (of ``freshness``), ``label`` (``freshness:loaded_at``…),
``other_check`` (the judged check, or null), ``sensitivity``,
``min_history``, ``seasonality``, ``direction`` and ``history_limit`` (past
results read). Values: ``rows`` (row_count), ``latest`` and ``scope``
(freshness), none for another check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from trustwell.checks.anomaly_band import Point, band
from trustwell.checks.outcome import SCOPE, Outcome, as_utc, fmt, number
from trustwell.durations import humanize

if TYPE_CHECKING:
    from trustwell.checks.context import EvaluationContext, PastResult

_JUDGED = ("pass", "warn", "fail")  # statuses whose value was computed


def usable(history: Sequence[PastResult], label: str) -> list[Point]:
    """The past results a band may be made of: computed, with a value, of the metric ``label``.

    A result stored while the check judged another metric (its definition
    changed) says nothing about this one.
    """
    points: list[Point] = []
    for past in history:
        if past.value is None or past.status not in _JUDGED:
            continue
        details = past.details or {}
        if details.get("metric") != label:
            continue
        points.append(Point(past.executed_at, float(past.value)))
    return points


def judge_anomaly(
    spec: Mapping[str, Any], values: Mapping[str, Any], context: EvaluationContext
) -> Outcome:
    """The check's outcome: learning, inside the band or outside it (pure)."""
    value = _value(spec, values, context)
    label = spec["label"]
    zone = ZoneInfo(context.timezone) if context.timezone else None
    past = usable(context.history(spec["history_limit"], outside_incidents=True), label)
    facts: dict[str, Any] = {"metric": label, "value": value}
    if len(past) < spec["min_history"]:
        facts.update(learning=True, history=len(past), min_history=spec["min_history"])
        message = f"learning: {len(past)} of {spec['min_history']} runs"
        return Outcome("pass", value, message, details=facts)
    found = band(
        past,
        context.now,
        sensitivity=spec["sensitivity"],
        seasonality=spec["seasonality"],
        zone=zone,
    )
    facts.update(
        low=found.low,
        high=found.high,
        expected=found.expected,
        spread=found.spread,
        baseline=found.points,
        bucket=found.bucket,
    )
    show = humanize if spec["metric"] == "freshness" else fmt
    shown = f"[{show(found.low)}, {show(found.high)}]"
    basis = f"expected {show(found.expected)} from {found.points} past runs"
    if found.bucket is not None:
        basis += f" on {found.bucket}"
    side = found.verdict(value, spec["direction"])
    if side is not None:
        where = "above" if side == "up" else "below"
        facts["direction"] = side
        message = f"{label} {show(value)} is {where} the band {shown} ({basis})"
        return Outcome("fail", value, message, details=facts)
    message = f"{label} {show(value)} is inside the band {shown} ({basis})"
    return Outcome("pass", value, message, details=facts)


def _value(spec: Mapping[str, Any], values: Mapping[str, Any], context: EvaluationContext) -> float:
    """The metric's value in this run; ValueError when there is none to judge."""
    if spec["metric"] == "row_count":
        return number(values["rows"]) or 0.0
    column = spec["column"]
    if column is not None:
        latest = values["latest"]
        if not number(values[SCOPE]) or latest is None:
            raise ValueError(f"no value to judge: no rows with a {column} value")
        if not isinstance(latest, datetime | date):
            raise TypeError(f"{column} is not a date or timestamp column")
        zone = ZoneInfo(context.timezone) if context.timezone else None
        return (context.now - as_utc(latest, zone)).total_seconds()
    target = spec["other_check"]
    outcome = context.checks.get(target)
    if outcome is None:
        raise ValueError(f"no value to judge: no check '{target}' ran on this asset")
    if outcome.status == "error" or outcome.value is None:
        why = outcome.message if outcome.status == "error" else "it has no value"
        raise ValueError(f"no value to judge: check '{target}' {why}")
    return outcome.value
