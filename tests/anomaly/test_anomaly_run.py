"""``anomaly`` in real runs: a DuckDB warehouse, a SQLite store, the clock moved run by run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anomaly.conftest import ASSETS, cli, load, result, run
from trustwell.checks.anomaly_band import MAD_SCALE


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


def test_a_tagged_anomaly_check_runs_the_check_it_judges(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "assets" / "shop.yml").write_text(
        ASSETS.replace("name: mean_moves}", "name: mean_moves, tags: [kpi]}")
    )
    load(project, 10)
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-01T09:00:00Z")
    _, stdout, stderr = cli(project, "run", "--tag", "kpi", "--format", "json")
    document = json.loads(stdout)
    assert [r["check"] for r in document["results"]] == ["stat:mean(amount)", "mean_moves"], stderr
    assert result(document, "mean_moves")["message"] == "learning: 0 of 5 runs"
