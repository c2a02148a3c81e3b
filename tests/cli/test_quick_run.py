"""The quick run path (trustwell.quickrun): the full path is its oracle.

A run from a kept plan must print and record exactly what the full path
would for the same data, import none of the heavy libraries, and hand every
run it cannot do the same way back to the full path before recording
anything, with the rows it fetched.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

import trustwell
from trustwell.cli.app import create_app
from trustwell.quickrun import handover
from trustwell.quickrun.plan import FOLDER, plan_file
from trustwell.quickrun.run import parse, quick_run

NOW = "2026-11-22T09:00:00Z"

SETTINGS = """\
name: shop
warehouses:
  main: {type: duckdb, path: warehouse.duckdb, timezone: Europe/Berlin}
"""

# Every type with a judge spec (schema, sql and references too), warn levels and a filter
# among them; all pass.
ASSETS = """\
assets:
  - name: shop.orders
    checks:
      - type: row_count
        min: 1
        warn: {min: 2}
      - type: not_null
        column: email
        max_failing: 1
      - type: unique
        column: id
      - type: accepted_values
        column: status
        values: [paid, open]
        where: "amount > 0"
      - type: range
        column: amount
        min: 0
        max: 100
        max_failing_fraction: 0.5
      - type: length
        column: country
        min: 2
        max: 2
      - type: regex
        column: email
        pattern: '^[^@]+@[^@]+$'
      - type: freshness
        column: updated_at
        max_age: 2d
        warn: {max_age: 1d}
      - type: stat
        column: email
        stat: null_fraction
        max: 0.5
      - type: stat
        column: amount
        stat: mean
        min: 1
      - type: stat
        column: id
        stat: distinct_count
        min: 2
      - type: schema
        columns: {id: integer, email: string, updated_at: timestamp}
      - type: sql
        query: "select count(*) from shop.orders where amount > 0"
        min: 1
        warn: {min: 2}
      - type: sql
        name: no_refunds
        failing_rows: "select * from shop.orders where amount < 0"
      - type: references
        column: country
        to: shop.countries.code
  - name: shop.countries
    checks:
      - type: unique
        column: code
"""

ROWS = """
INSERT INTO shop.orders VALUES
  (1, 'a@x.io', 'paid', 10.5, 'DE', TIMESTAMP '2026-11-22 05:00:00'),
  (2, NULL,     'open', 0,    'US', TIMESTAMP '2026-11-21 08:00:00'),
  (3, 'c@x.io', 'paid', 99,   'FR', TIMESTAMP '2026-11-20 23:00:00')
"""

COUNTRIES = ["DE", "FR", "NL", "US"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    with duckdb.connect(str(folder / "warehouse.duckdb")) as connection:
        connection.execute("CREATE SCHEMA shop")
        connection.execute(
            "CREATE TABLE shop.orders (id INT, email VARCHAR, status VARCHAR,"
            " amount DOUBLE, country VARCHAR, updated_at TIMESTAMP)"
        )
        connection.execute(ROWS)
        connection.execute("CREATE TABLE shop.countries AS SELECT unnest(?) AS code", [COUNTRIES])
    (folder / "trustwell.yml").write_text(SETTINGS)
    (folder / "assets").mkdir()
    (folder / "assets" / "shop.yml").write_text(ASSETS)
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    monkeypatch.delenv("TRUSTWELL_QUICK_RUN", raising=False)
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    handover.take()  # nothing left from another test
    return folder


# Runs main() like the `trustwell` script; at exit writes sorted(sys.modules) to argv[1].
PROBE = """\
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "trustwell"
from trustwell.cli.app import main
main()
"""

HEAVY = ("pydantic", "sqlglot", "sqlalchemy", "typer", "click", "yaml", "alembic", "rich")


def cli(tmp_path: Path, *args: str, quick: bool = True) -> tuple[int, str, set[str]]:
    """Exit code, stdout and imported modules of a fresh ``trustwell ARGS`` process."""
    out = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(trustwell.__file__).resolve().parents[1]),
        "TRUSTWELL_QUICK_RUN": "1" if quick else "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert out.exists(), done.stderr
    return done.returncode, done.stdout, set(json.loads(out.read_text()))


def heavy(modules: set[str]) -> list[str]:
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def stored(project: Path, table: str, run_id: str) -> list[tuple[Any, ...]]:
    """The rows of ``runs`` or ``results`` of one run, without ids that differ by design."""
    with sqlite3.connect(project / ".trustwell" / "trustwell.db") as conn:
        conn.row_factory = sqlite3.Row
        if table == "runs":
            rows = conn.execute("SELECT * FROM runs WHERE id = ?", [run_id]).fetchall()
            drop = {"id"}
        else:
            query = "SELECT * FROM results WHERE run_id = ? ORDER BY position"
            rows = conn.execute(query, [run_id]).fetchall()
            drop = {"id", "run_id"}
        return [tuple((k, r[k]) for k in r.keys() if k not in drop) for r in rows]  # noqa: SIM118 (a Row iterates values)


def definitions(project: Path) -> list[tuple[Any, ...]]:
    """Each check's stored definition, as text: what the last run wrote."""
    with sqlite3.connect(project / ".trustwell" / "trustwell.db") as conn:
        query = "SELECT asset, name, definition, definition_hash FROM checks ORDER BY id"
        return [tuple(row) for row in conn.execute(query)]


def same_document(quick: dict[str, Any], full: dict[str, Any]) -> None:
    assert quick["run_id"] != full["run_id"]
    assert {**quick, "run_id": None} == {**full, "run_id": None}


def test_a_kept_plan_prints_and_records_what_the_full_path_does(
    tmp_path: Path, project: Path
) -> None:
    args = ("run", "--project", str(project), "--format", "json")
    code, _, modules = cli(tmp_path, *args)
    assert code == 0 and "pydantic" in modules  # no plan yet: the full path, which keeps one
    assert list((project / FOLDER).glob("*.json")) == [plan_file(project, [], [])]

    code, full, _ = cli(tmp_path, *args, quick=False)
    written = definitions(project)
    code_quick, quick, modules = cli(tmp_path, *args)

    assert (code, code_quick) == (0, 0)
    assert heavy(modules) == [] and "duckdb" in modules
    assert definitions(project) == written
    full_doc, quick_doc = json.loads(full), json.loads(quick)
    assert [r["status"] for r in quick_doc["results"]] == ["pass"] * 16
    same_document(quick_doc, full_doc)
    assert quick_doc["results"][7]["details"] == {"latest": "2026-11-22T04:00:00Z"}  # Berlin
    for table in ("runs", "results"):
        assert stored(project, table, quick_doc["run_id"]) == stored(
            project, table, full_doc["run_id"]
        )
    assert len(stored(project, "results", quick_doc["run_id"])) == 16
    assert quick_doc["results"][11]["queries"] == 1  # the describe, the schema check's one
    own = {r["check"]: (r["value"], r["queries"]) for r in quick_doc["results"][12:15]}
    assert own == {"sql": (2.0, 1), "no_refunds": (0.0, 1), "references:country": (0.0, 1)}

    # The text report too, with the values' units.
    text_args = ("run", "-p", str(project))
    code, full_text, _ = cli(tmp_path, *text_args, quick=False)
    code_quick, quick_text, modules = cli(tmp_path, *text_args)
    assert (code, code_quick) == (0, 0) and quick_text == full_text
    assert heavy(modules) == ["rich"]  # the text report's only library
    assert quick_text.count("pass") >= 16


def test_the_plan_follows_the_selection_and_the_actor(tmp_path: Path, project: Path) -> None:
    args = ("run", "-p", str(project), "-f", "json", "--tag", "none")
    code, _, _ = cli(tmp_path, *args)
    assert code == 2  # no check has that tag: the full path's error, no plan kept
    assert not (project / FOLDER).exists()

    args = ("run", "-p", str(project), "-f", "json", "--asset", "shop.orders", "--as", "ana")
    assert cli(tmp_path, *args)[0] == 0
    code, stdout, modules = cli(tmp_path, *args)
    assert code == 0 and heavy(modules) == []
    run_id = json.loads(stdout)["run_id"]
    assert dict(stored(project, "runs", run_id)[0])["actor"] == "ana"


def full_run(project: Path) -> dict[str, Any]:
    """``trustwell run`` in-process through Typer (the full path, as main() falls back to it)."""
    result = CliRunner().invoke(create_app(), ["run", "-p", str(project), "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def run_count(project: Path) -> int:
    with sqlite3.connect(project / ".trustwell" / "trustwell.db") as conn:
        return int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


def test_a_check_that_does_not_pass_goes_to_the_full_path_with_the_fetched_rows(
    project: Path,
) -> None:
    full_run(project)  # keeps the plan
    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        connection.execute("INSERT INTO shop.orders VALUES (1, NULL, 'lost', -5, 'D', NULL)")
    runs = run_count(project)

    assert quick_run(["-p", str(project), "-f", "json"]) is None
    assert run_count(project) == runs  # nothing recorded by the quick path
    fetched = handover.take()
    assert len(fetched) == 5  # the orders' statement and three own queries, the countries' one
    for sql, rows in fetched.items():
        handover.leave(sql, rows)

    # The full path answers from those rows: repairing the table now changes nothing.
    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        connection.execute("DELETE FROM shop.orders WHERE status = 'lost'")
    report = full_run(project)
    statuses = {r["check"]: r["status"] for r in report["results"]}
    assert statuses["unique:id"] == "fail" and statuses["not_null:email"] == "fail"
    # Own queries too: the table has no refund and no unknown country any more.
    assert statuses["no_refunds"] == "fail" and statuses["references:country"] == "fail"
    assert report["incidents"] and report["incidents"][0]["action"] == "opened"
    assert handover.take() == {}

    # An open incident on a check that runs: the full path calms it, not the quick one.
    assert quick_run(["-p", str(project), "-f", "json"]) is None
    assert handover.take() == {}  # decided before any statement ran
    assert full_run(project)["incidents"][0]["action"] == "monitoring"


def test_an_edited_project_or_moved_keys_plan_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["-p", str(project), "-f", "json"]
    full_run(project)
    capsys.readouterr()
    assert quick_run(args) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "pass"

    assets = project / "assets" / "shop.yml"
    assets.write_text(ASSETS.replace("min: 1\n", "min: 2\n", 1))  # row_count's bound
    assert quick_run(args) is None and handover.take() == {}
    full_run(project)
    capsys.readouterr()
    assert quick_run(args) == 0  # planned again by the full run
    replayed = json.loads(capsys.readouterr().out)["results"][0]
    assert (replayed["check"], replayed["threshold"]["min"]) == ("row_count", 2)

    # Keys past the padded bounds of the id bitmap: the plan's statement would be wrong.
    plan = json.loads(plan_file(project, [], []).read_text())
    (guard,) = plan["assets"][0]["guards"]
    high = guard["bounds"]["id"][1]
    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        connection.execute(
            f"INSERT INTO shop.orders VALUES ({high + 1}, 'z@x.io', 'paid', 1, "
            "'NL', TIMESTAMP '2026-11-22 06:00:00')"
        )
    assert quick_run(args) is None and handover.take() == {}
    report = full_run(project)
    assert {r["check"]: r["value"] for r in report["results"]}["stat:distinct_count(id)"] == 4
    capsys.readouterr()
    assert quick_run(args) == 0
    found = json.loads(capsys.readouterr().out)
    assert {r["check"]: r["value"] for r in found["results"]}["stat:distinct_count(id)"] == 4


def test_what_the_quick_path_leaves_to_the_full_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full_run(project)
    for args in (
        ["-p", str(project), "--show-sql"],
        ["-p", str(project), "-f", "junit"],
        ["-p", str(project), "--dry-run"],
        ["-p", str(project), "-p", str(project)],
        ["--help"],
    ):
        assert quick_run(args) is None, args
    monkeypatch.setenv("TRUSTWELL_QUICK_RUN", "0")
    assert quick_run(["-p", str(project), "-f", "json"]) is None
    assert handover.take() == {}


def test_a_project_naming_an_environment_variable_keeps_no_plan(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_DB", "warehouse.duckdb")
    (project / "trustwell.yml").write_text(SETTINGS.replace("warehouse.duckdb", "'${SHOP_DB}'"))
    assert full_run(project)["status"] == "pass"
    assert not plan_file(project, [], []).exists()
    assert quick_run(["-p", str(project)]) is None


def test_parse_takes_only_the_plain_forms() -> None:
    found = parse(["--project=p", "-f", "json", "-a", "x", "--asset=y", "-t", "t", "--as", "me"])
    assert found is not None
    assert (found.project, found.format, found.assets, found.tags, found.actor) == (
        "p",
        "json",
        ["x", "y"],
        ["t"],
        "me",
    )
    for refused in (["-f", "junit"], ["--project"], ["-p", "--format"], ["x"], ["-fjson"]):
        assert parse(refused) is None, refused


# main() with every DuckDB statement interrupted, as Ctrl-C during the query does.
CTRL_C = """\
import sys
from trustwell.engines.duckdb import DuckDBEngine
def interrupted(self, sql):
    raise KeyboardInterrupt
DuckDBEngine.execute = interrupted
sys.argv[0] = "trustwell"
from trustwell.cli.app import main
main()
"""


def test_ctrl_c_during_a_replayed_run_ends_it_as_click_would_and_records_nothing(
    tmp_path: Path, project: Path
) -> None:
    full_run(project)
    runs = run_count(project)
    env = {**os.environ, "PYTHONPATH": str(Path(trustwell.__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", CTRL_C, "run", "-p", str(project), "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "\nAborted!\n")
    assert run_count(project) == runs


def test_a_file_edited_while_a_full_run_runs_leaves_no_plan_to_replay(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustwell.config import loader

    read = loader.load_project

    def load_then_edit(root: Path | str) -> Any:
        loaded = read(root)
        assets = project / "assets" / "shop.yml"
        assets.write_text(ASSETS.replace("min: 1\n", "min: 2\n", 1))  # after it was read
        return loaded

    monkeypatch.setattr(loader, "load_project", load_then_edit)
    assert full_run(project)["status"] == "pass"
    assert plan_file(project, [], []).exists()
    assert quick_run(["-p", str(project), "-f", "json"]) is None  # the plan is of the old text


# The orders' checks and three anomaly checks: on the row count, on another check's value
# (judged after it), and one still learning.
WITH_ANOMALIES = ASSETS.replace(
    "  - name: shop.countries\n",
    """\
      - type: anomaly
        name: rows_usual
        metric: row_count
        min_history: 2
      - type: anomaly
        name: mean_amount_usual
        metric: "stat:mean(amount)"
        min_history: 2
      - type: anomaly
        name: freshness_learning
        metric: freshness
        column: updated_at
        min_history: 5
  - name: shop.countries
""",
)


def test_anomaly_checks_judge_the_same_history_on_both_paths(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "assets" / "shop.yml").write_text(WITH_ANOMALIES)
    args = ("run", "-p", str(project), "-f", "json")
    for hour in (5, 6, 7):  # the first run keeps the plan, the next two replay it
        monkeypatch.setenv("TRUSTWELL_NOW", f"2026-11-22T0{hour}:00:00Z")
        code, _, modules = cli(tmp_path, *args)
        assert code == 0 and ("pydantic" in modules) == (hour == 5)
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    store = project / ".trustwell"
    shutil.copytree(store, tmp_path / "before")

    code, full, _ = cli(tmp_path, *args, quick=False)
    full_doc = json.loads(full)
    full_rows = [stored(project, t, full_doc["run_id"]) for t in ("runs", "results")]
    full_definitions = definitions(project)
    shutil.rmtree(store)
    shutil.copytree(tmp_path / "before", store)  # the same history for the replay
    code_quick, quick, modules = cli(tmp_path, *args)

    assert (code, code_quick) == (0, 0) and heavy(modules) == []
    quick_doc = json.loads(quick)
    same_document(quick_doc, full_doc)
    assert [stored(project, t, quick_doc["run_id"]) for t in ("runs", "results")] == full_rows
    assert definitions(project) == full_definitions  # the checks' definitions, as written
    found = {r["check"]: r for r in quick_doc["results"]}
    assert found["rows_usual"]["message"] == (
        "row_count 3 is inside the band [2.991, 3.009] (expected 3 from 3 past runs)"
    )
    assert found["mean_amount_usual"]["details"]["baseline"] == 3
    assert found["mean_amount_usual"]["value"] == found["stat:mean(amount)"]["value"]
    assert found["freshness_learning"]["message"] == "learning: 3 of 5 runs"


def test_a_warning_is_replayed_unless_it_asks_for_details(
    tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warned = ASSETS.replace("warn: {min: 2}", "warn: {min: 4}", 1)  # 3 rows: row_count warns
    (project / "assets" / "shop.yml").write_text(warned)
    for args in (("run", "-p", str(project), "-f", "json"), ("run", "-p", str(project))):
        assert cli(tmp_path, *args)[0] == 0  # keeps the plan of a run that warned
        code, full, _ = cli(tmp_path, *args, quick=False)
        code_quick, quick, modules = cli(tmp_path, *args)
        assert (code, code_quick) == (0, 0)
        assert heavy(modules) == ([] if "json" in args else ["rich"])  # rich: the text report
        if "json" in args:
            full_doc, quick_doc = json.loads(full), json.loads(quick)
            same_document(quick_doc, full_doc)
            assert quick_doc["status"] == "warn"
            assert quick_doc["results"][0]["message"] == (
                "row count is 3, warning unless at least 4"
            )
            for table in ("runs", "results"):
                assert stored(project, table, quick_doc["run_id"]) == stored(
                    project, table, full_doc["run_id"]
                )
        else:
            assert quick == full and "warn" in quick

    # accepted_values warns with the unexpected values listed: a statement the plan lacks.
    listed = warned.replace(
        "values: [paid, open]\n",
        "values: [paid, open]\n        max_failing: 5\n        warn: {max_failing: 0}\n",
        1,
    )
    (project / "assets" / "shop.yml").write_text(listed)
    with duckdb.connect(str(project / "warehouse.duckdb")) as connection:
        connection.execute(
            "INSERT INTO shop.orders VALUES"
            " (4, 'd@x.io', 'lost', 5, 'NL', TIMESTAMP '2026-11-22 06:00:00')"
        )
    report = full_run(project)  # keeps the plan
    warning = {r["check"]: r for r in report["results"]}["accepted_values:status"]
    assert warning["status"] == "warn"
    assert warning["details"]["unexpected_values"] == [{"value": "lost", "rows": 1}]
    runs = run_count(project)
    assert quick_run(["-p", str(project), "-f", "json"]) is None
    assert run_count(project) == runs
    capsys.readouterr()
