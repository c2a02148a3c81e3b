"""Drift baselines end to end, on a SQLite and a PostgreSQL store: save, list, compare.

A DuckDB warehouse holds scores with a known shift. ``trustwell baseline
save`` stores the training rows' value counts; a drift check against the
baseline then gives exactly the value of the same check against the same
rows read again (``reference: {where: …}``), and both are Evidently's own
value on those rows. The baseline run reads no reference row.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from drift_oracle import evidently_value
from trustwell.cli.app import create_app

NOW = "2026-11-22T09:00:00Z"
TRAIN, LIVE = "day < DATE '2026-11-01'", "day >= DATE '2026-11-01'"


def _rows() -> list[tuple[Any, ...]]:
    rng = random.Random(11)
    rows: list[tuple[Any, ...]] = []
    for i in range(1200):  # training rows, then live rows (shifted, with a new kind)
        live = i >= 800
        score = round(rng.gauss(0.6 if live else 0.5, 0.1), 4)
        kinds = ["a", "b", "c", "new"] if live else ["a", "b", "c"]
        day = "2026-11-10" if live else "2026-10-10"
        rows.append((day, None if i % 50 == 0 else score, rng.choice(kinds)))
    return rows


ROWS = _rows()
CHECKS = """\
assets:
  - name: ml.features
    checks:
      - {type: drift, name: by-baseline, column: score, method: METHOD, where: "LIVE",
         reference: {baseline: train_scores}}
      - {type: drift, name: by-rows, column: score, method: METHOD, where: "LIVE",
         reference: {where: "TRAIN"}}
      - {type: drift, name: kinds, column: kind, where: "LIVE", reference: {baseline: train_kinds}}
      - {type: drift, name: missing, column: kind, reference: {baseline: nowhere}}
"""


@pytest.fixture
def project(tmp_path: Path, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA ml")
    connection.execute("CREATE TABLE ml.features (day DATE, score DOUBLE, kind VARCHAR)")
    connection.executemany("INSERT INTO ml.features VALUES (?, ?, ?)", ROWS)
    connection.close()
    settings = (
        f"warehouses:\n  main: {{type: duckdb, path: warehouse.duckdb}}\nstore: {store_url}\n"
    )
    (tmp_path / "trustwell.yml").write_text(settings)
    (tmp_path / "assets").mkdir()
    return tmp_path


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def _write_checks(project: Path, method: str) -> None:
    text = CHECKS.replace("METHOD", method).replace("LIVE", LIVE).replace("TRAIN", TRAIN)
    (project / "assets" / "ml.yml").write_text(text)


def _save(project: Path, name: str, column: str) -> dict[str, Any]:
    code, stdout, stderr = cli(
        project, "baseline", "save", name, "--asset", "ml.features", "--column", column,
        "--where", TRAIN, "--format", "json",
    )  # fmt: skip
    assert (code, stderr) == (0, "")
    saved: dict[str, Any] = json.loads(stdout)
    return saved


@pytest.mark.parametrize("method", ["psi", "jensen_shannon", "ks", "wasserstein", "chi_square"])
def test_a_baseline_gives_the_value_of_the_rows_it_was_saved_from(
    project: Path, method: str
) -> None:
    _write_checks(project, method)
    assert cli(project, "baseline", "list")[1].startswith("No baselines yet")
    saved = _save(project, "train_scores", "score")
    assert {k: saved[k] for k in ("name", "version", "asset", "column", "kind", "rows")} == {
        "name": "train_scores", "version": 1, "asset": "ml.features", "column": "score",
        "kind": "numeric", "rows": 800 - 16,
    }  # fmt: skip
    assert saved["saved_at"] == NOW and saved["where"] == TRAIN
    _save(project, "train_kinds", "kind")

    code, stdout, _ = cli(project, "run", "--format", "json")
    assert code == 1
    results = {r["check"]: r for r in json.loads(stdout)["results"]}
    by_baseline, by_rows = results["by-baseline"], results["by-rows"]
    train = [r[1] for r in ROWS[:800] if r[1] is not None]
    live = [r[1] for r in ROWS[800:] if r[1] is not None]
    expected = evidently_value(method, train, live, numeric=True)
    assert by_baseline["value"] == pytest.approx(expected, rel=1e-9)
    assert by_baseline["value"] == pytest.approx(by_rows["value"], rel=1e-12)
    assert by_baseline["status"] == by_rows["status"]
    assert by_baseline["details"]["reference"] == "baseline train_scores v1 (ml.features.score)"
    assert by_baseline["details"]["reference_rows"] == by_rows["details"]["reference_rows"]
    kinds = results["kinds"]
    assert kinds["details"]["method"] == "chi_square"  # 784 reference rows: 1,000 or fewer
    assert (kinds["status"], kinds["value"]) == ("fail", 0.0)  # "new" is not in the baseline
    assert results["missing"]["status"] == "error"
    assert results["missing"]["message"].startswith("baseline 'nowhere' not found")


def test_saving_again_adds_a_version_and_list_shows_the_latest(project: Path) -> None:
    _write_checks(project, "psi")
    assert _save(project, "train_scores", "score")["version"] == 1
    assert _save(project, "train_scores", "score")["version"] == 2
    _save(project, "train_kinds", "kind")
    code, stdout, _ = cli(project, "baseline", "list", "--format", "json")
    assert code == 0
    listed = [(b["name"], b["version"], b["kind"]) for b in json.loads(stdout)]
    assert listed == [("train_kinds", 1, "categorical"), ("train_scores", 2, "numeric")]
    text = cli(project, "baseline", "list")[1].splitlines()
    assert text[1].startswith("train_scores v2 (of 2)  ml.features.score where day <")


def test_the_baseline_run_reads_no_reference_rows(project: Path) -> None:
    _write_checks(project, "psi")
    _save(project, "train_scores", "score")
    _save(project, "train_kinds", "kind")
    (project / "assets" / "ml.yml").write_text(
        CHECKS.split("      - {type: drift, name: by-rows")[0].replace("METHOD", "psi")
        .replace("LIVE", LIVE)
    )  # fmt: skip
    code, stdout, _ = cli(project, "run", "--show-sql")
    assert code == 1  # the baseline is shifted from the live rows
    assert "'current' AS _side" in stdout and "'reference'" not in stdout


AT, COL = ["--asset", "ml.features"], "--column"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--asset", "ml.feature", COL, "score"],
            "unknown asset 'ml.feature': did you mean 'ml.features'?",
        ),
        ([*AT, COL, "scor"], "column 'scor' not found in ml.features: did you mean 'score'?"),
        ([*AT, COL, "day"], "drift compares numbers or categories; day is a date"),
        (
            [*AT, COL, "score", "--where", "1=1; drop table x"],
            "where must be one SQL statement, got 2",
        ),
    ],
)
def test_bad_saves_are_refused_with_exit_2_and_store_nothing(
    project: Path, args: list[str], message: str
) -> None:
    _write_checks(project, "psi")
    code, stdout, stderr = cli(project, "baseline", "save", "b", *args)
    assert (code, stdout) == (2, "")
    assert stderr.strip() == f"error: {message}"
    assert json.loads(cli(project, "baseline", "list", "--format", "json")[1]) == []
