"""``trustwell run`` as a user runs it: exit codes, JSON, JUnit, SQL, selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app

NOW = "2026-11-22T09:00:00Z"

SETTINGS = """\
name: shop
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
teams:
  data-platform: {}
"""

ASSETS = """\
assets:
  - name: shop.orders
    owner: data-platform
    tier: 1
    pii: [email]
    tags: [core]
    checks:
      - type: row_count
        min: 1
      - type: freshness
        column: loaded_at
        max_age: 26h
      - type: unique
        column: id
      - type: not_null
        column: email
        tags: [pii]
  - name: shop.customers
    checks:
      - type: row_count
        min: 1
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA shop")
    connection.execute("CREATE TABLE shop.orders (id INT, email VARCHAR, loaded_at TIMESTAMP)")
    connection.execute("""INSERT INTO shop.orders VALUES
        (1, 'a@x.io', '2026-11-22 08:00'), (2, 'b@x.io', '2026-11-22 08:00'),
        (2, 'secret@x.io', '2026-11-22 08:00')""")
    connection.execute("CREATE TABLE shop.customers (id INT)")
    connection.execute("INSERT INTO shop.customers VALUES (1)")
    connection.close()
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "shop.yml").write_text(ASSETS)
    return tmp_path


def run(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), ["run", "--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_output_is_exactly_the_documented_document(project: Path) -> None:
    code, stdout, _ = run(project, "--format", "json")
    document = json.loads(stdout)
    assert code == 1
    assert set(document) == {
        "run_id",
        "started_at",
        "finished_at",
        "status",
        "results",
        "incidents",
    }
    assert document["started_at"] == NOW and document["status"] == "fail"
    assert [(r["asset"], r["check"]) for r in document["results"]] == [
        ("shop.orders", "row_count"),
        ("shop.orders", "freshness:loaded_at"),
        ("shop.orders", "unique:id"),
        ("shop.orders", "not_null:email"),
        ("shop.customers", "row_count"),
    ]
    by_check = {r["check"]: r for r in document["results"][:4]}
    unique = by_check["unique:id"]
    assert unique == {
        "asset": "shop.orders",
        "check": "unique:id",
        "type": "unique",
        "status": "fail",
        "value": 1.0,
        "threshold": {"max_failing": 0},
        "failing_fraction": pytest.approx(1 / 3),
        "message": "1 row duplicating another row's id (33.33% of 3); allowed 0",
        "samples": [{"id": 2, "duplicate_rows": 2}],
        "queries": 2,
        "unit": "rows",
        "details": None,
    }
    freshness = by_check["freshness:loaded_at"]
    assert (freshness["status"], freshness["value"], freshness["queries"]) == ("pass", 3600.0, 1)


def test_stdout_holds_only_the_json_even_with_show_sql(project: Path) -> None:
    env = {**os.environ, "TRUSTWELL_NOW": NOW}
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustwell",
            "run",
            "--project",
            str(project),
            "--format",
            "json",
            "--show-sql",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert process.returncode == 1
    assert json.loads(process.stdout)["status"] == "fail"
    assert 'FROM "shop"."orders"' in process.stderr


def test_exit_code_is_zero_when_nothing_fails(project: Path) -> None:
    code, stdout, _ = run(project, "--asset", "shop.customers")
    assert code == 0
    assert "1 checks: 1 pass" in stdout


def test_invalid_project_exits_2_before_touching_anything(project: Path) -> None:
    broken = ASSETS.replace("type: unique", "type: uniqe")
    (project / "assets" / "shop.yml").write_text(broken)
    code, _, stderr = run(project)
    assert code == 2
    assert "unknown check type 'uniqe' in assets/shop.yml line 13: did you mean 'unique'?" in stderr
    assert not (project / ".trustwell").exists()


def test_unknown_asset_names_the_nearest(project: Path) -> None:
    code, _, stderr = run(project, "--asset", "shop.order")
    assert code == 2
    assert "unknown asset 'shop.order': did you mean 'shop.orders'?" in stderr


def test_an_unknown_asset_far_from_every_name_lists_the_valid_ones(project: Path) -> None:
    code, stdout, stderr = run(project, "--asset", "raw.events")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "error: unknown asset 'raw.events': valid names are shop.customers, shop.orders\n"
    )
    assert not (project / ".trustwell").exists()


def test_an_asset_name_close_to_several_lists_them_all(project: Path) -> None:
    (project / "assets" / "more.yml").write_text(
        "assets:\n  - {name: shop.orders_eu, checks: []}\n  - {name: shop.orders_us, checks: []}\n"
    )
    code, _, stderr = run(project, "--asset", "shop.orders_")
    assert code == 2
    assert stderr == (
        "error: unknown asset 'shop.orders_': "
        "did you mean 'shop.orders', 'shop.orders_eu' or 'shop.orders_us'?\n"
    )


def test_tag_selects_assets_and_checks(project: Path) -> None:
    _, stdout, _ = run(project, "--tag", "pii", "--format", "json")
    assert [r["check"] for r in json.loads(stdout)["results"]] == ["not_null:email"]
    _, stdout, _ = run(project, "--tag", "core", "--format", "json")
    assert len(json.loads(stdout)["results"]) == 4


def test_junit_marks_failures_and_errors(project: Path) -> None:
    broken = '      - {type: sql, name: broken, query: "select count(*) from nowhere", min: 0}\n'
    (project / "assets" / "shop.yml").write_text(
        ASSETS.replace("  - name: shop.customers", broken + "  - name: shop.customers")
    )
    code, stdout, _ = run(project, "--format", "junit")
    root = ET.fromstring(stdout)
    assert code == 1
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "1", "1")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    unique_failure = cases["unique:id"].find("failure")
    assert unique_failure is not None
    assert unique_failure.get("message", "").startswith("1 row duplicating another row's id")
    broken_error = cases["broken"].find("error")
    assert broken_error is not None and "nowhere" in broken_error.get("message", "")


def test_dry_run_prints_the_one_query_and_runs_nothing(project: Path) -> None:
    code, stdout, _ = run(project, "--dry-run", "--asset", "shop.orders")
    assert code == 0
    assert stdout.count("SELECT") == 1
    assert 'COUNT(DISTINCT "id")' in stdout
    assert not (project / ".trustwell").exists()


def test_runs_are_recorded_and_shown_by_history(project: Path) -> None:
    run(project)
    run(project)
    result = CliRunner().invoke(
        create_app(),
        [
            "history",
            "shop.orders",
            "--project",
            str(project),
            "--check",
            "unique:id",
            "--format",
            "json",
        ],
    )
    entries = json.loads(result.stdout)
    assert [(e["check"], e["status"], e["value"]) for e in entries] == [
        ("unique:id", "fail", 1.0),
        ("unique:id", "fail", 1.0),
    ]


def test_an_unreachable_warehouse_errors_every_check_and_keeps_its_threshold(
    project: Path,
) -> None:
    (project / "warehouse.duckdb").unlink()
    code, stdout, _ = run(project, "--format", "json", "--asset", "shop.customers")
    assert code == 1
    (result,) = json.loads(stdout)["results"]
    assert (result["status"], result["threshold"]) == ("error", {"min": 1.0})
    assert result["message"].startswith("DuckDB file not found: ")


def test_dry_run_with_a_missing_duckdb_file_reports_it_and_exits_1(project: Path) -> None:
    (project / "warehouse.duckdb").unlink()
    code, stdout, stderr = run(project, "--dry-run")
    assert code == 1
    missing = project / "warehouse.duckdb"
    assert stderr.splitlines() == [
        f"error: shop.orders: DuckDB file not found: {missing}",
        f"error: shop.customers: DuckDB file not found: {missing}",
    ]
    assert stdout == ""
    assert not (project / ".trustwell").exists()


def test_dry_run_with_a_postgres_url_that_cannot_connect_exits_1_password_masked(
    project: Path,
) -> None:
    (project / "trustwell.yml").write_text(
        SETTINGS.replace(
            "{type: duckdb, path: warehouse.duckdb}",
            '{type: postgres, url: "postgresql://tw:hunter2@127.0.0.1:1/none"}',
        )
    )
    code, _, stderr = run(project, "--dry-run", "--asset", "shop.customers")
    assert code == 1
    assert stderr.startswith("error: shop.customers: cannot connect to PostgreSQL: ")
    assert "Connection refused" in stderr
    assert "hunter2" not in stderr
