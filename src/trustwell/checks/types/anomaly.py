"""``anomaly``: a metric stays inside the band learned from this check's past runs.

The metric is the asset's row count, its freshness (seconds since
``MAX(column)``) or the value another check of the asset computed in the same
run. The band is made by :mod:`trustwell.checks.anomaly_band` from this
check's own stored results (the run tested is never part of it, results
recorded inside an incident on the asset are left out). Until ``min_history``
usable results exist the check passes and says it is learning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator
from sqlglot import exp

from trustwell.checks.anomaly_band import Point, band
from trustwell.checks.context import EvaluationContext, PastResult
from trustwell.checks.metrics import SCOPE, Aggregate, Metric, col, count_where, only_where
from trustwell.checks.outcome import Outcome, as_utc, fmt, number
from trustwell.checks.params import CheckBase, Float, Int, Name
from trustwell.checks.types.base import CheckType, Scope, Unit
from trustwell.durations import humanize

HISTORY_LIMIT = 2000  # past results read per evaluation (the baseline uses fewer)
_JUDGED = ("pass", "warn", "fail")  # statuses whose value was computed


class Anomaly(CheckBase):
    """The `metric` stays inside the band learned from this check's own past runs."""

    type: Literal["anomaly"]
    metric: Name  # row_count, freshness, or the name of another check of the asset
    column: Name | None = None  # the date or timestamp column of `metric: freshness`
    sensitivity: Float = Field(default=3.0, gt=0)
    min_history: Int = Field(default=7, ge=1, le=HISTORY_LIMIT)
    seasonality: Literal["none", "daily", "weekly"] = "none"
    direction: Literal["both", "up", "down"] = "both"

    @model_validator(mode="after")
    def _column_for_freshness(self) -> Anomaly:
        if self.metric == "freshness" and self.column is None:
            raise ValueError("metric freshness needs column: the date or timestamp column")
        if self.metric != "freshness" and self.column is not None:
            raise ValueError(f"column is only read with metric freshness, not {self.metric}")
        return self

    @property
    def other_check(self) -> str | None:
        """The name of the check whose value is judged, or None for row_count/freshness."""
        return None if self.metric in ("row_count", "freshness") else self.metric

    @property
    def metric_label(self) -> str:
        """``row_count``, ``freshness:loaded_at`` or the other check's name."""
        return f"freshness:{self.column}" if self.metric == "freshness" else self.metric

    def columns_label(self) -> str:
        return self.metric_label

    @property
    def column_list(self) -> list[str]:
        return [self.column] if self.column is not None else []

    def threshold(self) -> dict[str, Any]:
        return {
            "sensitivity": self.sensitivity,
            "seasonality": self.seasonality,
            "direction": self.direction,
            "min_history": self.min_history,
        }


def metric_problem(check: Anomaly, others: Mapping[str, str]) -> str | None:
    """Why ``metric`` names no check it can judge (``others``: name -> type), or None."""
    target = check.other_check
    if target is None:
        return None
    if target == check.display_name:
        return f"anomaly metric '{target}' is this check itself"
    kind = others.get(target)
    if kind is None:
        return f"anomaly metric '{target}' is not row_count, freshness or a check of this asset"
    if kind == "anomaly":
        return f"anomaly metric '{target}' is another anomaly check (judge its metric instead)"
    return None


class AnomalyType(CheckType[Anomaly]):
    name = "anomaly"
    model = Anomaly
    metric = (
        "the metric: rows in scope, seconds since `MAX(column)`, or the other check's value;"
        " details: `value`, the band `low` and `high`, `expected` (the baseline's median)"
    )
    nulls = "as the metric's own type (freshness ignores NULLs)"
    empty = (
        "`row_count`: 0, judged against the band; `freshness`: error, no value to judge;"
        " another check: its value"
    )

    def unit(self, check: Anomaly) -> Unit:
        if check.metric == "row_count":
            return "rows"
        return "duration" if check.metric == "freshness" else "number"

    def reads_relation(self, check: Anomaly) -> bool:
        return check.other_check is None

    def reads_checks(self, check: Anomaly) -> list[str]:
        return [check.other_check] if check.other_check is not None else []

    def metrics(self, check: Anomaly, scope: Scope) -> dict[str, Metric]:
        if check.metric == "row_count":
            return {"rows": Aggregate(count_where(scope.where))}
        if check.column is not None:
            latest = exp.Max(this=only_where(col(check.column), scope.where))
            return {"latest": Aggregate(latest), SCOPE: Aggregate(count_where(scope.where))}
        return {}

    def evaluate(
        self, check: Anomaly, values: Mapping[str, Any], context: EvaluationContext
    ) -> Outcome:
        value = self._value(check, values, context)
        zone = ZoneInfo(context.timezone) if context.timezone else None
        past = usable(context.history(HISTORY_LIMIT, outside_incidents=True), check)
        facts: dict[str, Any] = {"metric": check.metric_label, "value": value}
        if len(past) < check.min_history:
            facts.update(learning=True, history=len(past), min_history=check.min_history)
            message = f"learning: {len(past)} of {check.min_history} runs"
            return Outcome("pass", value, message, details=facts)
        width, season = check.sensitivity, check.seasonality
        found = band(past, context.now, sensitivity=width, seasonality=season, zone=zone)
        facts.update(
            low=found.low,
            high=found.high,
            expected=found.expected,
            spread=found.spread,
            baseline=found.points,
            bucket=found.bucket,
        )
        show = humanize if check.metric == "freshness" else fmt
        shown = f"[{show(found.low)}, {show(found.high)}]"
        basis = f"expected {show(found.expected)} from {found.points} past runs"
        if found.bucket is not None:
            basis += f" on {found.bucket}"
        side = found.verdict(value, check.direction)
        if side is not None:
            where = "above" if side == "up" else "below"
            facts["direction"] = side
            message = f"{check.metric_label} {show(value)} is {where} the band {shown} ({basis})"
            return Outcome("fail", value, message, details=facts)
        message = f"{check.metric_label} {show(value)} is inside the band {shown} ({basis})"
        return Outcome("pass", value, message, details=facts)

    def _value(
        self, check: Anomaly, values: Mapping[str, Any], context: EvaluationContext
    ) -> float:
        """The metric's value in this run; ValueError when there is none to judge."""
        if check.metric == "row_count":
            return number(values["rows"]) or 0.0
        if check.column is not None:
            latest = values["latest"]
            if not number(values[SCOPE]) or latest is None:
                raise ValueError(f"no value to judge: no rows with a {check.column} value")
            if not isinstance(latest, datetime | date):
                raise TypeError(f"{check.column} is not a date or timestamp column")
            zone = ZoneInfo(context.timezone) if context.timezone else None
            return (context.now - as_utc(latest, zone)).total_seconds()
        target = check.metric
        outcome = context.checks.get(target)
        if outcome is None:
            raise ValueError(f"no value to judge: no check '{target}' ran on this asset")
        if outcome.status == "error" or outcome.value is None:
            why = outcome.message if outcome.status == "error" else "it has no value"
            raise ValueError(f"no value to judge: check '{target}' {why}")
        return outcome.value


def usable(history: Sequence[PastResult], check: Anomaly) -> list[Point]:
    """The past results a band may be made of: computed, with a value, of the same metric.

    A result stored while the check judged another metric (its definition
    changed) says nothing about this one.
    """
    points: list[Point] = []
    for past in history:
        if past.value is None or past.status not in _JUDGED:
            continue
        details = past.details or {}
        if details.get("metric") != check.metric_label:
            continue
        points.append(Point(past.executed_at, float(past.value)))
    return points
