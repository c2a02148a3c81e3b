"""The SQL of ``model`` checks: the counts and sums of a tally, and the keys of ``roc_auc``.

``roc_auc`` groups by score: by the distinct scores when there are at most
:data:`EXACT_SCORES` of them (exact), else by :data:`SCORE_BINS` equal-width
bins between the lowest and highest score. Both keys are in the one grouped
statement and one of them is NULL, decided by the database on the same rows.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from trustwell.checks.metrics import and_all, col, count_where, literal, only_where
from trustwell.checks.model_stats import REGRESSION, ModelMetric

#: ``roc_auc`` is exact (grouped by the distinct scores) up to this many distinct scores.
EXACT_SCORES = 10_000
#: Beyond that, equal-width bins between the lowest and highest score.
SCORE_BINS = 10_000


def tally_sums(
    metric: ModelMetric,
    prediction_column: str,
    label_column: str,
    positive: Any,
    condition: exp.Expr | None,
) -> dict[str, exp.Expr]:
    """The aggregates of a :class:`~trustwell.checks.model_stats.Tally` ``metric`` needs.

    Over the rows matching ``condition`` (None inside a grouped metric, which filters).
    """
    prediction, label = col(prediction_column), col(label_column)
    found: dict[str, exp.Expr] = {"rows": count_where(condition)}
    if metric == "accuracy":
        found["correct"] = count_where(
            and_all(condition, exp.EQ(this=prediction, expression=label))
        )
    elif metric in ("precision", "recall", "f1"):
        predicted = exp.EQ(this=prediction, expression=literal(positive))
        actual = exp.EQ(this=label.copy(), expression=literal(positive))
        found["tp"] = count_where(and_all(condition, predicted, actual))
        found["fp"] = count_where(and_all(condition, predicted, exp.Not(this=exp.paren(actual))))
        found["fn"] = count_where(and_all(condition, actual, exp.Not(this=exp.paren(predicted))))
    elif metric in REGRESSION:
        double = exp.DataType.Type.DOUBLE
        error = exp.Sub(this=exp.cast(label, double), expression=exp.cast(prediction, double))
        if metric == "mae":
            found["abs_error"] = exp.Sum(this=only_where(exp.Abs(this=error), condition))
        else:
            square = exp.Mul(this=exp.paren(error), expression=exp.paren(error.copy()))
            found["squared_error"] = exp.Sum(this=only_where(square, condition))
    return found


def score_keys(
    score_column: str | None, relation: exp.Expr, condition: exp.Expr | None
) -> tuple[exp.Expr, ...]:
    """The exact score (few distinct scores) and the histogram bin (many): one is NULL.

    The choice is made in the statement: scalar subqueries over the same rows
    give the number of distinct scores and the lowest and highest score.
    """
    assert score_column is not None
    score = col(score_column)
    as_double = exp.cast(score.copy(), exp.DataType.Type.DOUBLE)

    def over_rows(value: exp.Expr) -> exp.Expr:
        query = exp.select(value).from_(relation.copy()).where(condition)
        return exp.Subquery(this=query)

    distinct = over_rows(exp.Count(this=exp.Distinct(expressions=[score.copy()])))
    low, high = over_rows(exp.Min(this=as_double.copy())), over_rows(exp.Max(this=as_double.copy()))
    few = exp.LTE(this=distinct, expression=literal(EXACT_SCORES))
    position = exp.Div(
        this=exp.Mul(
            this=exp.paren(exp.Sub(this=as_double, expression=low)), expression=literal(SCORE_BINS)
        ),
        expression=exp.Nullif(
            this=exp.Sub(this=high, expression=low.copy()), expression=literal(0)
        ),
    )
    floor = exp.cast(exp.Floor(this=position), exp.DataType.Type.BIGINT)
    last = exp.Least(this=floor, expressions=[literal(SCORE_BINS - 1)])
    return (
        exp.Case().when(few, score.copy()),
        exp.Case().when(exp.Not(this=exp.paren(few.copy())), last),
    )
