"""``trustwell history ASSET``: what a user sees, in text and JSON."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner, Result

from trustwell.checks.result import CheckResult, RunReport
from trustwell.cli import history as history_cli
from trustwell.store import HistoryEntry, history, open_store, record_run

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

ASSETS = """\
assets:
  - name: orders
    table: orders
    checks:
      - type: row_count
        min: 1
      - type: not_null
        column: email
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one asset and three recorded runs (the last one failing)."""
    (tmp_path / "trustwell.yml").write_text("name: acme\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "orders.yml").write_text(ASSETS)
    store = open_store("sqlite:///.trustwell/trustwell.db", tmp_path)
    try:
        for n in range(3):
            failing = n == 2
            results = [
                CheckResult("orders", "row_count", "row_count", "pass", 100.0 + n, {"min": 1},
                            None, f"{100 + n} rows"),
                CheckResult("orders", "not_null:email", "not_null",
                            "fail" if failing else "pass", 4.0 if failing else 0.0, {},
                            0.04 if failing else 0.0,
                            "4 rows where email is NULL" if failing else "no NULLs"),
            ]  # fmt: skip
            at = T0 + timedelta(hours=n)
            record_run(store, RunReport(f"run-{n}", at, at, results), project="acme")
    finally:
        store.close()
    return tmp_path


def invoke(*args: str) -> Result:
    app = typer.Typer()
    app.callback()(lambda: None)  # keep `history` a sub-command, as in the real app
    history_cli.register(app)
    return CliRunner().invoke(app, ["history", *args])


def test_history_json_lists_results_newest_first_with_stable_keys(project: Path) -> None:
    result = invoke("orders", "--format", "json", "--project", str(project), "--limit", "3")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"run_id": "run-2", "executed_at": "2026-11-22T11:00:00Z", "asset": "orders",
         "check": "row_count", "type": "row_count", "status": "pass", "value": 102.0,
         "failing_fraction": None, "message": "102 rows", "details": None},
        {"run_id": "run-2", "executed_at": "2026-11-22T11:00:00Z", "asset": "orders",
         "check": "not_null:email", "type": "not_null", "status": "fail", "value": 4.0,
         "failing_fraction": 0.04, "message": "4 rows where email is NULL", "details": None},
        {"run_id": "run-1", "executed_at": "2026-11-22T10:00:00Z", "asset": "orders",
         "check": "row_count", "type": "row_count", "status": "pass", "value": 101.0,
         "failing_fraction": None, "message": "101 rows", "details": None},
    ]  # fmt: skip


def test_history_check_option_shows_one_check(project: Path) -> None:
    result = invoke("orders", "--check", "row_count", "-f", "json", "-p", str(project))

    assert result.exit_code == 0, result.output
    assert [(r["run_id"], r["value"]) for r in json.loads(result.stdout)] == [
        ("run-2", 102.0), ("run-1", 101.0), ("run-0", 100.0)
    ]  # fmt: skip


def test_history_text_is_a_table_of_time_check_status_value_message(project: Path) -> None:
    result = invoke("orders", "--check", "not_null:email", "--project", str(project))

    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "2026-11-22" in line]
    assert len(lines) == 3
    first = lines[0]
    for text in ("2026-11-22T11:00:00Z", "not_null:email", "fail", "4", "4 rows where email"):
        assert text in first
    assert "time" in result.stdout and "message" in result.stdout


def test_unknown_asset_exits_2_and_suggests_the_nearest(project: Path) -> None:
    result = invoke("order", "--project", str(project))

    assert result.exit_code == 2
    assert result.stderr == "error: unknown asset 'order': did you mean 'orders'?\n"


def test_unknown_check_exits_2_and_suggests_the_nearest(project: Path) -> None:
    result = invoke("orders", "--check", "row_cout", "--project", str(project))

    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown check 'row_cout' on asset 'orders': did you mean 'row_count'?\n"
    )


def test_an_unknown_asset_far_from_every_name_lists_the_valid_ones(project: Path) -> None:
    result = invoke("zzz", "--project", str(project))

    assert result.exit_code == 2
    assert result.stderr == "error: unknown asset 'zzz': valid names are orders\n"


def test_an_unknown_check_lists_every_close_name_or_else_the_valid_ones(project: Path) -> None:
    close = invoke("orders", "--check", "not_nul", "--project", str(project))
    far = invoke("orders", "--check", "freshness", "--project", str(project))

    assert (close.exit_code, far.exit_code) == (2, 2)
    assert close.stderr == (
        "error: unknown check 'not_nul' on asset 'orders': did you mean 'not_null:email'?\n"
    )
    assert far.stderr == (
        "error: unknown check 'freshness' on asset 'orders': "
        "valid names are not_null:email, row_count\n"
    )


def test_a_check_with_nothing_stored_yet_says_so(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text("name: acme\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "orders.yml").write_text(ASSETS)

    text = invoke("orders", "--project", str(tmp_path))
    as_json = invoke("orders", "--project", str(tmp_path), "--format", "json")

    assert (text.exit_code, text.stdout) == (0, "no results stored for orders yet\n")
    assert (as_json.exit_code, json.loads(as_json.stdout)) == (0, [])


def test_print_history_colours_statuses() -> None:
    entries = [
        HistoryEntry("r", T0, "orders", "row_count", "row_count", "fail", 0.0, None, "no rows"),
        HistoryEntry("r", T0, "orders", "unique:id", "unique", "pass", 0.0, None, "ok"),
    ]
    console = Console(
        file=io.StringIO(), record=True, width=120, color_system="truecolor", force_terminal=True
    )

    history_cli.print_history(entries, console, asset="orders")

    styled = console.export_text(styles=True, clear=False)
    assert "\x1b[1;31mfail" in styled  # bold red
    assert "\x1b[32mpass" in styled  # green
    assert "history of orders" in console.export_text()


def test_the_command_reads_what_record_run_wrote(project: Path) -> None:
    store = open_store("sqlite:///.trustwell/trustwell.db", project)
    try:
        stored = [entry.to_json() for entry in history(store, "orders", limit=50)]
    finally:
        store.close()
    assert json.loads(invoke("orders", "-f", "json", "-p", str(project)).stdout) == stored
