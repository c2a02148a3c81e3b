"""Model metrics from counts and sums equal scikit-learn's own on the same rows."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from sklearn import metrics as sk

from trustwell.checks.model_stats import (
    ModelMetric,
    ScoreCount,
    Tally,
    metric_value,
    roc_auc,
    total,
)


def classified(seed: int, n: int = 500) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    # right 70% of the time
    prediction = np.where(rng.random(n) < 0.7, label, 1 - label)
    return label, prediction


def tally(label: Any, prediction: Any, positive: Any = 1) -> Tally:
    """What the database's counts and sums are, computed in Python."""
    p, y = prediction == positive, label == positive
    numeric = label.dtype.kind in "iuf"
    error = label.astype(float) - prediction.astype(float) if numeric else np.zeros(len(label))
    return Tally(
        rows=len(label),
        correct=int((label == prediction).sum()),
        tp=int((p & y).sum()),
        fp=int((p & ~y).sum()),
        fn=int((~p & y).sum()),
        abs_error=float(np.abs(error).sum()),
        squared_error=float((error * error).sum()),
    )


ORACLES = {
    "accuracy": lambda y, p: sk.accuracy_score(y, p),
    "precision": lambda y, p: sk.precision_score(y, p),
    "recall": lambda y, p: sk.recall_score(y, p),
    "f1": lambda y, p: sk.f1_score(y, p),
    "mae": lambda y, p: sk.mean_absolute_error(y, p),
    "rmse": lambda y, p: sk.root_mean_squared_error(y, p),
}


@pytest.mark.parametrize("metric", list(ORACLES))
@pytest.mark.parametrize("seed", [1, 2])
def test_each_metric_equals_scikit_learn(metric: ModelMetric, seed: int) -> None:
    label, prediction = classified(seed)
    found = metric_value(metric, tally(label, prediction))
    assert found == pytest.approx(ORACLES[metric](label, prediction), rel=1e-9)


def test_regression_errors_equal_scikit_learn_on_real_valued_predictions() -> None:
    rng = np.random.default_rng(3)
    label = rng.normal(100, 15, 800)
    prediction = label + rng.normal(2, 5, 800)
    found = tally(label, prediction)
    assert metric_value("mae", found) == pytest.approx(
        sk.mean_absolute_error(label, prediction), rel=1e-9
    )
    assert metric_value("rmse", found) == pytest.approx(
        sk.root_mean_squared_error(label, prediction), rel=1e-9
    )


def test_a_positive_class_other_than_one_and_other_values_negative() -> None:
    label, prediction = classified(4)
    names = np.array(["cat", "dog"])
    y, p = names[label], names[prediction]
    for metric in ("precision", "recall", "f1"):
        function = getattr(sk, f"{metric}_score")
        expected = function(y, p, pos_label="cat")
        found = metric_value(metric, tally(y, p, "cat"))  # type: ignore[arg-type]
        assert found == pytest.approx(expected, rel=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_ill_defined_precision_recall_and_f1_are_zero_as_scikit_learn_gives() -> None:
    label = np.array([0, 0, 1, 0])
    never = np.zeros(4, dtype=int)
    assert sk.precision_score(label, never) == metric_value("precision", tally(label, never)) == 0
    no_positive = np.zeros(4, dtype=int)
    assert sk.recall_score(no_positive, never) == metric_value("recall", tally(no_positive, never))
    assert sk.f1_score(no_positive, never) == metric_value("f1", tally(no_positive, never)) == 0


def test_segments_add_up_to_the_overall_tally() -> None:
    label, prediction = classified(5)
    parts = [tally(label[:200], prediction[:200]), tally(label[200:], prediction[200:])]
    assert total(parts) == tally(label, prediction)
    assert metric_value("accuracy", Tally()) is None


def score_counts(label: Any, score: Any) -> list[ScoreCount]:
    """The GROUP BY score result: positives and negatives per distinct score."""
    return [
        ScoreCount(s, int((label[score == s] == 1).sum()), int((label[score == s] != 1).sum()))
        for s in np.unique(score)
    ]


@pytest.mark.parametrize("decimals", [1, 2, 3])
def test_roc_auc_on_distinct_scores_is_exact(decimals: int) -> None:
    rng = np.random.default_rng(decimals)
    label = rng.integers(0, 2, 3000)
    score = np.round(np.clip(rng.normal(0.45 + 0.1 * label, 0.2), 0, 1), decimals)  # many ties
    found = roc_auc(score_counts(label, score))
    assert found.value == pytest.approx(sk.roc_auc_score(label, score), rel=1e-12)
    # exact: the rational number of correctly ranked pairs, rounded once
    positives, negatives = score[label == 1], score[label == 0]
    pairs = sum(
        Fraction(int((negatives < s).sum())) + Fraction(int((negatives == s).sum()), 2)
        for s in positives
    )
    assert found.value == float(pairs / (len(positives) * len(negatives)))
    assert found.error_bound == 0.0


def test_roc_auc_on_histogram_bins_stays_within_its_stated_bound() -> None:
    rng = np.random.default_rng(9)
    label = rng.integers(0, 2, 5000)
    score = rng.normal(0.3 * label, 1.0)
    edges = np.linspace(score.min(), score.max(), 51)
    bins = np.minimum(np.floor((score - score.min()) * 50 / (score.max() - score.min())), 49)
    assert len(edges) == 51
    found = roc_auc(score_counts(label, bins), binned=True)
    exact = sk.roc_auc_score(label, score)
    assert found.value is not None
    assert 0 < found.error_bound < 0.05
    assert abs(found.value - exact) <= found.error_bound
    assert found.value != exact  # the bins do lose something


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_roc_auc_with_one_class_is_undefined_as_scikit_learns_nan() -> None:
    label = np.ones(5, dtype=int)
    score = np.linspace(0, 1, 5)
    assert np.isnan(sk.roc_auc_score(label, score))
    found = roc_auc(score_counts(label, score))
    assert (found.value, found.positives, found.negatives) == (None, 5, 0)


def test_the_examples_in_the_docstrings_hold() -> None:
    import doctest

    from trustwell.checks import fairness_stats, model_stats

    for module in (fairness_stats, model_stats):
        failures, tried = doctest.testmod(module)
        assert (failures, tried > 0) == (0, True), module.__name__
