"""``stat``: a statistic of one column inside bounds."""

from __future__ import annotations

from typing import Any, Literal

from sqlglot import exp

from trustwell.checks.metrics import (
    SCOPE,
    Aggregate,
    DistinctCount,
    Metric,
    and_all,
    col,
    count_where,
    only_where,
)
from trustwell.checks.params import Bounded, Name
from trustwell.checks.types.base import CheckType, Scope, Unit, bounds_spec

StatName = Literal[
    "mean", "min", "max", "sum", "stddev", "median", "distinct_count", "null_fraction"
]

_AGGREGATES: dict[str, type[exp.Func]] = {
    "mean": exp.Avg,
    "min": exp.Min,
    "max": exp.Max,
    "sum": exp.Sum,
    "stddev": exp.StddevSamp,
    "median": exp.Median,
}

_UNITS: dict[str, Unit] = {"distinct_count": "distinct values", "null_fraction": "fraction"}


class Stat(Bounded):
    """The statistic `stat` of `column` lies between `min` and `max`."""

    type: Literal["stat"]
    column: Name
    stat: StatName

    def columns_label(self) -> str:
        return f"{self.stat}({self.column})"

    @property
    def column_list(self) -> list[str]:
        return [self.column]


class StatType(CheckType[Stat]):
    name = "stat"
    model = Stat
    metric = (
        "the statistic: `mean` `min` `max` `sum` `stddev` (sample) `median` (interpolated)"
        " over non-null values, `distinct_count` of non-null values, `null_fraction` of rows"
    )
    nulls = "NULLs are left out of every statistic but `null_fraction`, which counts them"
    empty = (
        "passes: value null and `no non-null values to measure` (`distinct_count`: value 0;"
        " `null_fraction`: value null and `no rows to measure`)"
    )

    def unit(self, check: Stat) -> Unit:
        return _UNITS.get(check.stat, "number")

    def metrics(self, check: Stat, scope: Scope) -> dict[str, Metric]:
        column = col(check.column)
        if check.stat == "distinct_count":
            return {"value": DistinctCount((column,), scope.where)}
        if check.stat == "null_fraction":
            nulls = exp.Is(this=column, expression=exp.null())
            return {
                "nulls": Aggregate(count_where(and_all(scope.where, nulls))),
                SCOPE: Aggregate(count_where(scope.where)),
            }
        func = _AGGREGATES[check.stat]
        return {"value": Aggregate(func(this=only_where(column, scope.where)))}

    def judge_spec(self, check: Stat) -> dict[str, Any] | None:
        label = f"{check.stat} of {check.column}"
        return {"shape": "stat", "stat": check.stat, "label": label, **bounds_spec(check)}
