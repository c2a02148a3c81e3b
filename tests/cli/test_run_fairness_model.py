"""``trustwell run`` with ``fairness`` and ``model`` checks: JSON results, stored details."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from fairlearn.metrics import demographic_parity_difference
from sklearn.metrics import f1_score
from typer.testing import CliRunner

from trustwell.cli.app import create_app

ASSETS = """\
assets:
  - name: credit.loans
    checks:
      - type: fairness
        prediction: approved
        sensitive: band
        metric: demographic_parity_difference
        max: 0.2
        min_group_size: 3
      - type: model
        prediction: approved
        label: repaid
        segment: band
        metric: f1
        min: 0.6
"""
# band, approved, repaid: band "old" is approved far less often
ROWS = [
    ("young", 1, 1), ("young", 1, 1), ("young", 1, 0), ("young", 0, 0), ("young", 1, 1),
    ("old", 0, 1), ("old", 0, 0), ("old", 1, 1), ("old", 0, 0), ("old", 0, 1),
    ("mid", 1, 1), ("mid", 0, 0), ("mid", 1, 0), (None, 1, 1),
]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA credit")
    connection.execute("CREATE TABLE credit.loans (band VARCHAR, approved INT, repaid INT)")
    connection.executemany("INSERT INTO credit.loans VALUES (?, ?, ?)", ROWS)
    connection.close()
    (tmp_path / "trustwell.yml").write_text(
        "name: credit\nwarehouses:\n  main: {type: duckdb, path: warehouse.duckdb}\n"
    )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "credit.yml").write_text(ASSETS)
    return tmp_path


def test_fairness_and_model_results_are_printed_and_stored_with_their_details(
    project: Path,
) -> None:
    app = create_app()
    result = CliRunner().invoke(app, ["run", "--project", str(project), "--format", "json"])
    document = json.loads(result.stdout)
    fairness, model = document["results"]
    known = [r for r in ROWS if r[0] is not None]
    gap = demographic_parity_difference(
        [r[2] for r in known], [r[1] for r in known], sensitive_features=[r[0] for r in known]
    )
    assert (fairness["status"], fairness["value"]) == ("fail", pytest.approx(gap, rel=1e-9))
    assert fairness["threshold"] == {"max": 0.2, "min_group_size": 3}
    groups = {g["group"]: g["selection_rate"] for g in fairness["details"]["groups"]}
    assert groups == {"mid": pytest.approx(2 / 3), "old": 0.2, "young": 0.8}
    worst = min(
        f1_score([r[2] for r in ROWS if r[0] == band], [r[1] for r in ROWS if r[0] == band])
        for band in ("young", "old", "mid", None)
    )
    assert (model["status"], model["value"]) == ("fail", pytest.approx(worst, rel=1e-9))
    assert len(model["details"]["segments"]) == 4  # NULL is a segment of its own
    assert result.exit_code == 1

    history = CliRunner().invoke(
        app,
        ["history", "credit.loans", "--project", str(project), "--format", "json"],
    )
    stored = {e["check"]: e for e in json.loads(history.stdout)}
    assert stored[fairness["check"]]["details"] == fairness["details"]
    assert stored[model["check"]]["details"] == model["details"]
