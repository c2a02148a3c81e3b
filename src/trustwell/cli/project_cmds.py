"""``trustwell init`` and ``trustwell schema``: start a project, describe its files."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import fail_invalid


class SchemaKind(StrEnum):
    project = "project"
    assets = "assets"


def schema(
    kind: Annotated[
        SchemaKind | None,
        typer.Option(
            "--kind", help="Only the schema of trustwell.yml (project) or assets/*.yml (assets)."
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of the project files (both kinds, keyed by file name, by default)."""
    from trustwell.config.schema import KINDS, json_schema

    schemas = json_schema()
    document = schemas if kind is None else schemas[KINDS[kind.value]]
    typer.echo(json.dumps(document, indent=2))


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.")],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite starter files that exist.")
    ] = False,
) -> None:
    """Write a commented starter project that runs as is."""
    from trustwell.config.starter import StarterExists, write_starter

    try:
        written = write_starter(directory, force=force)
    except StarterExists as exc:
        listed = ", ".join(p.relative_to(directory).as_posix() for p in exc.existing)
        raise fail_invalid(
            f"error: {directory} already has {listed}; "
            "nothing was written (use --force to overwrite)"
        ) from None
    except OSError as exc:
        raise fail_invalid(f"error: cannot write the project into {directory}: {exc}") from None
    for path in written:
        typer.echo(f"wrote {path.as_posix()}")
    typer.echo(f"\nNext: trustwell run --project {directory.as_posix()}")


def register(app: typer.Typer) -> None:
    """Add ``init`` and ``schema`` to the ``trustwell`` command."""
    app.command("init")(init)
    app.command("schema")(schema)
