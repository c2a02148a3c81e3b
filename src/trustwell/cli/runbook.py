"""``trustwell runbook list|show|run``: the project's runbooks and their diagnostics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustwell.cli.actions import AsOption, open_project_store
from trustwell.cli.common import (
    EXIT_FAILED,
    FormatArg,
    OutputFormat,
    ProjectOption,
    actor_name,
    fail_invalid,
    load_project_or_exit,
    print_error,
)

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.incidents.diagnostics import DiagnosticResult
    from trustwell.incidents.runbooks import Runbook

runbook_app = typer.Typer(
    name="runbook", help="Runbooks: list, show, and run their diagnostics.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add ``trustwell runbook`` to the app."""
    app.add_typer(runbook_app)


def _runbooks(project: Project) -> list[Runbook]:

    from trustwell.config.errors import ProjectError
    from trustwell.incidents.runbooks import load_runbooks

    try:
        return load_runbooks(project)
    except ProjectError as exc:
        print_error("error: invalid runbooks:")
        for problem in exc.problems:
            print_error(f"  {problem}")
        raise typer.Exit(2) from None


def _one(runbooks: list[Runbook], runbook_id: str) -> Runbook:
    from trustwell.config.errors import did_you_mean
    from trustwell.incidents.runbooks import get_runbook

    found = get_runbook(runbooks, runbook_id)
    if found is None:
        hint = did_you_mean(runbook_id, [r.id for r in runbooks])
        raise fail_invalid(f"error: unknown runbook '{runbook_id}'{hint}")
    return found


@runbook_app.command("list")
def list_command(
    format: FormatArg = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """List the runbooks and what they are for."""
    runbooks = _runbooks(load_project_or_exit(project))
    if format is OutputFormat.json:
        typer.echo(json.dumps([r.to_json() for r in runbooks], indent=2))
        return
    for runbook in runbooks:
        scope = [
            f"checks: {', '.join(runbook.checks)}" if runbook.checks else "",
            f"assets: {', '.join(runbook.assets)}" if runbook.assets else "",
            f"tags: {', '.join(runbook.tags)}" if runbook.tags else "",
        ]
        typer.echo(f"{runbook.id:<26} {runbook.title}  ({'; '.join(s for s in scope if s)})")


@runbook_app.command("show")
def show_command(
    runbook_id: Annotated[str, typer.Argument(metavar="ID", help="The runbook's id.")],
    project: Path = ProjectOption,
) -> None:
    """Print a runbook (its Markdown)."""
    runbook = _one(_runbooks(load_project_or_exit(project)), runbook_id)
    typer.echo(f"# {runbook.id}: {runbook.title}\n")
    typer.echo(runbook.body.strip())


@runbook_app.command("run")
def run_command(
    runbook_id: Annotated[str, typer.Argument(metavar="ID", help="The runbook's id.")],
    incident: Annotated[
        str | None, typer.Option("--incident", help="The incident, e.g. INC-7.")
    ] = None,
    asset: Annotated[
        str | None,
        typer.Option("--asset", help="Asset to diagnose (default: the incident's root asset)."),
    ] = None,
    column: Annotated[
        str | None, typer.Option("--column", help="Column for {{ column }} (default: the check's).")
    ] = None,
    as_: Annotated[str | None, AsOption] = None,
    project: Path = ProjectOption,
) -> None:
    """Run a runbook's SQL diagnostics read-only and record them on the incident's timeline.

    With --asset alone, the results go on the timeline of the open incident on that
    asset, if there is one; without an open incident they are only printed.
    """
    from trustwell.config.errors import did_you_mean
    from trustwell.engines import EngineError
    from trustwell.incidents.diagnostics import (
        UnsafeDiagnostic,
        record_diagnostics,
        run_diagnostics,
    )
    from trustwell.incidents.records import (
        incident_id,
        open_incident_on,
        parse_incident_id,
        snapshot,
    )

    if incident is None and asset is None:
        raise fail_invalid(
            "error: say what to diagnose: --incident INC-7 (its root asset, or --asset) "
            "or --asset NAME"
        )
    loaded, store = open_project_store(project)
    try:
        runbook = _one(_runbooks(loaded), runbook_id)
        number: int | None = None
        root = asset
        if incident is not None:
            # IncidentNotFound is a domain error: the root group prints it (exit 2).
            number = parse_incident_id(incident)
            found = number
            root = store.read(lambda conn: snapshot(conn, found)).root_asset
        name = asset or root
        assert name is not None  # one of --incident, --asset was given
        declared = loaded.asset(name)
        if declared is None:
            hint = did_you_mean(name, [a.name for a in loaded.assets])
            raise fail_invalid(f"error: unknown asset '{name}'{hint}")
        if incident is None:
            number = store.read(lambda conn: open_incident_on(conn, [name]))
        try:
            results = run_diagnostics(loaded, runbook, declared, column)
        except UnsafeDiagnostic as exc:  # said with the runbook's name
            raise fail_invalid(f"error: runbook '{runbook.id}' refused: {exc}") from None
        except EngineError as exc:
            print_error(f"error: cannot reach the warehouse of {name}: {exc}")
            raise typer.Exit(EXIT_FAILED) from None
        if number is not None:
            record_diagnostics(store, number, actor_name(as_), results)
    finally:
        store.close()
    print_results(results)
    if number is None:
        typer.echo(f"\nnot recorded: no open incident on {name}")
    else:
        typer.echo(f"\nrecorded on the timeline of {incident_id(number)}")


def print_results(results: list[DiagnosticResult]) -> None:
    """Each step: its title, the SQL sent, and its rows as a table (or the error)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    for number, result in enumerate(results, start=1):
        console.print(f"\n{number}. {result.title}", style="bold", markup=False)
        console.print(result.sql, style="dim", markup=False)
        if result.error is not None:
            console.print(f"error: {result.error}", style="red", markup=False)
            continue
        table = Table(show_edge=False)
        for name in result.columns:
            table.add_column(name, overflow="fold")
        for row in result.rows:
            table.add_row(*(Text("NULL" if v is None else str(v)) for v in row))
        console.print(table)
        if result.truncated:
            console.print(f"(first {len(result.rows)} rows)", style="dim", markup=False)
