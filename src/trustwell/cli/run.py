"""``trustwell run``: run checks, print results, exit 0/1/2."""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from trustwell.cli.common import ProjectOption, load_project_or_exit, release_collection

if TYPE_CHECKING:
    from trustwell.checks.result import RunReport
    from trustwell.checks.statements import Statement
    from trustwell.cli.output import ResultPrinter
    from trustwell.config.models import Project


class Format(enum.StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)


def run_command(
    project: Path = ProjectOption,
    asset: list[str] = typer.Option([], "--asset", "-a", help="Only this asset (repeatable)."),
    tag: list[str] = typer.Option([], "--tag", "-t", help="Only assets or checks with this tag."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json or junit."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the json/junit document to this file."
    ),
    show_sql: bool = typer.Option(False, "--show-sql", help="Print every query run."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the queries, run nothing."),
    full: bool = typer.Option(
        False, "--full", help="Scan incremental assets in full and rebuild their stored states."
    ),
    actor: str | None = typer.Option(
        None, "--as", envvar="TRUSTWELL_USER", help="Who runs (recorded with the run)."
    ),
) -> None:
    """Run the project's checks (all, or by --asset / --tag)."""
    from trustwell.checks.service import run_project, select_assets
    from trustwell.cli.output import ResultPrinter
    from trustwell.quickrun.capture import PlanCapture

    # Kept for the next run's quick path (trustwell.quickrun): its files hashed
    # before they are read, so an edit during the run leaves no stale plan.
    capture = None if dry_run else PlanCapture(project)
    loaded = load_project_or_exit(project)
    release_collection()  # start-up is over (main() held it): see cli/common.py
    # An --asset or --tag that names nothing is a SelectionError: the root group
    # prints it with its hint and exits 2, like every domain error.
    selected = select_assets(loaded, asset, tag)

    # stdout carries only the document for json/junit; everything else goes to stderr.
    machine = format is not Format.text
    printer = ResultPrinter(stderr_only=machine)
    statements: list[Statement] = []
    incidents: list[dict[str, Any]] = []

    def on_sql(statement: Statement) -> None:
        if dry_run:  # no progress bar and no report: each query as it is planned
            printer.statements([statement], to_stdout=not machine)
        else:  # kept for --show-sql after the progress bar, and for JUnit's times
            statements.append(statement)

    from trustwell.checks.overlap import store_alongside
    from trustwell.quickrun import handover

    # A broken store is one line on stderr and exit 2 before anything is recorded or
    # printed; it is opened first (no warehouse queried) unless every asset is on
    # DuckDB (and none incremental), where it opens while the first statement runs
    # (checks/overlap.py). A dry run opens it only for incremental assets' watermarks.
    with store_alongside(loaded, selected, dry_run=dry_run) as store:
        with printer.progress(len(selected), quiet=dry_run) as progress:
            report = run_project(
                loaded,
                selected,
                on_progress=progress,
                on_sql=on_sql,
                dry_run=dry_run,
                actor=actor,
                store=store if store.opened or not dry_run else None,
                full=full,
                capture=capture,
                prefetched=handover.take(),
            )
        if not dry_run and report.incidents and format is Format.text:
            from trustwell.incidents.run_summary import incident_summaries

            # Read back before the store closes: who leads each incident, which checks.
            incidents = store().read(lambda conn: incident_summaries(conn, report))
    if dry_run:
        raise typer.Exit(_dry_run_problems(report))
    if capture is not None and not full:
        capture.save(loaded, selected, asset, tag)
    from trustwell.cli.common import print_error

    for warning in report.warnings:  # emission never changes the exit code
        print_error(warning)
    for note in report.notes:  # "restated: 2 partitions of marts.orders rescanned"
        typer.echo(note, err=True)
    if show_sql:
        printer.statements(statements, to_stdout=not machine)
    _emit(
        report,
        format,
        output,
        printer,
        loaded,
        statements if show_sql else None,
        statements,
        incidents,
    )
    raise typer.Exit(report.exit_code)


def _dry_run_problems(report: RunReport) -> int:
    """What a dry run could not plan (a warehouse that does not open, a broken
    ``query:``) on stderr, once per asset and message; 1 if there was any.

    A dry run plans without running, so its only results are these errors.
    """
    from trustwell.cli.common import print_error

    problems = dict.fromkeys((r.asset, r.message) for r in report.results if r.status == "error")
    for asset, message in problems:
        print_error(f"error: {asset}: {message}")
    return 1 if problems else 0


def _emit(
    report: RunReport,
    format: Format,
    output: Path | None,
    printer: ResultPrinter,
    project: Project,
    shown: list[Statement] | None,
    statements: list[Statement],
    incidents: list[dict[str, Any]],
) -> None:
    from trustwell.cli.output import value_texts

    if format is Format.text:
        values = value_texts(report, project)
        printer.report(report, values, shown, incidents or report.incidents)
        return
    if format is Format.json:
        document = json.dumps(report.to_json(), indent=2) + "\n"
    else:
        from trustwell.checks.junit import check_seconds, to_junit

        values = value_texts(report, project)
        document = to_junit(report, values=values, seconds=check_seconds(statements))
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8")
        printer.note(f"wrote {output}")
    else:
        sys.stdout.write(document)
