"""``trustwell contract export|import|diff``: assets as Open Data Contract Standard v3 documents.

``export`` writes an asset's contract (stdout or ``--output``); ``import``
creates or updates an asset from a contract and lists what it could not map;
``diff`` lists the changes between two contracts and exits 1 on a breaking one.
Every document is validated against the ODCS JSON Schema; an invalid one exits 2
with each violation's path and line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import (
    EXIT_FAILED,
    FormatArg,
    OutputFormat,
    ProjectOption,
    load_project_or_exit,
    print_error,
)

contract_app = typer.Typer(
    name="contract",
    help="Data contracts: export, import and compare ODCS v3 documents.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add ``trustwell contract`` to the app."""
    app.add_typer(contract_app)


@contract_app.command("export")
def export_command(
    asset: Annotated[str, typer.Argument(help="The asset to describe as a contract.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
    contract_version: Annotated[
        str, typer.Option("--contract-version", help="The contract's version.")
    ] = "1.0.0",
    status: Annotated[
        str, typer.Option("--status", help="proposed, draft, active, deprecated or retired.")
    ] = "active",
    project: Path = ProjectOption,
) -> None:
    """Write ASSET as an ODCS v3 contract: columns, quality rules, SLAs, owner."""
    from trustwell.contracts.files import dump_yaml
    from trustwell.contracts.service import export_contract

    loaded = load_project_or_exit(project)
    exported = export_contract(loaded, asset, version=contract_version, status=status)
    if not exported.described:
        print_error(
            f"note: {asset} could not be described ({exported.reason}): its columns come"
            " from its checks and column docs"
        )
    text = dump_yaml(exported.document)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print_error(f"wrote the contract of {asset} to {output}")


@contract_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="An ODCS v3 contract (YAML or JSON).")],
    format: FormatArg = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Create or update the asset of a contract; list each part that could not be mapped."""
    from trustwell.contracts.service import import_contract

    loaded = load_project_or_exit(project)
    report = import_contract(loaded, file)
    if format == OutputFormat.json:
        typer.echo(json.dumps(report.to_json(loaded.root)))
        return
    verb = "created" if report.created else "updated"
    where = report.path.relative_to(loaded.root).as_posix()
    count = report.checks
    typer.echo(f"{verb} asset {report.asset} in {where} ({count} check{'s' * (count != 1)})")
    for item in report.unmapped:
        print_error(item.text(str(file)))


@contract_app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The contract as it was.")],
    new: Annotated[Path, typer.Argument(help="The contract as proposed.")],
    format: FormatArg = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """List the changes from OLD to NEW; exit 1 when any is breaking, 0 otherwise."""
    from trustwell.contracts.service import diff_files

    # Read as by every command: outside a project the command exits 2 before it
    # reads anything else; the comparison itself reads only the two files.
    load_project_or_exit(project)
    changes = diff_files(old, new)
    breaking = [c for c in changes if c.breaking]
    if format == OutputFormat.json:
        document = {"breaking": bool(breaking), "changes": [c.to_json() for c in changes]}
        typer.echo(json.dumps(document))
    else:
        for change in changes:
            mark = "BREAKING" if change.breaking else "ok      "
            typer.echo(f"{mark}  {change.message}  ({change.path})")
        total = len(changes)
        typer.echo(
            f"{len(breaking)} breaking change{'s' * (len(breaking) != 1)},"
            f" {total - len(breaking)} non-breaking"
            if total
            else "no changes"
        )
    if breaking:
        raise typer.Exit(EXIT_FAILED)
