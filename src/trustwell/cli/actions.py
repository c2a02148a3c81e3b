"""``trustwell actions``: list, add and close post-incident action items."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustwell.cli.common import (
    OutputFormat,
    ProjectOption,
    actor_name,
    fail_invalid,
    load_project_or_exit,
)

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store.database import Store


AsOption = typer.Option("--as", help="Who acts (default: $TRUSTWELL_USER, else your login name).")

actions_app = typer.Typer(
    name="actions",
    help="Action items from incidents: list, add, mark done.",
    no_args_is_help=False,
)


def register(app: typer.Typer) -> None:
    """Add ``trustwell actions`` (with ``add`` and ``done``) to the app."""
    app.add_typer(actions_app)


def open_project_store(root: Path) -> tuple[Project, Store]:
    """Load the project (exit 2 if invalid) and open its store."""
    from trustwell.store import open_store

    project = load_project_or_exit(root)
    return project, open_store(project.settings.store, project.root)


def parse_due(text: str, timezone: str) -> datetime:
    """``2026-12-01`` (the end of that day in the project's zone) or an ISO timestamp.

    >>> parse_due("2026-12-01", "UTC").isoformat()
    '2026-12-01T23:59:59+00:00'
    """
    from datetime import date, time
    from zoneinfo import ZoneInfo

    from trustwell.clock import parse_timestamp

    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return parse_timestamp(text)
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(timezone))


@actions_app.callback(invoke_without_command=True)
def actions_command(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only open items.")] = False,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """List action items: open ones first, by due date."""
    if ctx.invoked_subcommand is not None:
        return
    from trustwell.clock import now
    from trustwell.incidents.actions import list_actions

    loaded, store = open_project_store(project)
    try:
        items = list_actions(store, open_only=open_only)
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps([item.to_json() for item in items], indent=2))
        return
    if not items:
        typer.echo("no open action items" if open_only else "no action items")
        return
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(loaded.settings.timezone)
    moment = now()
    for item in items:
        due = item.due_at.astimezone(zone).date().isoformat() if item.due_at else "no due date"
        late = " OVERDUE" if item.is_overdue(moment) else ""
        where = item.incident_id or "-"
        typer.echo(
            f"#{item.id}  {item.status:<9} {where:<8} {due}{late}  "
            f"{item.owner or 'no owner'}: {item.title}"
        )


@actions_app.command("add")
def add_command(
    title: Annotated[str, typer.Option("--title", help="What will be done.")],
    incident: Annotated[
        str | None, typer.Option("--incident", help="The incident it comes from, e.g. INC-7.")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Who does it.")] = None,
    due: Annotated[
        str | None, typer.Option("--due", help="Due date (2026-12-01) or an ISO timestamp.")
    ] = None,
    as_: Annotated[str | None, AsOption] = None,
    project: Path = ProjectOption,
) -> None:
    """Add an action item (printed: its id)."""
    from trustwell.incidents.actions import add_action
    from trustwell.incidents.records import parse_incident_id

    loaded, store = open_project_store(project)
    try:
        try:
            due_at = parse_due(due, loaded.settings.timezone) if due else None
        except ValueError:
            raise fail_invalid(f"error: --due {due!r} is not a date (YYYY-MM-DD)") from None
        # An unknown incident is a domain error: the root group prints it (exit 2).
        number = parse_incident_id(incident) if incident else None
        item_id = add_action(store, number, title, owner, due_at, actor_name(as_))
    finally:
        store.close()
    typer.echo(f"added action item #{item_id}")


@actions_app.command("done")
def done_command(
    item: Annotated[int, typer.Argument(help="The action item's id.")],
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Mark it cancelled instead of done.")
    ] = False,
    as_: Annotated[str | None, AsOption] = None,
    project: Path = ProjectOption,
) -> None:
    """Mark an action item done (or cancelled)."""
    from trustwell.incidents.actions import close_action

    _, store = open_project_store(project)
    try:  # an unknown or closed item is a domain error: the root group prints it (exit 2)
        closed = close_action(store, item, actor_name(as_), "cancelled" if cancel else "done")
    finally:
        store.close()
    typer.echo(f"action item #{closed.id} is {closed.status}: {closed.title}")


@actions_app.command("push")
def push_command(
    item: Annotated[int, typer.Argument(help="The action item's id.")],
    channel: Annotated[
        str | None, typer.Option("--channel", help="The Jira channel (default: the first).")
    ] = None,
    as_: Annotated[str | None, AsOption] = None,
    project: Path = ProjectOption,
) -> None:
    """Push an action item to Jira as a Task (its key is recorded on the item)."""
    from trustwell.incidents.actions import get_action_or_raise, push_action
    from trustwell.notify.outbox import deliver_due

    loaded, store = open_project_store(project)
    try:
        push_action(store, loaded.settings, item, actor_name(as_), channel)
        deliver_due(store, loaded.settings)
        pushed = store.read(lambda conn: get_action_or_raise(conn, item))
    finally:
        store.close()
    where = pushed.jira_key or "queued (the outbox retries until Jira answers)"
    typer.echo(f"action item #{pushed.id} in Jira: {where}")
