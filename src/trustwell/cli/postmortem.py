"""``trustwell postmortem INC-7``: draft (or refresh) a post-mortem, or mark it complete."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.actions import AsOption, open_project_store
from trustwell.cli.common import ProjectOption, actor_name


def register(app: typer.Typer) -> None:
    """Add ``trustwell postmortem`` to the app."""
    app.command("postmortem")(postmortem_command)


def postmortem_command(
    incident: Annotated[str, typer.Argument(metavar="ID", help="The incident, e.g. INC-7.")],
    complete: Annotated[
        bool,
        typer.Option("--complete", help="Read the edited file and mark the post-mortem complete."),
    ] = False,
    as_: Annotated[str | None, AsOption] = None,
    project: Path = ProjectOption,
) -> None:
    """Draft a blameless post-mortem into postmortems/INC-N.md, or complete it.

    The draft is refreshed from the timeline until someone edits the file;
    after that the edits are kept. --complete refuses while a TODO: line is left.
    """
    from trustwell.incidents.postmortem import complete_postmortem, create_or_update_draft

    loaded, store = open_project_store(project)
    try:  # IncidentNotFound, PostmortemError: domain errors, printed by the root group
        if complete:
            path = complete_postmortem(store, loaded, incident, actor_name(as_))
        else:
            path = create_or_update_draft(store, loaded, incident, actor_name(as_))
    finally:
        store.close()
    state = "complete" if complete else "draft (edit it, then run again with --complete)"
    typer.echo(f"post-mortem {state}:", err=True)
    typer.echo(path.as_posix())
