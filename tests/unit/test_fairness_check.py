"""``fairness`` checks run on DuckDB equal Fairlearn on the same rows.

Generated rows (fixed seeds) with known gaps between groups, a group under
``min_group_size`` and NULLs in every column the check reads; Fairlearn gets
the rows the check measures (no NULL, groups large enough).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as fairlearn

from trustwell.checks.result import CheckResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project
from trustwell.config.models import Asset
from trustwell.engines.duckdb import DuckDBEngine

METRICS = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
]


def scored(seed: int = 11, n: int = 3000) -> pd.DataFrame:
    """Loan decisions: group a is approved more often than b and c; d has 12 rows."""
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2]).astype(object)
    group[:12] = "d"
    repaid = (rng.random(n) < 0.55).astype(int)
    approve = {"a": (0.85, 0.35), "b": (0.65, 0.15), "c": (0.75, 0.25), "d": (1.0, 1.0)}
    chance = np.array([approve[g][0 if y else 1] for g, y in zip(group, repaid, strict=True)])
    approved = (rng.random(n) < chance).astype(float)
    frame = pd.DataFrame({"segment": group, "approved": approved, "repaid": repaid.astype(float)})
    frame.loc[20:29, "approved"] = None
    frame.loc[30:34, "repaid"] = None
    frame.loc[35:39, "segment"] = None
    return frame


def run(frame: pd.DataFrame, checks: list[dict[str, Any]], **asset: Any) -> list[CheckResult]:
    connection = duckdb.connect()
    connection.register("frame", frame)
    connection.execute("create table loans as select * from frame")
    engine = DuckDBEngine(connection=connection, owns_connection=True)
    try:
        subject = Asset.model_validate(
            {"name": "loans", "table": "loans", "checks": checks, **asset}
        )
        return check_asset(AssetRun(engine=engine, asset=subject))
    finally:
        engine.close()


def oracle(metric: str, frame: pd.DataFrame, min_rows: int = 30) -> float:
    used = frame.dropna(subset=["approved", "repaid", "segment"])
    sizes = used["segment"].value_counts()
    used = used[used["segment"].isin(sizes[sizes >= min_rows].index)]
    function = getattr(fairlearn, metric)
    return float(function(used["repaid"], used["approved"], sensitive_features=used["segment"]))


def check(metric: str, **more: Any) -> dict[str, Any]:
    bound = {"max": 0.9} if "difference" in metric else {"min": 0.1}
    return {
        "type": "fairness",
        "prediction": "approved",
        "sensitive": "segment",
        "label": "repaid",
        "metric": metric,
        **bound,
        **more,
    }


@pytest.mark.parametrize("metric", METRICS)
def test_each_metric_equals_fairlearn_on_the_measured_rows(metric: str) -> None:
    frame = scored()
    (result,) = run(frame, [check(metric)])
    assert result.value == pytest.approx(oracle(metric, frame), rel=1e-9)
    # group d (12 rows) is left out: the check warns and says so
    assert result.status == "warn"
    assert result.message.endswith("; 1 group under 30 rows left out: d (12 rows)")
    assert result.details is not None
    groups = {g["group"]: g for g in result.details["groups"]}
    assert sorted(groups) == ["a", "b", "c", "d"]
    assert [g for g, v in groups.items() if not v["measured"]] == ["d"]
    # 10 NULL predictions, 5 NULL labels, 5 NULL groups (disjoint rows)
    assert result.details["rows_with_nulls"] == 20


def test_per_group_rates_and_counts_are_those_of_fairlearns_metric_frame() -> None:
    frame = scored()
    (result,) = run(frame, [check("equalized_odds_difference")])
    used = frame.dropna(subset=["approved", "repaid", "segment"])
    frame_by_group = fairlearn.MetricFrame(
        metrics={
            "selection_rate": fairlearn.selection_rate,
            "true_positive_rate": fairlearn.true_positive_rate,
            "false_positive_rate": fairlearn.false_positive_rate,
            "count": fairlearn.count,
        },
        y_true=used["repaid"],
        y_pred=used["approved"],
        sensitive_features=used["segment"],
    ).by_group
    assert result.details is not None
    for group in result.details["groups"]:
        expected = frame_by_group.loc[group["group"]]
        assert group["rows"] == expected["count"]
        for rate in ("selection_rate", "true_positive_rate", "false_positive_rate"):
            assert group[rate] == pytest.approx(expected[rate], rel=1e-9)
        confusion = [group[k] for k in ("true_positives", "false_positives")]
        confusion += [group[k] for k in ("false_negatives", "true_negatives")]
        assert sum(confusion) == group["rows"]
    parts = result.details["parts"]
    assert result.value == max(parts["true_positive_rate"], parts["false_positive_rate"])


def test_a_gap_beyond_the_bound_fails_and_a_warn_level_warns() -> None:
    frame = scored()
    gap = oracle("demographic_parity_difference", frame)
    assert 0.1 < gap < 0.5
    fails, warns, passes = run(
        frame,
        [
            check("demographic_parity_difference", max=gap - 0.01, name="tight"),
            check("demographic_parity_difference", max=0.9, warn={"max": gap - 0.01}, name="w"),
            check("demographic_parity_difference", max=0.9, min_group_size=5, name="all"),
        ],
    )
    assert fails.status == "fail"
    assert fails.message.startswith("demographic_parity_difference of approved by segment is")
    assert warns.status == "warn"
    # min_group_size 5 measures d too (always approved): a larger gap, no group left out
    assert passes.status == "pass"
    assert passes.value == pytest.approx(
        oracle("demographic_parity_difference", frame, 5), rel=1e-9
    )
    assert passes.value > gap


def test_demographic_parity_reads_no_label_and_a_string_favorable_value() -> None:
    frame = scored()
    frame["decision"] = np.where(frame["approved"] == 1, "yes", "no")
    frame.loc[frame["approved"].isna(), "decision"] = None
    (result,) = run(
        frame,
        [
            {
                "type": "fairness",
                "prediction": "decision",
                "sensitive": "segment",
                "favorable": "yes",
                "metric": "demographic_parity_ratio",
                "min": 0.5,
            }
        ],
    )
    used = frame.dropna(subset=["decision", "segment"])
    used = used[used["segment"] != "d"]
    expected = fairlearn.demographic_parity_ratio(
        used["repaid"], (used["decision"] == "yes").astype(int), sensitive_features=used["segment"]
    )
    assert result.value == pytest.approx(expected, rel=1e-9)
    assert result.details is not None and "true_positives" not in result.details["groups"][0]


def test_an_empty_table_passes_and_only_small_groups_warn_with_no_value() -> None:
    frame = scored()
    empty, small = run(
        frame,
        [
            check("demographic_parity_difference", where="1 = 0", name="none"),
            check("demographic_parity_difference", where="segment = 'd'", name="d"),
        ],
    )
    assert (empty.status, empty.value, empty.message) == (
        "pass",
        None,
        "demographic_parity_difference of approved by segment: no rows to measure",
    )
    assert (small.status, small.value) == ("warn", None)
    assert small.message.endswith("no group has 30 rows or more (d (12 rows))")


def test_an_undefined_ratio_is_an_error_that_says_why() -> None:
    frame = scored()
    frame["approved"] = 0.0
    (result,) = run(frame, [check("demographic_parity_ratio")])
    assert (result.status, result.value) == ("error", None)
    assert result.message.endswith("is undefined: no group has a favorable prediction (0/0)")


def test_a_personal_data_sensitive_column_shows_groups_by_number() -> None:
    (result,) = run(scored(), [check("demographic_parity_difference")], pii=["segment"])
    assert result.details is not None
    assert [g["group"] for g in result.details["groups"]] == [f"group {i}" for i in range(1, 5)]
    assert "d (12" not in result.message


def test_the_counts_come_from_one_grouped_statement() -> None:
    statements: list[str] = []
    connection = duckdb.connect()
    connection.register("frame", scored())
    connection.execute("create table loans as select * from frame")
    engine = DuckDBEngine(connection=connection, owns_connection=True)
    checks = [check(m) for m in METRICS]
    subject = Asset.model_validate({"name": "loans", "table": "loans", "checks": checks})
    check_asset(AssetRun(engine=engine, asset=subject, on_sql=lambda s: statements.append(s.sql)))
    engine.close()
    grouped = [s for s in statements if "GROUP BY" in s]
    assert len(grouped) == 1 and len(statements) == 2
    assert grouped[0].count('GROUP BY "segment"') == 1


def test_equalized_odds_without_a_label_is_a_project_error_with_file_and_line(
    tmp_path: Path,
) -> None:
    (tmp_path / "trustwell.yml").write_text("warehouses:\n  main: {type: duckdb}\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "loans.yml").write_text(
        textwrap.dedent("""\
            assets:
              - name: loans
                table: loans
                checks:
                  - type: fairness
                    prediction: approved
                    sensitive: segment
                    metric: equalized_odds_ratio
                    min: 0.8
                  - {type: fairness, prediction: approved, sensitive: segment,
                     metric: demographic_parity_diference, max: 0.1}
        """)
    )
    with pytest.raises(ProjectError) as info:
        load_project(tmp_path)
    problems = [str(p) for p in info.value.problems]
    assert problems[0] == (
        "metric equalized_odds_ratio compares error rates: give label (the true outcome column)"
        " in check 'fairness' in assets/loans.yml line 8"
    )
    # a misspelt metric next to it: every valid name, on the line of the value
    assert problems[1] == (
        "metric must be one of 'demographic_parity_difference', 'demographic_parity_ratio',"
        " 'equalized_odds_difference' or 'equalized_odds_ratio', got"
        " 'demographic_parity_diference' in assets/loans.yml line 11"
    )
