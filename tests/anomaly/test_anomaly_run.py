"""``anomaly`` in real runs: a DuckDB warehouse, a SQLite store, the clock moved run by run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.checks.anomaly_band import MAD_SCALE
from trustwell.cli.app import create_app

SETTINGS = """\
name: shop
store: sqlite:///.trustwell/trustwell.db
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
"""
ASSETS = """\
assets:
  - name: shop.orders
    tier: 2
    checks:
      - {type: stat, column: amount, stat: mean, min: 0}
      - {type: anomaly, metric: row_count, min_history: 5}
      - {type: anomaly, metric: "stat:mean(amount)", min_history: 5, name: mean_moves}
"""


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(root)])
    return result.exit_code, result.stdout, result.stderr


def load(root: Path, rows: int) -> None:
    connection = duckdb.connect(str(root / "warehouse.duckdb"))
    try:
        connection.execute("CREATE SCHEMA IF NOT EXISTS shop")
        connection.execute(
            "CREATE OR REPLACE TABLE shop.orders AS"
            f" SELECT range AS id, 10.0 AS amount FROM range({int(rows)})"
        )
    finally:
        connection.close()


def run(root: Path, monkeypatch: pytest.MonkeyPatch, day: int, rows: int) -> dict[str, Any]:
    load(root, rows)
    monkeypatch.setenv("TRUSTWELL_NOW", f"2026-11-{day:02d}T09:00:00Z")
    _, stdout, stderr = cli(root, "run", "--format", "json")
    document: dict[str, Any] = json.loads(stdout)
    assert all(r["status"] != "error" for r in document["results"]), stderr
    return document


def result(document: dict[str, Any], check: str) -> dict[str, Any]:
    (found,) = [r for r in document["results"] if r["check"] == check]
    return found


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    (tmp_path / "assets").mkdir()
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets" / "shop.yml").write_text(ASSETS)
    return tmp_path


def test_the_check_learns_then_fires_and_leaves_the_incident_out_of_its_baseline(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = [100, 103, 98, 101, 102]
    for day, rows in enumerate(counts, start=1):
        found = result(run(project, monkeypatch, day, rows), "anomaly:row_count")
        assert (found["status"], found["value"]) == ("pass", rows)
        assert found["message"] == f"learning: {day - 1} of 5 runs"
        assert found["details"]["learning"] is True

    sixth = run(project, monkeypatch, 6, 100)
    found = result(sixth, "anomaly:row_count")
    assert found["status"] == "pass" and "inside the band" in found["message"]
    assert found["threshold"] == {
        "sensitivity": 3.0,
        "seasonality": "none",
        "direction": "both",
        "min_history": 5,
    }
    # the other check's value (a constant mean) is judged too
    mean = result(sixth, "mean_moves")
    assert (mean["status"], mean["value"], mean["details"]["expected"]) == ("pass", 10.0, 10.0)

    seventh = run(project, monkeypatch, 7, 30)
    found = result(seventh, "anomaly:row_count")
    assert found["status"] == "fail"
    # baseline 100, 103, 98, 101, 102, 100: median 100.5, deviations .5 2.5 2.5 .5 1.5 .5
    half_width = 3 * MAD_SCALE * 1.0
    details = found["details"]
    assert details["value"] == 30
    assert details["expected"] == 100.5
    assert (details["low"], details["high"]) == pytest.approx(
        (100.5 - half_width, 100.5 + half_width)
    )
    assert (details["baseline"], details["direction"]) == (6, "down")
    assert details["metric"] == "row_count"
    assert found["message"] == (
        "row_count 30 is below the band [96.0522, 104.948] (expected 100.5 from 6 past runs)"
    )
    assert seventh["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-2"}]
    code, stdout, stderr = cli(project, "incident", "show", "INC-1", "--format", "json")
    assert code == 0, stderr
    assert json.loads(stdout)["detection_source"] == "anomaly"

    # The incident is open: day 7's 30 rows stay out of the baseline of day 8.
    eighth = result(run(project, monkeypatch, 8, 101), "anomaly:row_count")
    assert eighth["status"] == "pass"
    assert (eighth["details"]["baseline"], eighth["details"]["expected"]) == (6, 100.5)


def test_an_anomaly_on_a_check_that_errors_is_an_error_naming_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "assets" / "shop.yml").write_text(
        ASSETS.replace("column: amount", "column: amount, where: 'amont > 0'")
    )
    load(project, 10)
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-01T09:00:00Z")
    _, stdout, _ = cli(project, "run", "--format", "json")
    document = json.loads(stdout)
    assert result(document, "stat:mean(amount)")["status"] == "error"
    found = result(document, "mean_moves")
    assert found["status"] == "error"
    assert found["message"].startswith("no value to judge: check 'stat:mean(amount)' ")
    assert result(document, "anomaly:row_count")["status"] == "pass"  # untouched
