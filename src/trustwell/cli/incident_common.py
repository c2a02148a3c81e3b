"""What the ``incident`` commands share: the options, opening the project and its
store, printing an incident and delivering what an action queued.

Apart from ``cli/incident.py`` so that sibling command modules
(``incident_update``, ``ops``) use it without importing the command group.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from trustwell.cli.common import fail_invalid, load_project_or_exit

if TYPE_CHECKING:
    from datetime import datetime

    from trustwell.config.models import Project
    from trustwell.incidents.model import IncidentSnapshot
    from trustwell.store import Store

ActorOption = typer.Option(
    None,
    "--as",
    envvar="TRUSTWELL_USER",
    help="Who acts (default: $TRUSTWELL_USER, else your login).",
)
FormatOption = typer.Option("text", "--format", "-f", help="text or json.")


def time_option(option: str, value: str | None) -> datetime | None:
    """An ISO-8601 option value; exit 2 naming the option when it is not one."""
    from trustwell.clock import parse_timestamp

    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        raise fail_invalid(
            f"error: {option}: {value!r} is not an ISO-8601 time (like 2026-11-22T11:00:00Z)"
        ) from None


def check_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        raise fail_invalid(f"error: --format must be text or json, got {fmt!r}")


@contextmanager
def opened(project_dir: Path) -> Iterator[tuple[Project, Store]]:
    """The project and its store, closed at the end.

    Domain errors (an unknown incident, an illegal transition, …) pass through:
    the root group prints them and exits with their exit code.
    """
    from trustwell.store import open_store

    project = load_project_or_exit(project_dir)
    store = open_store(project.settings.store, project.root)
    try:
        yield project, store
    finally:
        store.close()


def print_incident(incident: IncidentSnapshot, fmt: str, *, brief: bool = True) -> None:
    from trustwell.incidents.document import incident_json

    if fmt == "json":
        sys.stdout.write(json.dumps(incident_json(incident), indent=2) + "\n")
        return
    from trustwell.cli.incident_view import render_incident

    render_incident(incident, brief=brief)


def deliver_now(project: Project, store: Store) -> None:
    """Send what the action queued right away; failures stay queued for `tick`."""
    from trustwell.notify.outbox import deliver_due

    deliver_due(store, project.settings)
