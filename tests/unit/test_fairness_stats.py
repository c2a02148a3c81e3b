"""The fairness metrics from per-group counts equal Fairlearn's own on the same rows.

Counts are made here from generated rows (fixed seeds, known gaps between the
groups); Fairlearn 0.15 gets the rows themselves.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from fairlearn import metrics as fairlearn

from trustwell.checks.fairness_stats import (
    FairnessMetric,
    GroupCounts,
    fairness_value,
    split_by_size,
)

METRICS: list[FairnessMetric] = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


def rows(seed: int, rates: dict[str, tuple[float, float, float]], n: int = 400) -> dict[str, Any]:
    """Per group: (share of favorable labels, P(favorable | favorable label), P(fav | not))."""
    rng = np.random.default_rng(seed)
    group = rng.choice(list(rates), size=n)
    base = np.array([rates[g][0] for g in group])
    label = (rng.random(n) < base).astype(int)
    hit = np.array([rates[g][1] if y else rates[g][2] for g, y in zip(group, label, strict=True)])
    prediction = (rng.random(n) < hit).astype(int)
    return {"group": group, "label": label, "prediction": prediction}


def counts(data: dict[str, Any], favorable: Any = 1) -> list[GroupCounts]:
    """What the database's GROUP BY returns, counted in Python."""
    found = []
    for g in sorted(set(data["group"])):
        at = data["group"] == g
        p, y = data["prediction"][at] == favorable, data["label"][at] == favorable
        found.append(
            GroupCounts(
                g,
                int(at.sum()),
                int(p.sum()),
                tp=int((p & y).sum()),
                fp=int((p & ~y).sum()),
                fn=int((~p & y).sum()),
                tn=int((~p & ~y).sum()),
            )
        )
    return found


def oracle(metric: FairnessMetric, data: dict[str, Any], favorable: Any = 1) -> float:
    """Fairlearn on the rows, favorable read as its positive label 1."""
    function = getattr(fairlearn, metric)
    y = (data["label"] == favorable).astype(int)
    p = (data["prediction"] == favorable).astype(int)
    return float(function(y, p, sensitive_features=data["group"]))


GAPS = {
    "a": (0.5, 0.8, 0.3),
    "b": (0.4, 0.6, 0.1),
    "c": (0.6, 0.7, 0.2),
}


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_metric_equals_fairlearn_on_generated_groups(
    metric: FairnessMetric, seed: int
) -> None:
    data = rows(seed, GAPS)
    found = fairness_value(metric, counts(data))
    expected = oracle(metric, data)
    assert found.value == pytest.approx(expected, rel=1e-9)
    # a real gap: the groups differ by construction
    assert found.value is not None
    assert (found.value > 0.05) if "difference" in metric else (found.value < 0.95)


def test_equal_groups_give_no_difference_and_a_ratio_of_one() -> None:
    same = [GroupCounts(g, 10, 4, tp=3, fp=1, fn=1, tn=5) for g in "ab"]
    assert fairness_value("demographic_parity_difference", same).value == 0.0
    assert fairness_value("demographic_parity_ratio", same).value == 1.0
    assert fairness_value("equalized_odds_difference", same).value == 0.0
    assert fairness_value("equalized_odds_ratio", same).value == 1.0


def test_a_favorable_value_other_than_one_is_the_positive_label() -> None:
    data = rows(7, GAPS)
    data["prediction"] = np.where(data["prediction"] == 1, "approved", "denied")
    data["label"] = np.where(data["label"] == 1, "approved", "denied")
    for metric in METRICS:
        found = fairness_value(metric, counts(data, "approved")).value
        assert found == pytest.approx(oracle(metric, data, "approved"), rel=1e-9)


def test_a_ratio_with_no_favorable_prediction_anywhere_is_undefined_as_fairlearns_nan() -> None:
    data = rows(4, GAPS)
    data["prediction"] = np.zeros_like(data["prediction"])
    assert math.isnan(oracle("demographic_parity_ratio", data))
    found = fairness_value("demographic_parity_ratio", counts(data))
    assert (found.value, found.why) == (None, "no group has a favorable prediction (0/0)")
    # the difference is defined: every rate is 0
    assert fairness_value("demographic_parity_difference", counts(data)).value == 0.0


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # Fairlearn's own 0/0
def test_equalized_odds_ratio_passes_over_an_undefined_false_positive_part_as_fairlearn_does() -> (
    None
):
    data = rows(5, GAPS)
    # no favorable prediction for an unfavorable label: every false positive rate is 0
    data["prediction"] = np.where(data["label"] == 1, data["prediction"], 0)
    expected = oracle("equalized_odds_ratio", data)
    found = fairness_value("equalized_odds_ratio", counts(data))
    assert found.parts is not None and found.parts["false_positive_rate"] is None
    assert found.value == pytest.approx(expected, rel=1e-9)
    # and no true positive anywhere makes the ratio undefined, Fairlearn's NaN
    data["prediction"] = np.zeros_like(data["prediction"])
    assert math.isnan(oracle("equalized_odds_ratio", data))
    assert fairness_value("equalized_odds_ratio", counts(data)).value is None


def test_a_group_without_favorable_labels_has_rates_of_zero_as_scikit_learn_gives() -> None:
    data = rows(6, GAPS)
    data["label"] = np.where(data["group"] == "b", 0, data["label"])
    for metric in ("equalized_odds_difference", "equalized_odds_ratio"):
        found = fairness_value(metric, counts(data)).value  # type: ignore[arg-type]
        assert found == pytest.approx(oracle(metric, data), rel=1e-9)  # type: ignore[arg-type]


def test_small_groups_are_split_off() -> None:
    groups = [GroupCounts("a", 30, 1), GroupCounts("b", 29, 1), GroupCounts("c", 100, 1)]
    kept, small = split_by_size(groups, 30)
    assert [g.group for g in kept] == ["a", "c"]
    assert [g.group for g in small] == ["b"]


def test_equalized_odds_without_label_counts_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the label counts"):
        fairness_value("equalized_odds_difference", [GroupCounts("a", 3, 1)])
    with pytest.raises(ValueError, match="no group"):
        fairness_value("demographic_parity_difference", [])
