"""``trustwell import …``: what other tools know, brought into trustwell.

``gx-suite`` converts a Great Expectations suite to checks; ``gx-results``
records a GX validation as external results; ``dbt`` imports a dbt project's
manifest (assets, lineage, tests) and its run results.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustwell.cli.common import (
    FormatArg,
    OutputFormat,
    ProjectOption,
    load_project_or_exit,
    print_error,
)

if TYPE_CHECKING:
    from trustwell.checks.result import RunReport

import_app = typer.Typer(
    name="import",
    help="Import checks, lineage and results from Great Expectations and dbt.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add ``trustwell import`` to the app."""
    app.add_typer(import_app)


@import_app.command("gx-suite")
def gx_suite_command(
    suite: Annotated[Path, typer.Argument(help="A GX 1.x expectation suite (JSON).")],
    into: Annotated[
        str | None,
        typer.Option("--into", help="Append the checks to this asset's declaration instead."),
    ] = None,
    project: Path = ProjectOption,
) -> None:
    """Convert a GX expectation suite to checks: YAML on stdout, what was left out on stderr."""
    from trustwell.integrations.asset_file import append_checks, render_checks
    from trustwell.integrations.gx.suite import convert_suite
    from trustwell.integrations.jsonfile import read_json

    # The project is read even without --into, as by every command: outside one
    # the command exits 2 before it reads anything else.
    loaded = load_project_or_exit(project)
    data = read_json(suite)
    if into is None:
        converted = convert_suite(data, str(suite))
        sys.stdout.write(render_checks(converted.checks))
    else:
        declared = loaded.asset(into)
        taken = [c.display_name for c in declared.checks] if declared else []
        converted = convert_suite(data, str(suite), taken=taken)
        if converted.checks:
            path = append_checks(loaded, into, converted.checks)
            count = len(converted.checks)
            print_error(f"appended {count} check{'s' * (count != 1)} to {into} in {path}")
    for skipped in converted.skipped:
        print_error(skipped.line())


@import_app.command("gx-results")
def gx_results_command(
    result: Annotated[
        Path, typer.Argument(help="A GX 1.x validation result or checkpoint result (JSON).")
    ],
    format: FormatArg = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Record a GX validation's expectation results; failures open or join incidents.

    Exit code 0 once recorded, whatever GX found (``trustwell run`` exits 1 on a
    failure it computed itself); 2 when the file or one of its assets is wrong,
    and then nothing is recorded.
    """
    import json

    from trustwell.integrations.gx.importer import import_gx_results
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        report = import_gx_results(loaded, store, result)
    finally:
        store.close()
    if format == OutputFormat.json:
        typer.echo(json.dumps(report.to_json()))
        return
    _print_recorded(report, "GX")


@import_app.command("dbt")
def dbt_command(
    manifest: Annotated[Path, typer.Argument(help="dbt's target/manifest.json (schema v12).")],
    run_results: Annotated[
        Path | None,
        typer.Option("--run-results", help="dbt's target/run_results.json: test results."),
    ] = None,
    warehouse: Annotated[
        str | None,
        typer.Option("--warehouse", help="The warehouse dbt builds (default: the first)."),
    ] = None,
    format: FormatArg = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Import a dbt project: assets in assets/dbt.yml, lineage, and its test results.

    Re-importing rewrites assets/dbt.yml (nothing is declared twice); an asset
    another file declares keeps that declaration, and each difference is listed.
    Exit code 0 once imported, whatever the tests found; 2 when a file is
    wrong, and then nothing is written or recorded.
    """
    import json

    from trustwell.integrations.dbt.importer import import_dbt
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        done = import_dbt(loaded, store, manifest, run_results, warehouse=warehouse)
    finally:
        store.close()
    report = done.report
    if format == OutputFormat.json:
        document = {
            "file": str(done.file),
            "assets": done.assets,
            "edges": done.edges,
            "notes": done.notes,
            "run": report.to_json() if report else None,
        }
        typer.echo(json.dumps(document))
        return
    count = len(done.assets)
    typer.echo(f"wrote {count} asset{'s' * (count != 1)} to {done.file}")
    typer.echo(f"recorded {done.edges} lineage edge{'s' * (done.edges != 1)} (origin dbt)")
    for note in done.notes:
        print_error(note)
    if report is None:
        return
    _print_recorded(report, "dbt")


def _print_recorded(report: RunReport, tool: str) -> None:
    """``recorded 7 dbt results as run …: 6 pass, 1 fail``, each result, each incident."""
    from trustwell.integrations.results import STATUSES

    counts = {s: sum(r.status == s for r in report.results) for s in STATUSES}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    total = len(report.results)
    typer.echo(
        f"recorded {total} {tool} result{'s' * (total != 1)} as run {report.run_id}: {summary}"
    )
    for item in report.results:
        typer.echo(f"  {item.status:<5}  {item.asset}  {item.check}  {item.message}")
    for incident in report.incidents:
        typer.echo(f"{incident['id']} {incident['action']} ({incident['severity']})")
