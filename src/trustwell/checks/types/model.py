"""``model``: the quality of a model's predictions on a scored table, overall and per segment.

The database returns counts and sums (the shared scan without ``segment``, a
small ``GROUP BY segment`` with it); ``roc_auc`` also groups by score, by
the distinct scores or by histogram bins (the SQL is in
:mod:`~trustwell.checks.types.model_sql`). The metric is made from them by
:mod:`trustwell.checks.model_stats` as scikit-learn defines it; the worst of
the overall value and every segment's decides the status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import model_validator
from sqlglot import exp

from trustwell.checks.context import EvaluationContext
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
from trustwell.checks.model_stats import (
    ModelMetric,
    ScoreCount,
    Tally,
    metric_value,
    roc_auc,
    total,
)
from trustwell.checks.outcome import Outcome, bounded, number
from trustwell.checks.params import Bounded, Name, Scalar, require_bounds, rule, warn_limits
from trustwell.checks.result import STATUS_ORDER
from trustwell.checks.types.base import CheckType, Scope, Unit
from trustwell.checks.types.fairness import MASKED, group_labels
from trustwell.checks.types.model_sql import EXACT_SCORES, SCORE_BINS, score_keys, tally_sums


class Model(Bounded):
    """The `metric` of `prediction` vs `label` is within `min`/`max` overall and per `segment`."""

    type: Literal["model"]
    prediction: Name
    label: Name
    score: Name | None = None
    segment: Name | None = None
    metric: ModelMetric
    positive: Scalar = 1

    @model_validator(mode="after")
    def _complete(self) -> Model:
        require_bounds(self.min, self.max)
        if self.metric == "roc_auc" and self.score is None:
            raise rule(
                "metric roc_auc ranks scores: give score (the model's score column)", "metric"
            )
        return self

    def columns_label(self) -> str:
        return f"{self.metric}({','.join(self.reads)})"

    @property
    def column_list(self) -> list[str]:
        named = (self.prediction, self.label, self.score, self.segment)
        return [c for c in named if c is not None]

    @property
    def reads(self) -> list[str]:
        """The columns the metric reads: rows with NULL in any of them are left out."""
        if self.metric == "roc_auc":
            assert self.score is not None
            return [self.score, self.label]
        return [self.prediction, self.label]


class ModelType(CheckType[Model]):
    name = "model"
    model = Model
    metric = (
        "the metric as scikit-learn defines it, overall and per `segment`: the worst of them;"
        f" `roc_auc` exact up to {EXACT_SCORES:,} distinct scores, else on {SCORE_BINS:,}"
        " equal-width bins with `error_bound` in the details; details: `overall` and"
        " `segments` (`rows`, `value`), `worst`"
    )
    nulls = (
        "rows with NULL in `prediction` or `label` (`roc_auc`: `score` or `label`) are left"
        " out; a NULL `segment` is a segment of its own"
    )
    empty = "passes: value null and `no rows to measure`"

    def unit(self, check: Model) -> Unit:
        return "number"

    def metrics(self, check: Model, scope: Scope) -> dict[str, Metric]:
        condition = and_all(scope.where, not_null(*check.reads))
        segment = (col(check.segment),) if check.segment is not None else ()
        found: dict[str, Metric] = {SCOPE: Aggregate(count_where(scope.where))}
        if check.segment is not None and check.segment.lower() in scope.pii:
            found[MASKED] = Aggregate(exp.Literal.number(1))
        if check.metric == "roc_auc":
            keys = (*segment, *score_keys(check.score, scope.relation, condition))
            actual = exp.EQ(this=col(check.label), expression=literal(check.positive))
            found["positives"] = Grouped(keys, count_where(actual), condition)
            negative = exp.Not(this=exp.paren(actual.copy()))
            found["negatives"] = Grouped(keys, count_where(negative), condition)
        else:
            sums = tally_sums(
                check.metric,
                check.prediction,
                check.label,
                check.positive,
                None if segment else condition,
            )
            for name, value in sums.items():
                found[name] = Grouped(segment, value, condition) if segment else Aggregate(value)
        return found

    def evaluate(
        self, check: Model, values: Mapping[str, Any], context: EvaluationContext
    ) -> Outcome:
        what = f"{check.metric} of {check.score if check.metric == 'roc_auc' else check.prediction}"
        if check.metric == "roc_auc":
            segments, overall, extra = _auc_units(check, values)
        else:
            segments, overall = _tally_units(check, values)
            extra = {}
        labels = group_labels(list(segments), MASKED in values)
        listed = [
            {"segment": shown, "rows": rows, "value": value}
            for shown, (rows, value) in zip(labels, segments.values(), strict=True)
        ]
        rows, value = overall
        details: dict[str, Any] = {
            "metric": check.metric,
            "overall": {"rows": rows, "value": value},
            "rows_with_nulls": int(number(values.get(SCOPE)) or 0) - rows,
            **extra,
        }
        if check.segment is not None:
            details["segments"] = listed
        if not rows:
            return Outcome("pass", None, f"{what}: no rows to measure", details=details)
        if value is None:
            why = "the labels hold one class only (scikit-learn's NaN)"
            return Outcome("error", None, f"{what} is undefined: {why}", details=details)
        candidates = [Candidate("overall", None, value)] + [
            Candidate(f"segment {_text(v['segment'])}", v["segment"], v["value"]) for v in listed
        ]
        outcome, worst = worst_outcome(check, what, candidates)
        details["worst"] = "overall" if worst.name == "overall" else {"segment": worst.shown}
        message = outcome.message
        if check.segment is not None:
            message += f" (the worst of overall and {len(listed)} segments)"
        return Outcome(outcome.status, outcome.value, message, details=details)


@dataclass(frozen=True)
class Candidate:
    """The overall value or one segment's, competing to be the worst."""

    name: str  # ``overall`` or ``segment X``
    shown: Any  # the segment as details show it
    value: float | None  # None: undefined there (left out of the decision)


def _text(shown: Any) -> str:
    return "NULL" if shown is None else str(shown)


def _badness(check: Model, value: float) -> float:
    """How far outside the fail bounds (negative: how far inside the nearest one)."""
    sides = [check.min - value if check.min is not None else None]
    sides.append(value - check.max if check.max is not None else None)
    return max(s for s in sides if s is not None)


def worst_outcome(
    check: Model, what: str, candidates: list[Candidate]
) -> tuple[Outcome, Candidate]:
    """The worst status among the defined values (then the farthest out); overall wins ties."""
    rated: list[tuple[int, float, Outcome, Candidate]] = []
    for c in candidates:
        if c.value is None:
            continue
        label = what if c.name == "overall" else f"{what} in {c.name}"
        found = bounded(label, c.value, check.min, check.max, *warn_limits(check.warn))
        rated.append((STATUS_ORDER[found.status], _badness(check, c.value), found, c))
    _, _, outcome, worst = max(rated, key=lambda r: (r[0], r[1]))
    return outcome, worst


Measured = tuple[int, float | None]  # rows, value


def _tally_units(check: Model, values: Mapping[str, Any]) -> tuple[dict[Any, Measured], Measured]:
    names = [
        n
        for n in ("rows", "correct", "tp", "fp", "fn", "abs_error", "squared_error")
        if n in values
    ]
    tallies: dict[Any, Tally] = {}
    if check.segment is None:
        tallies[None] = _tally({n: values[n] for n in names})
        per_segment: dict[Any, Measured] = {}
    else:
        by_key: dict[Any, dict[str, Any]] = {}
        for name in names:
            groups: list[Group] = values[name]
            for g in groups:
                by_key.setdefault(g.keys[0], {})[name] = g.value
        tallies = {k: _tally(v) for k, v in by_key.items()}
        per_segment = {k: (t.rows, metric_value(check.metric, t)) for k, t in tallies.items()}
    overall = total(tallies.values())
    return per_segment, (overall.rows, metric_value(check.metric, overall))


def _tally(raw: Mapping[str, Any]) -> Tally:
    """A segment's tally from the database's numbers (a SUM over no row is NULL: 0)."""

    def count(name: str) -> int:
        return int(number(raw.get(name)) or 0)

    return Tally(
        rows=count("rows"),
        correct=count("correct"),
        tp=count("tp"),
        fp=count("fp"),
        fn=count("fn"),
        abs_error=number(raw.get("abs_error")) or 0.0,
        squared_error=number(raw.get("squared_error")) or 0.0,
    )


def _auc_units(
    check: Model, values: Mapping[str, Any]
) -> tuple[dict[Any, Measured], Measured, dict[str, Any]]:
    cells: dict[tuple[Any, ...], list[int]] = {}
    for index, name in enumerate(("positives", "negatives")):
        groups: list[Group] = values[name]
        for g in groups:
            cells.setdefault(g.keys, [0, 0])[index] = int(number(g.value) or 0)
    binned = any(k[-1] is not None for k in cells)
    per: dict[Any, list[ScoreCount]] = {}
    for keys, (pos, neg) in cells.items():
        segment = keys[0] if check.segment is not None else None
        exact, bin_ = keys[-2], keys[-1]
        per.setdefault(segment, []).append(ScoreCount(bin_ if binned else exact, pos, neg))
    everything = [c for counts in per.values() for c in counts]
    overall = roc_auc(everything, binned=binned)
    extra: dict[str, Any] = {
        "roc_auc_method": "histogram" if binned else "distinct scores",
        "error_bound": overall.error_bound,
    }
    if binned:
        extra["bins"] = SCORE_BINS
    segments: dict[Any, Measured] = {}
    if check.segment is not None:
        for key, counts in per.items():
            found = roc_auc(counts, binned=binned)
            segments[key] = (found.positives + found.negatives, found.value)
    return segments, (overall.positives + overall.negatives, overall.value), extra
