"""``fairness`` and ``model`` on every engine: the same numbers as Fairlearn and scikit-learn.

A generated scored table (fixed seed, NULLs in every column the checks read,
a group under ``min_group_size``, more distinct scores than ``roc_auc``
groups exactly) is loaded into each engine; every result must equal the
oracle on the rows the check measures, and the details must be the same on
every engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as fairlearn
from sklearn import metrics as sk

from trustwell.checks.model_stats import ScoreCount, roc_auc
from trustwell.checks.result import CheckResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.checks.types.model import EXACT_SCORES, SCORE_BINS
from trustwell.config.models import Asset
from trustwell.engines.base import Engine

DDL = """
CREATE TABLE scored (
    grp VARCHAR, region VARCHAR, approved INTEGER, repaid INTEGER,
    fine_score DOUBLE PRECISION, coarse_score DOUBLE PRECISION,
    amount DOUBLE PRECISION, predicted_amount DOUBLE PRECISION
)
"""
N = EXACT_SCORES + 1500


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(2026)
    grp = rng.choice(["a", "b", "c"], size=N, p=[0.5, 0.3, 0.2]).astype(object)
    grp[:20] = "small"
    region = rng.choice(["eu", "us"], size=N)
    repaid = rng.integers(0, 2, N)
    hit = {"a": (0.8, 0.3), "b": (0.6, 0.2), "c": (0.7, 0.1), "small": (0.5, 0.5)}
    chance = np.array([hit[g][0 if y else 1] for g, y in zip(grp, repaid, strict=True)])
    approved = (rng.random(N) < chance).astype(int)
    fine = rng.normal(0.4 * repaid, 1.0)  # every value distinct
    amount = rng.normal(100, 20, N)
    table = pd.DataFrame(
        {
            "grp": grp,
            "region": region,
            "approved": approved,
            "repaid": repaid,
            "fine_score": fine,
            "coarse_score": np.round(1 / (1 + np.exp(-fine)), 2),
            "amount": amount,
            "predicted_amount": amount + rng.normal(3, 8, N),
        }
    ).astype(object)
    for column, rows in [("approved", 30), ("repaid", 40), ("grp", 50), ("fine_score", 60)]:
        table.loc[rows : rows + 4, column] = None
    table.loc[70:74, "coarse_score"] = None
    table.loc[80:84, "predicted_amount"] = None
    return table


DATA = frame()


@pytest.fixture(scope="module")
def scored(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The conformance engine with the scored table added (same rows on every engine)."""
    rows = [tuple(None if pd.isna(v) else v for v in r) for r in DATA.itertuples(index=False)]
    if engine.dialect == "duckdb":
        connection: Any = engine.connection  # type: ignore[attr-defined]
        connection.execute(DDL)
        connection.executemany(f"INSERT INTO scored VALUES ({', '.join('?' * 8)})", rows)
    elif engine.dialect == "spark":
        from spark_local import parquet_view

        folder = request.getfixturevalue("tmp_path_factory").mktemp("scored")
        parquet_view(engine.session, DDL, rows, folder)  # type: ignore[attr-defined]
    else:
        import psycopg

        with psycopg.connect(engine.url, autocommit=True) as connection:  # type: ignore[attr-defined]
            connection.execute(DDL)
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO scored VALUES ({', '.join(['%s'] * 8)})", rows)
    yield engine


def run(engine: Engine, checks: list[dict[str, Any]]) -> list[CheckResult]:
    subject = Asset.model_validate({"name": "scored", "table": "scored", "checks": checks})
    return check_asset(AssetRun(engine=engine, asset=subject))


def without_nulls(*columns: str) -> pd.DataFrame:
    return DATA.dropna(subset=list(columns))


FAIRNESS = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


def test_fairness_metrics_equal_fairlearn_on_every_engine(scored: Engine) -> None:
    checks = [
        {
            "type": "fairness",
            "prediction": "approved",
            "sensitive": "grp",
            "label": "repaid",
            "metric": m,
            **({"max": 1} if "difference" in m else {"min": 0}),
        }
        for m in FAIRNESS
    ]
    results = run(scored, checks)
    used = without_nulls("approved", "repaid", "grp")
    used = used[used.grp != "small"]
    for metric, result in zip(FAIRNESS, results, strict=True):
        expected = getattr(fairlearn, metric)(
            used.repaid.astype(int), used.approved.astype(int), sensitive_features=used.grp
        )
        assert result.value == pytest.approx(expected, rel=1e-9), metric
        assert result.status == "warn"  # the small group is left out
        assert result.details is not None
        groups = result.details["groups"]
        assert [(g["group"], g["measured"]) for g in groups] == [
            ("a", True),
            ("b", True),
            ("c", True),
            ("small", False),
        ]
        assert result.details["rows_with_nulls"] == 15


MODEL = {
    "accuracy": sk.accuracy_score,
    "precision": sk.precision_score,
    "recall": sk.recall_score,
    "f1": sk.f1_score,
}


def test_classification_metrics_per_region_equal_scikit_learn(scored: Engine) -> None:
    checks = [
        {
            "type": "model",
            "prediction": "approved",
            "label": "repaid",
            "segment": "region",
            "metric": m,
            "min": 0,
        }
        for m in MODEL
    ]
    used = without_nulls("approved", "repaid")
    y, p = used.repaid.astype(int), used.approved.astype(int)
    for (metric, oracle), result in zip(MODEL.items(), run(scored, checks), strict=True):
        assert result.details is not None
        assert result.details["overall"]["value"] == pytest.approx(oracle(y, p), rel=1e-9)
        for segment in result.details["segments"]:
            at = used.region == segment["segment"]
            assert segment["value"] == pytest.approx(oracle(y[at], p[at]), rel=1e-9), metric
        assert result.value == min(s["value"] for s in result.details["segments"])


def test_regression_errors_equal_scikit_learn(scored: Engine) -> None:
    checks = [
        {
            "type": "model",
            "prediction": "predicted_amount",
            "label": "amount",
            "metric": m,
            "max": 50,
        }
        for m in ("mae", "rmse")
    ]
    mae, rmse = run(scored, checks)
    used = without_nulls("predicted_amount", "amount")
    y, p = used.amount.astype(float), used.predicted_amount.astype(float)
    assert mae.value == pytest.approx(sk.mean_absolute_error(y, p), rel=1e-9)
    assert rmse.value == pytest.approx(sk.root_mean_squared_error(y, p), rel=1e-9)


def test_roc_auc_exact_on_distinct_scores_and_binned_beyond_them(scored: Engine) -> None:
    base = {"type": "model", "prediction": "approved", "label": "repaid", "metric": "roc_auc"}
    coarse, fine = run(
        scored,
        [
            {**base, "score": "coarse_score", "min": 0.5},
            {**base, "score": "fine_score", "min": 0.5},
        ],
    )
    used = without_nulls("coarse_score", "repaid")
    assert coarse.value == pytest.approx(
        sk.roc_auc_score(used.repaid.astype(int), used.coarse_score.astype(float)), rel=1e-12
    )
    assert coarse.details is not None and coarse.details["error_bound"] == 0.0
    used = without_nulls("fine_score", "repaid")
    score, label = used.fine_score.astype(float).to_numpy(), used.repaid.astype(int).to_numpy()
    assert len(np.unique(score)) > EXACT_SCORES
    # the bins the database makes, made again here: the same value to the last bit
    low, high = score.min(), score.max()
    bins = np.minimum(np.floor((score - low) * SCORE_BINS / (high - low)), SCORE_BINS - 1)
    counts = [
        ScoreCount(b, int((label[bins == b] == 1).sum()), int((label[bins == b] == 0).sum()))
        for b in np.unique(bins)
    ]
    expected = roc_auc(counts, binned=True)
    assert fine.value == pytest.approx(expected.value, rel=1e-12)
    assert fine.details is not None
    assert fine.details["error_bound"] == pytest.approx(expected.error_bound, rel=1e-12)
    assert abs(fine.value - sk.roc_auc_score(label, score)) <= fine.details["error_bound"]
