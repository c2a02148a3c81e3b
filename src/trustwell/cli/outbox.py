"""``trustwell outbox``: list outgoing messages, deliver what is due, requeue dead ones."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustwell.cli.common import (
    EXIT_FAILED,
    OutputFormat,
    ProjectOption,
    actor_name,
    fail_invalid,
    load_project_or_exit,
)

if TYPE_CHECKING:
    from rich.console import Console

    from trustwell.config.models import Project
    from trustwell.notify.outbox import OutboxRow
    from trustwell.store.database import Store


class Status(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    dead = "dead"


def register(app: typer.Typer) -> None:
    """Add ``trustwell outbox`` (with ``retry`` and ``deliver``) to the app."""
    group = typer.Typer(
        name="outbox",
        help="Outgoing notifications: list them, deliver what is due, requeue dead ones.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    group.callback()(outbox_command)
    group.command("retry")(retry_command)
    group.command("deliver")(deliver_command)
    app.add_typer(group)


def outbox_command(
    ctx: typer.Context,
    status: Annotated[
        Status | None, typer.Option("--status", "-s", help="Only rows in this status.")
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Newest rows at most.")] = 200,
    project: Path = ProjectOption,
) -> None:
    """List the outbox, newest first: channel, event, incident, status, attempts, errors."""
    if ctx.invoked_subcommand is not None:
        return
    from trustwell.notify.outbox import outbox_rows

    loaded = load_project_or_exit(project)
    with _opened(loaded) as store:
        rows = outbox_rows(store, None if status is None else str(status), limit=limit)
    secrets = _secrets(loaded)
    if format is OutputFormat.json:
        typer.echo(outbox_json(rows, secrets))
    else:
        from rich.console import Console

        print_outbox(rows, Console(highlight=False), secrets)


def retry_command(
    ids: Annotated[list[int], typer.Argument(help="Ids of dead rows to deliver again.")],
    as_: Annotated[
        str | None,
        typer.Option("--as", help="Who acts (default: $TRUSTWELL_USER, else your login name)."),
    ] = None,
    project: Path = ProjectOption,
) -> None:
    """Put dead messages back in the queue (attempts reset, due now; on the audit trail)."""
    from trustwell.notify.outbox import retry_dead

    loaded = load_project_or_exit(project)
    with _opened(loaded) as store:
        requeued = retry_dead(store, ids, actor=actor_name(as_))
    for row_id in requeued:
        typer.echo(f"requeued {row_id}")
    missing = sorted(set(ids) - set(requeued))
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise fail_invalid(f"error: not dead (or unknown): {listed}")


def deliver_command(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Messages at most.")] = 100,
    project: Path = ProjectOption,
) -> None:
    """Deliver the messages that are due now; exit 1 if any was given up on (dead)."""
    from trustwell.notify.config import ChannelConfigError
    from trustwell.notify.outbox import deliver_due

    loaded = load_project_or_exit(project)
    with _opened(loaded) as store:
        try:
            report = deliver_due(store, loaded.settings, limit=limit)
        except ChannelConfigError as exc:
            raise fail_invalid(_config_problems(exc.problems)) from None
    typer.echo(f"sent {report.sent}, retried {report.retried}, dead {report.dead}")
    if report.dead:
        raise typer.Exit(EXIT_FAILED)


def outbox_json(rows: Sequence[OutboxRow], secrets: Iterable[str] = ()) -> str:
    """The JSON of ``--format json``: an array of row objects, newest first.

    >>> outbox_json([])
    '[]'
    """
    from trustwell.notify.config import redact

    hidden = list(secrets)
    documents = []
    for row in rows:
        document = row.to_json()
        if document["last_error"]:
            document["last_error"] = redact(document["last_error"], hidden)
        documents.append(document)
    return json.dumps(documents, indent=2)


def print_outbox(rows: Sequence[OutboxRow], console: Console, secrets: Iterable[str] = ()) -> None:
    """A table: id, created, channel, event, incident, status, attempts, next attempt, error."""
    from rich.table import Table

    from trustwell.clock import isoformat
    from trustwell.notify.config import redact

    if not rows:
        console.print("the outbox is empty", markup=False)
        return
    hidden = list(secrets)
    styles = {"sent": "green", "pending": "yellow", "dead": "bold red"}
    table = Table(title="outbox", title_justify="left")
    for column in (
        "id", "created", "channel", "event", "incident", "status", "attempts",
        "next attempt", "last error",
    ):  # fmt: skip
        table.add_column(column, overflow="fold")
    for row in rows:
        channel = row.channel if row.recipient is None else f"{row.channel} → {row.recipient}"
        table.add_row(
            str(row.id),
            isoformat(row.created_at),
            channel,
            row.event,
            "" if row.incident is None else f"INC-{row.incident}",
            f"[{styles[row.status]}]{row.status}[/]" if row.status in styles else row.status,
            str(row.attempts),
            isoformat(row.next_attempt_at) if row.status == "pending" else "",
            redact(row.last_error or "", hidden),
        )
    console.print(table)


class _opened:
    """``with _opened(project) as store``: the project's store, closed afterwards."""

    def __init__(self, project: Project) -> None:
        self.project = project

    def __enter__(self) -> Store:
        from trustwell.store import open_store

        self.store = open_store(self.project.settings.store, self.project.root)
        return self.store

    def __exit__(self, *_: object) -> None:
        self.store.close()


def _secrets(project: Project) -> list[str]:
    from trustwell.notify.config import ChannelConfigError, parse_channels

    try:
        channels = parse_channels(project.settings)
    except ChannelConfigError:
        return []
    return [secret for config in channels.values() for secret in config.secrets()]


def _config_problems(problems: Sequence[object]) -> str:
    count = len(problems)
    lines = [f"error: the channels are invalid ({count} problem{'s' * (count != 1)}):"]
    return "\n".join([*lines, *(f"  {p}" for p in problems)])
