"""Grouped metrics merged per group: ``fairness`` and ``model`` over appended batches.

The scored table of ``tests/conformance/test_fairness_model.py`` (NULLs, a
small group, segments), with a row id as the watermark column, appended in
three batches; after each, the incremental run must give what a full run
gives, details included.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from conformance.test_fairness_model import DATA, FAIRNESS, MODEL
from incremental.helpers import assert_same, rounded, run
from trustwell.config.models import Asset
from trustwell.store.database import Store

DDL = """
CREATE TABLE scored (
    row_id INTEGER, grp VARCHAR, region VARCHAR, approved INTEGER, repaid INTEGER,
    fine_score DOUBLE PRECISION, coarse_score DOUBLE PRECISION,
    amount DOUBLE PRECISION, predicted_amount DOUBLE PRECISION
)
"""
CHECKS: list[dict[str, Any]] = (
    [
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
    + [
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
    + [
        {
            "type": "model",
            "prediction": "predicted_amount",
            "label": "amount",
            "metric": "mae",
            "max": 50,
        },
        # binned on the data's own scores: computed in full, whatever the batches
        {
            "type": "model",
            "prediction": "approved",
            "label": "repaid",
            "metric": "roc_auc",
            "score": "coarse_score",
            "min": 0.5,
        },
    ]
)


def test_fairness_and_model_merge_per_group(warehouse, sqlite_store: Store) -> None:
    warehouse.write(DDL, [])
    rows = [
        (i, *(None if pd.isna(v) else v for v in r))
        for i, r in enumerate(DATA.itertuples(index=False))
    ]
    named = [{"name": f"c{i}", **c} for i, c in enumerate(CHECKS)]
    subject = Asset.model_validate(
        {
            "name": "scored",
            "checks": named,
            "incremental": {"column": "row_id", "partition_size": 500},
        }
    )
    marks = ", ".join([warehouse.placeholder] * 9)
    third = len(rows) // 3
    for number, batch in enumerate((rows[:third], rows[third : 2 * third], rows[2 * third :])):
        for row in batch:
            warehouse.write(f"INSERT INTO scored VALUES ({marks})", row)
        incremental = run(warehouse.engine, subject, sqlite_store)
        full = run(warehouse.engine, subject, None)
        assert_same(incremental, full)
        assert rounded([r.details for r in incremental.results]) == rounded(
            [r.details for r in full.results]
        )
        if number:
            grouped = [s for s in incremental.sql if '"grp" AS k0' in s]
            assert grouped and all('"row_id" >' in s for s in grouped), grouped
