"""Model quality metrics as scikit-learn defines them, from counts and sums. Pure: no I/O.

A ``model`` check asks the database for a few counts and sums per segment
(one small ``GROUP BY``, or the shared scan without segments); the metrics
are made from them here, with scikit-learn's definitions and its answers for
the corner cases (the tests hold them to scikit-learn itself):

- ``accuracy``: rows whose prediction equals the label / rows (``accuracy_score``);
- ``precision`` TP / (TP + FP), ``recall`` TP / (TP + FN), ``f1``
  2·TP / ((TP + FN) + (TP + FP)), each 0 when its denominator is 0
  (scikit-learn's default ``zero_division``), the positive class being
  ``positive`` and every other value negative;
- ``mae``: the mean of \\|label − prediction\\|, ``rmse`` the square root of
  the mean of (label − prediction)² (``mean_absolute_error``,
  ``root_mean_squared_error``);
- ``roc_auc``: the area under the ROC curve of ``score`` against
  ``label == positive`` (``roc_auc_score``), computed as the Mann-Whitney
  statistic (pairs of a positive and a negative ranked right, ties counting
  half) from per-score counts. On the distinct scores it is exact: integer
  counts, one rounding at the end. On histogram bins (too many distinct
  scores) the pairs inside one bin count as ties, so the value is within
  Σ pos_b·neg_b / (2·P·N) of the exact one: that bound is returned with it.
  Undefined (scikit-learn's NaN) when the labels hold only one class.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any, Literal

ModelMetric = Literal["accuracy", "precision", "recall", "f1", "roc_auc", "mae", "rmse"]
REGRESSION = frozenset({"mae", "rmse"})


@dataclass(frozen=True)
class Tally:
    """The counts and sums of one segment (or of all rows); they add up across segments."""

    rows: int = 0
    correct: int = 0  # prediction = label
    tp: int = 0
    fp: int = 0
    fn: int = 0
    abs_error: float = 0.0  # sum of |label - prediction|
    squared_error: float = 0.0  # sum of (label - prediction)^2

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def total(tallies: Iterable[Tally]) -> Tally:
    """The sum of the segments' tallies: the overall one."""
    found = Tally()
    for tally in tallies:
        found = found + tally
    return found


def _divide(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def metric_value(metric: ModelMetric, tally: Tally) -> float | None:
    """The metric over a tally with rows (None without rows); ``roc_auc`` is :func:`roc_auc`.

    >>> metric_value("precision", Tally(rows=10, tp=3, fp=1))
    0.75
    """
    if not tally.rows:
        return None
    if metric == "accuracy":
        return tally.correct / tally.rows
    if metric == "precision":
        return _divide(tally.tp, tally.tp + tally.fp)
    if metric == "recall":
        return _divide(tally.tp, tally.tp + tally.fn)
    if metric == "f1":
        return _divide(2 * tally.tp, (tally.tp + tally.fn) + (tally.tp + tally.fp))
    if metric == "mae":
        return tally.abs_error / tally.rows
    if metric == "rmse":
        return math.sqrt(tally.squared_error / tally.rows)
    raise ValueError(f"{metric} is not made from a tally")


@dataclass(frozen=True)
class ScoreCount:
    """Positive and negative labels at one score (or in one histogram bin, ``key`` its index)."""

    key: Any
    positives: int
    negatives: int


@dataclass(frozen=True)
class Auc:
    """An area under the ROC curve; ``error_bound`` 0 when computed on the distinct scores."""

    value: float | None
    error_bound: float
    positives: int
    negatives: int


def merge_scores(counts: Iterable[ScoreCount]) -> list[ScoreCount]:
    """Counts of the same key added up (segments into the overall), in ascending key order."""
    merged: dict[Any, list[int]] = {}
    for c in counts:
        cell = merged.setdefault(c.key, [0, 0])
        cell[0] += c.positives
        cell[1] += c.negatives
    return [ScoreCount(k, p, n) for k, (p, n) in sorted(merged.items())]


def roc_auc(counts: Iterable[ScoreCount], *, binned: bool = False) -> Auc:
    """The Mann-Whitney AUC of per-score counts, or of per-bin counts (``binned``, with a bound).

    >>> roc_auc([ScoreCount(0.2, 0, 1), ScoreCount(0.5, 1, 1), ScoreCount(0.8, 1, 0)]).value
    0.875
    """
    ordered = merge_scores(counts)
    positives = sum(c.positives for c in ordered)
    negatives = sum(c.negatives for c in ordered)
    if not positives or not negatives:
        return Auc(None, 0.0, positives, negatives)
    # Twice the number of correctly ranked pairs, ties counting one: integers, exact.
    doubled, below, tied = 0, 0, 0
    for c in ordered:
        doubled += c.positives * (2 * below + c.negatives)
        tied += c.positives * c.negatives
        below += c.negatives
    pairs = 2 * positives * negatives
    return Auc(doubled / pairs, tied / pairs if binned else 0.0, positives, negatives)
