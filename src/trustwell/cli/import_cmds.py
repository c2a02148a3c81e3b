"""``trustwell import …``: what other tools know, brought into trustwell.

``gx-suite`` converts a Great Expectations suite to checks; ``gx-results``
records a GX validation as external results. The group is the place for
``import dbt`` too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import ProjectOption, load_project_or_exit, print_error

import_app = typer.Typer(
    name="import",
    help="Import checks and results from Great Expectations (and, later, dbt).",
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
