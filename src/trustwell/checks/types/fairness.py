"""``fairness``: a Fairlearn fairness metric of predictions across the groups of a column.

The database returns one small ``GROUP BY sensitive`` (rows, favorable
predictions and, with a label, the confusion matrix per group); the metric is
made from those counts by :mod:`trustwell.checks.fairness_stats`, exactly as
Fairlearn 0.15 defines it. Groups smaller than ``min_group_size`` are left
out of the comparison, listed in the details, and make a passing check warn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator
from sqlglot import exp

from trustwell.checks.context import EvaluationContext
from trustwell.checks.fairness_stats import (
    NEEDS_LABEL,
    FairnessMetric,
    GroupCounts,
    fairness_value,
    group_details,
    split_by_size,
)
from trustwell.checks.masking import shown_value
from trustwell.checks.metrics import (
    SCOPE,
    Aggregate,
    Group,
    Grouped,
    Metric,
    and_all,
    col,
    count_where,
    literal,
    not_null,
)
from trustwell.checks.outcome import Outcome, bounded, number
from trustwell.checks.params import Bounded, Int, Name, Scalar, require_bounds, rule, warn_limits
from trustwell.checks.types.base import CheckType, Scope, Unit

#: The grouped counts, by metric key (the label's four only with a label).
_COUNTS = ("rows", "favorable", "tp", "fp", "fn", "tn")
#: A marker metric: the grouping column is personal data, so groups are shown by number.
MASKED = "masked"


class Fairness(Bounded):
    """Fairlearn's `metric` of `prediction` across the `sensitive` groups is within `min`/`max`."""

    type: Literal["fairness"]
    prediction: Name
    sensitive: Name
    label: Name | None = None
    favorable: Scalar = 1
    metric: FairnessMetric
    min_group_size: Int = Field(default=30, ge=1)

    @model_validator(mode="after")
    def _complete(self) -> Fairness:
        require_bounds(self.min, self.max)
        if self.metric in NEEDS_LABEL and self.label is None:
            raise rule(
                f"metric {self.metric} compares error rates: give label (the true outcome column)",
                "metric",
            )
        return self

    def columns_label(self) -> str:
        return f"{self.metric}({self.prediction},{self.sensitive})"

    @property
    def column_list(self) -> list[str]:
        return [c for c in (self.prediction, self.sensitive, self.label) if c is not None]

    def threshold(self) -> dict[str, Any]:
        return {**super().threshold(), "min_group_size": self.min_group_size}


def group_labels(keys: list[Any], masked: bool) -> list[Any]:
    """Group values as details show them; ``group 1``… when the column is personal data."""
    if masked:
        return [f"group {i}" for i in range(1, len(keys) + 1)]
    return [shown_value(k) for k in keys]


def grouped_counts(values: Mapping[str, Any], names: tuple[str, ...]) -> dict[Any, dict[str, int]]:
    """Key -> metric -> count, from grouped metrics computed by one statement."""
    found: dict[Any, dict[str, int]] = {}
    for name in names:
        groups: list[Group] = values.get(name) or []
        for g in groups:
            found.setdefault(g.keys, {})[name] = int(number(g.value) or 0)
    return found


class FairnessType(CheckType[Fairness]):
    name = "fairness"
    model = Fairness
    metric = (
        "the metric as Fairlearn 0.15 defines it (between groups, worst case) over the groups"
        " of at least `min_group_size` rows; details: `groups` (per group `rows`,"
        " `favorable_predictions`, `selection_rate` and, with a label, the confusion counts"
        " and `true_positive_rate`, `false_positive_rate`; `measured` false when left out)"
    )
    nulls = "rows with NULL in `prediction`, `sensitive` or `label` (if given) are left out"
    empty = "passes: value null and `no rows to measure`"

    def unit(self, check: Fairness) -> Unit:
        return "number"

    def metrics(self, check: Fairness, scope: Scope) -> dict[str, Metric]:
        read = [c for c in (check.prediction, check.sensitive, check.label) if c is not None]
        condition = and_all(scope.where, not_null(*read))
        predicted = exp.EQ(this=col(check.prediction), expression=literal(check.favorable))
        counts: dict[str, exp.Expr | None] = {"rows": None, "favorable": predicted}
        if check.label is not None:
            actual = exp.EQ(this=col(check.label), expression=literal(check.favorable))
            denied, negative = exp.Not(this=exp.paren(predicted)), exp.Not(this=exp.paren(actual))
            counts.update(
                tp=exp.and_(predicted, actual),
                fp=exp.and_(predicted, negative),
                fn=exp.and_(denied, actual),
                tn=exp.and_(denied, negative),
            )
        keys = (col(check.sensitive),)
        found: dict[str, Metric] = {
            name: Grouped(keys, count_where(when), condition) for name, when in counts.items()
        }
        found[SCOPE] = Aggregate(count_where(scope.where))
        if check.sensitive.lower() in scope.pii:
            found[MASKED] = Aggregate(exp.Literal.number(1))
        return found

    def evaluate(
        self, check: Fairness, values: Mapping[str, Any], context: EvaluationContext
    ) -> Outcome:
        counted = grouped_counts(values, _COUNTS)
        groups = [
            GroupCounts(key[0], c["rows"], c.get("favorable", 0), *_confusion(check, c))
            for key, c in counted.items()
        ]
        labels = group_labels([g.group for g in groups], MASKED in values)
        used = sum(g.rows for g in groups)
        kept, small = split_by_size(groups, check.min_group_size)
        listed = []
        for group, shown in zip(groups, labels, strict=True):
            listed.append({**group_details(group, shown), "measured": group in kept})
        details: dict[str, Any] = {
            "metric": check.metric,
            "favorable": shown_value(check.favorable),
            "min_group_size": check.min_group_size,
            "groups": listed,
            "rows_with_nulls": int(number(values.get(SCOPE)) or 0) - used,
        }
        what = f"{check.metric} of {check.prediction} by {check.sensitive}"
        if not groups:
            return Outcome("pass", None, f"{what}: no rows to measure", details=details)
        left_out = ", ".join(
            f"{shown} ({g.rows} rows)"
            for g, shown in zip(groups, labels, strict=True)
            if g not in kept
        )
        if not kept:
            message = f"{what}: no group has {check.min_group_size} rows or more ({left_out})"
            return Outcome("warn", None, message, details=details)
        found = fairness_value(check.metric, kept)
        if found.parts is not None:
            details["parts"] = found.parts
        if found.value is None:
            return Outcome("error", None, f"{what} is undefined: {found.why}", details=details)
        outcome = bounded(what, found.value, check.min, check.max, *warn_limits(check.warn))
        status, message = outcome.status, outcome.message
        if small:
            message += (
                f"; {len(small)} group{'s' * (len(small) > 1)} under {check.min_group_size}"
                f" rows left out: {left_out}"
            )
            if status == "pass":
                status = "warn"
        return Outcome(status, found.value, message, details=details)


def _confusion(check: Fairness, counts: Mapping[str, int]) -> tuple[int | None, ...]:
    if check.label is None:
        return (None, None, None, None)
    return tuple(counts.get(k, 0) for k in ("tp", "fp", "fn", "tn"))
