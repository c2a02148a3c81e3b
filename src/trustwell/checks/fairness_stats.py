"""The fairness metrics of Fairlearn 0.15, from per-group counts. Pure: no I/O.

A ``fairness`` check asks the database for one small ``GROUP BY`` over the
sensitive column: per group, the rows, the favorable predictions and (with a
label) the four cells of the confusion matrix. Everything else is here, and
follows Fairlearn's own definitions to the last operation, so the numbers are
Fairlearn's (the tests hold them to Fairlearn itself):

- a group's **selection rate** is favorable predictions / rows
  (``fairlearn.metrics.selection_rate``);
- its **true positive rate** is TP / (TP + FN) and its **false positive rate**
  FP / (FP + TN), 0 when the denominator is 0 (Fairlearn reads them off
  scikit-learn's ``confusion_matrix(normalize="true")``, which turns 0/0 into 0);
- a **difference** is the largest group rate minus the smallest, a **ratio**
  the smallest over the largest (``method="between_groups"``); a ratio whose
  largest rate is 0 is 0/0, Fairlearn's NaN: undefined here;
- **equalized odds** is the worst case (``agg="worst_case"``) of the true and
  false positive rate parts: Python's ``max`` of the two differences, ``min``
  of the two ratios, in that order, so an undefined true positive part makes
  the ratio undefined while an undefined false positive part is passed over,
  exactly as ``min([tpr_ratio, nan])`` is ``tpr_ratio`` in Fairlearn.

A *favorable* value is the positive label of both prediction and label; every
other value is unfavorable (the binary reading Fairlearn needs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

FairnessMetric = Literal[
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]
#: The metrics that compare error rates, and so need a label.
NEEDS_LABEL = frozenset({"equalized_odds_difference", "equalized_odds_ratio"})


@dataclass(frozen=True)
class GroupCounts:
    """One group of the sensitive column: its rows and, with a label, its confusion matrix."""

    group: Any
    rows: int
    favorable: int  # rows with a favorable prediction
    tp: int | None = None  # favorable prediction, favorable label
    fp: int | None = None  # favorable prediction, unfavorable label
    fn: int | None = None  # unfavorable prediction, favorable label
    tn: int | None = None  # unfavorable prediction, unfavorable label

    @property
    def selection_rate(self) -> float:
        """Favorable predictions / rows (the group has rows)."""
        return self.favorable / self.rows

    @property
    def has_label(self) -> bool:
        return self.tp is not None

    @property
    def true_positive_rate(self) -> float:
        """TP / (TP + FN), 0 when the group has no favorable label (scikit-learn's 0/0)."""
        tp, fn = self.tp or 0, self.fn or 0
        return tp / (tp + fn) if tp + fn else 0.0

    @property
    def false_positive_rate(self) -> float:
        """FP / (FP + TN), 0 when the group has no unfavorable label."""
        fp, tn = self.fp or 0, self.tn or 0
        return fp / (fp + tn) if fp + tn else 0.0


@dataclass(frozen=True)
class FairnessValue:
    """The metric over the measured groups: ``value`` None when it is undefined (``why``)."""

    value: float | None
    why: str = ""
    #: equalized odds: the true and false positive rate parts (None where undefined)
    parts: dict[str, float | None] | None = None


def split_by_size(
    groups: list[GroupCounts], min_group_size: int
) -> tuple[list[GroupCounts], list[GroupCounts]]:
    """The groups with at least ``min_group_size`` rows, and those left out for being smaller."""
    kept = [g for g in groups if g.rows >= min_group_size]
    small = [g for g in groups if g.rows < min_group_size]
    return kept, small


def difference(rates: list[float]) -> float:
    """Largest minus smallest: ``MetricFrame.difference(method="between_groups")``."""
    return max(rates) - min(rates)


def ratio(rates: list[float]) -> float | None:
    """Smallest over largest (``MetricFrame.ratio``); None for 0/0, Fairlearn's NaN."""
    largest = max(rates)
    return min(rates) / largest if largest else None


def fairness_value(metric: FairnessMetric, groups: list[GroupCounts]) -> FairnessValue:
    """The metric over ``groups`` (at least one, each with rows), as Fairlearn computes it.

    >>> a = GroupCounts("a", rows=10, favorable=5)
    >>> b = GroupCounts("b", rows=10, favorable=2)
    >>> fairness_value("demographic_parity_difference", [a, b]).value
    0.3
    """
    if not groups:
        raise ValueError("no group to compare")
    if metric == "demographic_parity_difference":
        return FairnessValue(difference([g.selection_rate for g in groups]))
    if metric == "demographic_parity_ratio":
        found = ratio([g.selection_rate for g in groups])
        why = "" if found is not None else "no group has a favorable prediction (0/0)"
        return FairnessValue(found, why)
    if not all(g.has_label for g in groups):
        raise ValueError(f"{metric} needs the label counts")
    tpr = [g.true_positive_rate for g in groups]
    fpr = [g.false_positive_rate for g in groups]
    if metric == "equalized_odds_difference":
        parts: dict[str, float | None] = {
            "true_positive_rate": difference(tpr),
            "false_positive_rate": difference(fpr),
        }
        return FairnessValue(max(difference(tpr), difference(fpr)), parts=parts)
    tpr_ratio, fpr_ratio = ratio(tpr), ratio(fpr)
    parts = {"true_positive_rate": tpr_ratio, "false_positive_rate": fpr_ratio}
    # Fairlearn: min([tpr_ratio, fpr_ratio]) with NaN for 0/0; Python's min keeps the
    # first item when a comparison with NaN is false.
    nan = math.nan
    worst = min([nan if tpr_ratio is None else tpr_ratio, nan if fpr_ratio is None else fpr_ratio])
    if math.isnan(worst):
        return FairnessValue(None, "no group has a true positive (0/0 true positive rates)", parts)
    return FairnessValue(worst, parts=parts)


def group_details(group: GroupCounts, label: str | Any) -> dict[str, Any]:
    """One group as the details list it (for a per-group bar chart)."""
    found: dict[str, Any] = {
        "group": label,
        "rows": group.rows,
        "favorable_predictions": group.favorable,
        "selection_rate": group.selection_rate if group.rows else None,
    }
    if group.has_label:
        found.update(
            true_positives=group.tp,
            false_positives=group.fp,
            false_negatives=group.fn,
            true_negatives=group.tn,
            true_positive_rate=group.true_positive_rate,
            false_positive_rate=group.false_positive_rate,
        )
    return found
