"""Runbook diagnostics: SQL run read-only on the asset's warehouse, recorded on the timeline."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from trustwell.cli import runbook as runbook_cli
from trustwell.cli.common import TrustwellGroup
from trustwell.config.loader import load_project
from trustwell.config.models import Project
from trustwell.config.starter import write_starter
from trustwell.incidents.diagnostics import (
    UnsafeDiagnostic,
    read_only_query,
    record_diagnostics,
    render_sql_blocks,
    run_diagnostics,
)
from trustwell.incidents.runbooks import Runbook, load_runbooks_from, shipped_runbooks_folder
from trustwell.store import open_store
from trustwell.store.database import Store
from trustwell.store.incident_tables import incidents, timeline


def shipped(runbook_id: str) -> Runbook:
    return next(r for r in load_runbooks_from(shipped_runbooks_folder()) if r.id == runbook_id)


def new_incident(store: Store, root_asset: str = "raw.events", **values: Any) -> int:
    """Insert an incident row directly (the service is tested elsewhere)."""
    at = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    row: dict[str, Any] = {
        "title": f"{root_asset} is broken",
        "severity": "SEV-2",
        "status": "declared",
        "detection_source": "check",
        "root_asset": root_asset,
        "drill": False,
        "declared_at": at,
        "escalation_level": 0,
        "updated_at": at,
        **values,
    }
    return int(
        store.write(
            lambda conn: conn.execute(incidents.insert().values(**row))
        ).inserted_primary_key[0]
    )


def timeline_of(store: Store, number: int) -> list[sa.Row[Any]]:
    query = sa.select(timeline).where(timeline.c.incident == number).order_by(timeline.c.id)
    return list(store.read(lambda conn: conn.execute(query).all()))


# --- rendering and running diagnostics -----------------------------------------------

DIAG = Runbook(
    id="diag",
    title="Diag",
    body=(
        "## Newest\n\n```sql\nSELECT MAX({{ column }}) AS newest FROM {{ table }};\n```\n\n"
        "## Per id\n\n```sql\nSELECT id FROM {{table}} ORDER BY id\n```\n"
    ),
)


def test_table_and_column_are_filled_in_as_quoted_identifiers() -> None:
    assert render_sql_blocks(DIAG, "raw.events", "loaded_at") == [
        'SELECT MAX("loaded_at") AS newest FROM "raw"."events"',
        'SELECT id FROM "raw"."events" ORDER BY id',
    ]
    with pytest.raises(ValueError, match="this step needs a column: pass --column"):
        render_sql_blocks(DIAG, "raw.events")


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM raw.events",
        "DROP TABLE raw.events",
        "SELECT 1; DELETE FROM raw.events",
        "INSERT INTO raw.events SELECT * FROM raw.events",
        "CREATE TABLE x AS SELECT 1",
    ],
)
def test_anything_but_one_select_is_refused(sql: str) -> None:
    with pytest.raises(UnsafeDiagnostic):
        read_only_query(sql, "duckdb")


@pytest.mark.parametrize(
    ("sql", "refused"),
    [
        ("SELECT set_config('default_transaction_read_only', 'off', false)", "set_config()"),
        ("SELECT * FROM raw.events FOR UPDATE", "FOR UPDATE"),
        ("WITH d AS (DELETE FROM raw.events RETURNING *) SELECT * FROM d", "DELETE"),
    ],
)
def test_a_diagnostic_is_held_to_the_checks_read_only_rules(sql: str, refused: str) -> None:
    # Before, any SELECT passed: set_config and FOR UPDATE are SELECTs to a parser.
    with pytest.raises(UnsafeDiagnostic) as raised:
        read_only_query(sql, "postgres")
    assert (
        str(raised.value) == f"a diagnostic must be one read-only query: {refused} is not allowed"
    )


def test_a_select_gets_a_row_limit_unless_it_has_one() -> None:
    assert read_only_query("WITH t AS (SELECT 1 AS a) SELECT a FROM t", "duckdb") == (
        "WITH t AS (SELECT 1 AS a) SELECT a FROM t LIMIT 51"
    )
    assert read_only_query("SELECT 1 LIMIT 3", "postgres") == "SELECT 1 LIMIT 3"


def duckdb_project(root: Path) -> Project:
    """A project with ``raw.events`` in a DuckDB file: 60 rows, id 7 twice."""
    connection = duckdb.connect(str(root / "wh.duckdb"))
    connection.execute("CREATE SCHEMA raw")
    connection.execute(
        "CREATE TABLE raw.events AS SELECT range AS id, 'c' || (range % 3) AS kind, "
        "TIMESTAMP '2026-11-01' + range * INTERVAL 6 HOUR AS loaded_at FROM range(59)"
    )
    connection.execute("INSERT INTO raw.events VALUES (7, 'c1', TIMESTAMP '2026-11-20')")
    connection.close()
    (root / "assets").mkdir()
    (root / "trustwell.yml").write_text(
        "name: t\nstore: sqlite:///s.db\nwarehouses:\n  main: {type: duckdb, path: wh.duckdb, "
        "read_only: false}\n"
    )
    (root / "assets" / "a.yml").write_text(
        "assets:\n  - name: raw.events\n    tags: [third-party]\n    checks:\n"
        "      - {type: freshness, column: loaded_at, max_age: 1d}\n"
        "      - {type: unique, column: id}\n"
        "      - {type: accepted_values, column: kind, values: [c0, c1, c2]}\n"
    )
    return load_project(root)


def test_diagnostics_run_read_only_and_keep_fifty_rows(tmp_path: Path) -> None:
    project = duckdb_project(tmp_path)
    asset = project.asset("raw.events")
    assert asset is not None
    newest, per_id = run_diagnostics(project, DIAG, asset)
    assert newest.title == "Newest"
    assert newest.columns == ["newest"]
    assert newest.rows == [(datetime(2026, 11, 20),)]
    assert (newest.error, newest.truncated) == (None, False)
    assert per_id.sql == 'SELECT id FROM "raw"."events" ORDER BY id LIMIT 51'
    assert len(per_id.rows) == 50 and per_id.truncated
    # Even with `read_only: false` in the project, diagnostics open the file read-only.
    writes = Runbook(id="w", title="W", body="```sql\nSELECT * FROM {{ table }}\n```\n")
    (result,) = run_diagnostics(project, writes, asset)
    assert result.error is None
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as connection:  # no lock was left behind
        assert connection.execute("SELECT COUNT(*) FROM raw.events").fetchone() == (60,)


def test_a_delete_in_a_runbook_is_refused_before_anything_runs(tmp_path: Path) -> None:
    project = duckdb_project(tmp_path)
    asset = project.asset("raw.events")
    assert asset is not None
    evil = Runbook(
        id="evil",
        title="Evil",
        body=(
            "```sql\nSELECT COUNT(*) FROM {{ table }}\n```\n```sql\nDELETE FROM {{ table }}\n```\n"
        ),
    )
    with pytest.raises(UnsafeDiagnostic) as raised:
        run_diagnostics(project, evil, asset)
    assert str(raised.value) == "a diagnostic must be one read-only query: DELETE is not allowed"
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as connection:
        assert connection.execute("SELECT COUNT(*) FROM raw.events").fetchone() == (60,)


def test_every_shipped_runbook_runs_on_duckdb(tmp_path: Path) -> None:
    project = duckdb_project(tmp_path)
    asset = project.asset("raw.events")
    assert asset is not None
    for runbook in load_runbooks_from(shipped_runbooks_folder()):
        for result in run_diagnostics(
            project, runbook, asset, "kind" if "drift" in runbook.id else None
        ):
            assert result.error is None, (runbook.id, result.title, result.error)
            assert result.rows, (runbook.id, result.title)


def test_duplicate_records_finds_the_duplicated_key(tmp_path: Path) -> None:
    project = duckdb_project(tmp_path)
    asset = project.asset("raw.events")
    assert asset is not None
    runbook = shipped("duplicate-records")
    counts, keys, rows = run_diagnostics(project, runbook, asset)  # column from the unique check
    assert counts.rows == [(60, 59, 1)]
    assert (keys.columns, keys.rows) == (["key_value", "copies"], [(7, 2)])
    assert [row[0] for row in rows.rows] == [7, 7]


def test_a_missing_column_fails_that_step_only(tmp_path: Path) -> None:
    project = duckdb_project(tmp_path)
    asset = project.asset("raw.events")
    assert asset is not None
    schema = shipped("schema-change")
    sample, holds, _ = run_diagnostics(project, schema, asset, column="gone")
    assert sample.error is None and len(sample.rows) == 5
    assert holds.error is not None and "gone" in holds.error


def test_results_are_recorded_on_the_timeline(tmp_path: Path) -> None:
    project = duckdb_project(tmp_path)
    asset = project.asset("raw.events")
    assert asset is not None
    store = open_store("sqlite:///" + str(tmp_path / "s.db"), tmp_path)
    number = new_incident(store)
    record_diagnostics(store, number, "alice", run_diagnostics(project, DIAG, asset))
    (entry,) = timeline_of(store, number)
    assert (entry.actor, entry.kind) == ("alice", "runbook")
    assert entry.text.splitlines() == [
        "ran runbook diag on raw.events:",
        "1. Newest: 1 row(s); first: newest=2026-11-20T00:00:00",
        "2. Per id: 50+ row(s); first: id=0",
    ]
    assert entry.data["runbook"] == "diag"
    assert entry.data["steps"][0]["rows"] == [["2026-11-20T00:00:00"]]
    store.close()


# --- the command --------------------------------------------------------------------


def cli() -> typer.Typer:
    # The root group maps domain errors (an unknown incident) to exit code 2, once.
    app = typer.Typer(cls=TrustwellGroup)
    runbook_cli.register(app)
    return app


def test_runbook_list_show_and_run(tmp_path: Path) -> None:
    project = duckdb_project(tmp_path)
    write_starter(tmp_path / "starter")
    (tmp_path / "starter" / "runbooks").rename(tmp_path / "runbooks")
    store = open_store(project.settings.store, project.root)
    number = new_incident(store)
    runner = CliRunner()
    listed = runner.invoke(
        cli(), ["runbook", "list", "--format", "json", "--project", str(tmp_path)]
    )
    assert listed.exit_code == 0, listed.output
    assert '"id": "stale-table"' in listed.output
    shown = runner.invoke(cli(), ["runbook", "show", "stale-table", "--project", str(tmp_path)])
    assert shown.output.startswith("# stale-table: Stale Data Warehouse Table\n")
    ran = runner.invoke(
        cli(),
        [
            "runbook",
            "run",
            "stale-table",
            "--incident",
            f"INC-{number}",
            "--as",
            "bob",
            "--project",
            str(tmp_path),
        ],
    )
    assert ran.exit_code == 0, ran.output
    assert ran.output.endswith(f"recorded on the timeline of INC-{number}\n")
    (entry,) = timeline_of(store, number)
    assert entry.actor == "bob"
    assert entry.text.startswith(
        "ran runbook stale-table on raw.events:\n1. Newest row and row count"
    )
    wrong = runner.invoke(
        cli(), ["runbook", "run", "stale-tabel", "--incident", "INC-1", "--project", str(tmp_path)]
    )
    assert wrong.exit_code == 2
    assert "unknown runbook 'stale-tabel': did you mean 'stale-table'?" in wrong.output
    missing = runner.invoke(
        cli(), ["runbook", "run", "stale-table", "--incident", "INC-99", "--project", str(tmp_path)]
    )
    assert missing.exit_code == 2
    assert "no incident INC-99" in missing.output
    store.close()


def test_every_shipped_runbook_runs_on_postgres(
    tmp_path: Path, fresh_pg_url: str, pg_conn: Any
) -> None:
    pg_conn.execute("CREATE SCHEMA raw")
    pg_conn.execute(
        "CREATE TABLE raw.events AS SELECT g AS id, 'c' || (g % 3) AS kind, "
        "TIMESTAMP '2026-11-01' + g * INTERVAL '6 hours' AS loaded_at "
        "FROM generate_series(0, 58) AS g"
    )
    pg_conn.execute("INSERT INTO raw.events VALUES (7, 'c1', TIMESTAMP '2026-11-20')")
    (tmp_path / "assets").mkdir()
    (tmp_path / "trustwell.yml").write_text(
        f"name: t\nwarehouses:\n  pg: {{type: postgres, url: '{fresh_pg_url}'}}\n"
    )
    (tmp_path / "assets" / "a.yml").write_text(
        "assets:\n  - name: raw.events\n    checks:\n"
        "      - {type: freshness, column: loaded_at, max_age: 1d}\n"
        "      - {type: unique, column: id}\n"
    )
    project = load_project(tmp_path)
    asset = project.asset("raw.events")
    assert asset is not None
    for runbook in load_runbooks_from(shipped_runbooks_folder()):
        column = "kind" if "drift" in runbook.id else None
        for result in run_diagnostics(project, runbook, asset, column):
            assert result.error is None, (runbook.id, result.title, result.error)
            assert result.rows, (runbook.id, result.title)
    duplicates = shipped("duplicate-records")
    assert run_diagnostics(project, duplicates, asset)[1].rows == [(7, 2)]


def run_cli(root: Path, *args: str) -> Any:
    return CliRunner().invoke(cli(), ["runbook", "run", *args, "--project", str(root)])


@pytest.fixture
def starter_runbooks(tmp_path: Path) -> Project:
    project = duckdb_project(tmp_path)
    write_starter(tmp_path / "starter")
    (tmp_path / "starter" / "runbooks").rename(tmp_path / "runbooks")
    return project


def test_runbook_run_with_asset_alone_records_on_the_open_incident_of_the_asset(
    tmp_path: Path, starter_runbooks: Project
) -> None:
    from trustwell.store.incident_tables import incident_assets

    store = open_store(starter_runbooks.settings.store, starter_runbooks.root)
    number = new_incident(store, root_asset="raw.elsewhere")
    at = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    store.write(
        lambda conn: conn.execute(
            incident_assets.insert().values(
                incident=number, asset="raw.events", impact="downstream", added_at=at
            )
        )
    )
    ran = run_cli(tmp_path, "stale-table", "--asset", "raw.events", "--as", "bob")
    assert ran.exit_code == 0, ran.output
    assert ran.output.endswith(f"recorded on the timeline of INC-{number}\n")
    (entry,) = timeline_of(store, number)
    assert (entry.actor, entry.kind) == ("bob", "runbook")
    assert entry.text.startswith("ran runbook stale-table on raw.events:\n")
    store.close()


def test_runbook_run_with_asset_and_no_open_incident_prints_and_records_nothing(
    tmp_path: Path, starter_runbooks: Project
) -> None:
    store = open_store(starter_runbooks.settings.store, starter_runbooks.root)
    resolved = new_incident(store, status="resolved")
    ran = run_cli(tmp_path, "stale-table", "--asset", "raw.events")
    assert ran.exit_code == 0, ran.output
    assert "1. Newest row and row count" in ran.output
    assert ran.output.endswith("not recorded: no open incident on raw.events\n")
    assert timeline_of(store, resolved) == []
    store.close()


def test_runbook_run_needs_an_incident_or_an_asset(
    tmp_path: Path, starter_runbooks: Project
) -> None:
    ran = run_cli(tmp_path, "stale-table")
    assert ran.exit_code == 2
    assert ran.output == (
        "error: say what to diagnose: --incident INC-7 (its root asset, or --asset) "
        "or --asset NAME\n"
    )
    unknown = run_cli(tmp_path, "stale-table", "--asset", "raw.event")
    assert unknown.exit_code == 2
    assert unknown.output == "error: unknown asset 'raw.event': did you mean 'raw.events'?\n"
