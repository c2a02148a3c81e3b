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
from typing import Any, Literal

from pydantic import Field, model_validator
from sqlglot import exp

from trustwell.checks.anomaly_band import Point
from trustwell.checks.anomaly_judge import usable as usable_points
from trustwell.checks.context import PastResult
from trustwell.checks.metrics import SCOPE, Aggregate, Metric, col, count_where, only_where
from trustwell.checks.params import CheckBase, Float, Int, Name
from trustwell.checks.types.base import CheckType, Scope, Unit

HISTORY_LIMIT = 2000  # past results read per evaluation (the baseline uses fewer)


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

    def judge_spec(self, check: Anomaly) -> dict[str, Any] | None:
        return {
            "shape": "anomaly",
            "metric": check.metric,
            "column": check.column,
            "label": check.metric_label,
            "other_check": check.other_check,
            "sensitivity": check.sensitivity,
            "min_history": check.min_history,
            "seasonality": check.seasonality,
            "direction": check.direction,
            "history_limit": HISTORY_LIMIT,
        }


def usable(history: Sequence[PastResult], check: Anomaly) -> list[Point]:
    """The past results a band of ``check`` may be made of (:func:`.anomaly_judge.usable`)."""
    return usable_points(history, check.metric_label)
