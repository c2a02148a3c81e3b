"""``trustwell run``: run checks, print results, exit 0/1/2."""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from trustwell.cli.common import ProjectOption, fail_invalid, load_project_or_exit

if TYPE_CHECKING:
    from trustwell.checks.result import RunReport
    from trustwell.cli.output import ResultPrinter


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
    actor: str | None = typer.Option(
        None, "--as", envvar="TRUSTWELL_USER", help="Who runs (recorded with the run)."
    ),
) -> None:
    """Run the project's checks (all, or by --asset / --tag)."""
    from trustwell.checks.service import SelectionError, run_project, select_assets
    from trustwell.cli.output import ResultPrinter
    from trustwell.redact import scrub

    loaded = load_project_or_exit(project)
    try:
        selected = select_assets(loaded, asset, tag)
    except SelectionError as exc:
        raise fail_invalid(f"error: {exc}") from None

    # stdout carries only the document for json/junit; everything else goes to stderr.
    machine = format is not Format.text
    printer = ResultPrinter(stderr_only=machine)
    sql_to_stdout = dry_run and not machine

    def on_sql(asset_name: str, sql: str) -> None:
        if show_sql or dry_run:
            # A `where` or query may hold a ${SECRET}: shown masked like everywhere else.
            printer.sql(asset_name, scrub(sql), to_stdout=sql_to_stdout)

    from trustwell.store import open_store

    # Opened (and verified) before the progress bar and before any check: a broken
    # store is one line on stderr and exit 2, and no warehouse is queried.
    store = None if dry_run else open_store(loaded.settings.store, loaded.root)
    try:
        with printer.progress(len(selected), quiet=dry_run) as progress:
            report = run_project(
                loaded,
                selected,
                on_progress=progress,
                on_sql=on_sql,
                dry_run=dry_run,
                actor=actor,
                store=store,
            )
    finally:
        if store is not None:
            store.close()
    if dry_run:
        raise typer.Exit(_dry_run_problems(report))
    _emit(report, format, output, printer)
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


def _emit(report: RunReport, format: Format, output: Path | None, printer: ResultPrinter) -> None:
    from trustwell.checks.junit import to_junit

    if format is Format.text:
        printer.table(report)
        return
    document = (
        json.dumps(report.to_json(), indent=2) + "\n" if format is Format.json else to_junit(report)
    )
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8")
        printer.note(f"wrote {output}")
    else:
        sys.stdout.write(document)
