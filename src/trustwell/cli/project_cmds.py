"""``trustwell init`` and ``trustwell schema``: start a project, describe its files."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import ProjectOption, fail_invalid

# For the commands whose folder is also an argument (init DIR, demo DIR): no default,
# so that "not given" can be told from "the current folder".
FolderProjectOption = typer.Option(
    None, "--project", "-p", help="The project folder (the same as DIR; give one of them)."
)


def one_folder(directory: Path | None, project: Path | None, default: Path) -> Path:
    """DIR or --project, whichever is given (both: they must name one folder), else default."""
    if directory is not None and project is not None and directory.resolve() != project.resolve():
        raise fail_invalid(
            f"error: {directory} and --project {project} are two folders: give one of them"
        )
    return directory or project or default


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
    incident: Annotated[
        bool,
        typer.Option(
            "--incident",
            help="The schema of the incident document (incident show --format json, the API, "
            "webhooks) instead.",
        ),
    ] = False,
    project: Path = ProjectOption,
) -> None:
    """Print the JSON Schema of the project files (both kinds, keyed by file name, by default),
    or with --incident of the versioned incident document.

    The schemas are the same for every project: --project is accepted like every
    command's, so that scripts can pass it everywhere.
    """
    from trustwell.config.schema import KINDS, json_schema

    if incident:
        if kind is not None:
            raise fail_invalid("error: give --incident or --kind, not both")
        from trustwell.incidents.document import incident_json_schema

        typer.echo(json.dumps(incident_json_schema(), indent=2))
        return
    schemas = json_schema()
    document = schemas if kind is None else schemas[KINDS[kind.value]]
    typer.echo(json.dumps(document, indent=2))


def init(
    directory: Annotated[
        Path | None,
        typer.Argument(help="Folder to create the project in (default: the current folder)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite starter files that exist.")
    ] = False,
    project: Path | None = FolderProjectOption,
) -> None:
    """Write a commented starter project that runs as is."""
    from trustwell.config.starter import StarterExists, write_starter

    directory = one_folder(directory, project, Path("."))
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
