"""``model`` checks run on DuckDB equal scikit-learn on the same rows, overall and per segment."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from trustwell.checks.result import CheckResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.checks.types.model import EXACT_SCORES
from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project
from trustwell.config.models import Asset
from trustwell.engines.duckdb import DuckDBEngine

ORACLES = {
    "accuracy": sk.accuracy_score,
    "precision": sk.precision_score,
    "recall": sk.recall_score,
    "f1": sk.f1_score,
    "mae": sk.mean_absolute_error,
    "rmse": sk.root_mean_squared_error,
}


def scored(seed: int = 21, n: int = 4000, decimals: int | None = 3) -> pd.DataFrame:
    """Churn predictions: the model is better in region eu than in us."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["eu", "us"], size=n, p=[0.6, 0.4])
    churned = rng.integers(0, 2, n)
    right = np.where(region == "eu", 0.85, 0.65)
    predicted = np.where(rng.random(n) < right, churned, 1 - churned)
    score = np.clip(rng.normal(0.35 + 0.3 * churned, 0.2), 0, 1)
    if decimals is not None:
        score = np.round(score, decimals)
    frame = pd.DataFrame(
        {
            "region": region,
            "churned": churned.astype(float),
            "predicted": predicted.astype(float),
            "score": score,
        }
    )
    frame.loc[0:9, "predicted"] = None
    frame.loc[10:14, "churned"] = None
    frame.loc[15:19, "score"] = None
    return frame


def run(
    frame: pd.DataFrame, checks: list[dict[str, Any]], statements: list[str] | None = None
) -> list[CheckResult]:
    connection = duckdb.connect()
    connection.register("frame", frame)
    connection.execute("create table churn as select * from frame")
    engine = DuckDBEngine(connection=connection, owns_connection=True)
    seen = statements if statements is not None else []
    try:
        subject = Asset.model_validate({"name": "churn", "table": "churn", "checks": checks})
        return check_asset(
            AssetRun(engine=engine, asset=subject, on_sql=lambda s: seen.append(s.sql))
        )
    finally:
        engine.close()


def check(metric: str, **more: Any) -> dict[str, Any]:
    bound = {"max": 10} if metric in ("mae", "rmse") else {"min": 0.1}
    base = {"type": "model", "prediction": "predicted", "label": "churned", "metric": metric}
    return {**base, **bound, **more}


def measured(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.dropna(subset=columns)


@pytest.mark.parametrize("metric", list(ORACLES))
def test_each_metric_equals_scikit_learn_on_the_rows_without_nulls(metric: str) -> None:
    frame = scored()
    (result,) = run(frame, [check(metric)])
    used = measured(frame, ["predicted", "churned"])
    assert result.value == pytest.approx(ORACLES[metric](used.churned, used.predicted), rel=1e-9)
    assert result.status == "pass"
    assert result.details is not None
    assert result.details["overall"]["rows"] == len(used) == len(frame) - 15
    assert result.details["rows_with_nulls"] == 15


@pytest.mark.parametrize("metric", ["accuracy", "f1", "rmse", "roc_auc"])
def test_segments_are_measured_each_and_the_worst_decides(metric: str) -> None:
    frame = scored()
    reads = ["score", "churned"] if metric == "roc_auc" else ["predicted", "churned"]
    used = measured(frame, reads)

    def oracle(rows: pd.DataFrame) -> float:
        if metric == "roc_auc":
            return float(sk.roc_auc_score(rows.churned, rows.score))
        return float(ORACLES[metric](rows.churned, rows.predicted))

    per_region = {r: oracle(used[used.region == r]) for r in ("eu", "us")}
    overall = oracle(used)
    worst_region = (max if metric == "rmse" else min)(per_region, key=per_region.__getitem__)
    worst = per_region[worst_region]
    bound = {"max": worst - 0.001} if metric == "rmse" else {"min": worst + 0.001}
    (result,) = run(frame, [check(metric, segment="region", score="score", **bound)])
    assert result.status == "fail"
    assert result.value == pytest.approx(worst, rel=1e-9)
    assert f"{metric} of " in result.message and f"in segment {worst_region} is" in result.message
    assert result.message.endswith("(the worst of overall and 2 segments)")
    assert result.details is not None
    assert result.details["worst"] == {"segment": worst_region}
    assert result.details["overall"]["value"] == pytest.approx(overall, rel=1e-9)
    segments = {s["segment"]: s["value"] for s in result.details["segments"]}
    assert segments == pytest.approx(per_region, rel=1e-9)


def test_roc_auc_on_few_distinct_scores_is_scikit_learns_exactly() -> None:
    frame = scored(decimals=2)
    (result,) = run(frame, [check("roc_auc", score="score", min=0.5)])
    used = measured(frame, ["score", "churned"])
    assert result.value == pytest.approx(sk.roc_auc_score(used.churned, used.score), rel=1e-12)
    assert result.details is not None
    assert result.details["roc_auc_method"] == "distinct scores"
    assert result.details["error_bound"] == 0.0
    assert result.message == f"roc_auc of score is {result.value:.6g}"


def test_roc_auc_on_many_distinct_scores_uses_bins_and_states_its_bound() -> None:
    frame = scored(n=EXACT_SCORES + 2000, decimals=None)  # every score distinct
    statements: list[str] = []
    (result,) = run(frame, [check("roc_auc", score="score", min=0.5)], statements)
    used = measured(frame, ["score", "churned"])
    exact = sk.roc_auc_score(used.churned, used.score)
    assert result.details is not None
    assert result.details["roc_auc_method"] == "histogram"
    assert result.details["bins"] == 10_000
    bound = result.details["error_bound"]
    assert 0 < bound < 1e-3
    assert result.value is not None and abs(result.value - exact) <= bound
    # one grouped statement besides the shared scan: no rows pulled
    assert len(statements) == 2
    assert sum("GROUP BY" in s for s in statements) == 1


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_roc_auc_with_one_class_is_an_error_and_a_one_class_segment_is_passed_over() -> None:
    frame = scored()
    frame.loc[frame.region == "us", "churned"] = 1.0
    one_class, overall_ok = run(
        frame,
        [
            check("roc_auc", score="score", where="region = 'us'", name="us"),
            check("roc_auc", score="score", segment="region", name="by region"),
        ],
    )
    assert (one_class.status, one_class.value) == ("error", None)
    assert one_class.message == (
        "roc_auc of score is undefined: the labels hold one class only (scikit-learn's NaN)"
    )
    assert overall_ok.status == "pass"
    assert overall_ok.details is not None
    segments = {s["segment"]: s["value"] for s in overall_ok.details["segments"]}
    assert segments["us"] is None and segments["eu"] is not None


def test_a_positive_class_other_than_one() -> None:
    frame = scored()
    frame["truth"] = np.where(frame.churned == 1, "stay", "churn")
    frame["guess"] = np.where(frame.predicted == 1, "stay", "churn")
    (result,) = run(
        frame,
        [check("precision", prediction="guess", label="truth", positive="churn")],
    )
    expected = sk.precision_score(frame.truth, frame.guess, pos_label="churn")
    assert result.value == pytest.approx(expected, rel=1e-9)


def test_an_empty_table_passes_with_no_value() -> None:
    (result,) = run(scored(), [check("f1", where="1 = 0", segment="region")])
    assert (result.status, result.value, result.message) == (
        "pass",
        None,
        "f1 of predicted: no rows to measure",
    )


def test_roc_auc_without_a_score_is_a_project_error_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text("warehouses:\n  main: {type: duckdb}\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "churn.yml").write_text(
        textwrap.dedent("""\
            assets:
              - name: churn
                table: churn
                checks:
                  - type: model
                    prediction: predicted
                    label: churned
                    metric: roc_auc
                    min: 0.7
                  - {type: model, prediction: p, label: l, metric: accuracy}
        """)
    )
    with pytest.raises(ProjectError) as info:
        load_project(tmp_path)
    assert [str(p) for p in info.value.problems] == [
        "metric roc_auc ranks scores: give score (the model's score column)"
        " in check 'model' in assets/churn.yml line 8",
        "give min, max or both in check 'model' in assets/churn.yml line 10",
    ]


def test_a_personal_data_segment_column_shows_segments_by_number() -> None:
    connection = duckdb.connect()
    connection.register("frame", scored())
    connection.execute("create table churn as select * from frame")
    engine = DuckDBEngine(connection=connection, owns_connection=True)
    checks = [check("accuracy", segment="region", min=0.99)]
    subject = Asset.model_validate(
        {"name": "churn", "table": "churn", "pii": ["Region"], "checks": checks}
    )
    (result,) = check_asset(AssetRun(engine=engine, asset=subject))
    engine.close()
    assert result.details is not None
    assert [s["segment"] for s in result.details["segments"]] == ["group 1", "group 2"]
    assert result.details["worst"] == {"segment": "group 2"}  # us, the second region
    assert "eu" not in result.message and "us" not in result.message
