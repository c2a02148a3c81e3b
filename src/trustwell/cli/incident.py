"""``trustwell incident …``: run an incident from the terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from trustwell.cli.common import ProjectOption, actor_name
from trustwell.cli.incident_common import (
    ActorOption,
    FormatOption,
    check_format,
    deliver_now,
    opened,
    print_incident,
    time_option,
)

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.incidents.model import IncidentSnapshot
    from trustwell.store import Store

incident_app = typer.Typer(help="Declare, follow and run incidents.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(incident_app, name="incident")


def _act(project_dir: Path, fmt: str, action: Callable[[Project, Store], IncidentSnapshot]) -> None:
    check_format(fmt)
    with opened(project_dir) as (project, store):
        incident = action(project, store)
        deliver_now(project, store)
    print_incident(incident, fmt)


@incident_app.command("list")
def list_command(
    status: str | None = typer.Option(
        None,
        "--status",
        "-s",
        help="open, active (open but not yet monitoring) or one lifecycle status.",
    ),
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """List incidents, newest first."""
    from trustwell.incidents.document import incident_json
    from trustwell.incidents.service import list_incidents

    check_format(fmt)
    with opened(project) as (_, store):
        found = list_incidents(store, status)
    if fmt == "json":
        sys.stdout.write(json.dumps([incident_json(i) for i in found], indent=2) + "\n")
        return
    from trustwell.cli.incident_view import render_list

    render_list(found)


@incident_app.command("show")
def show_command(
    ident: str = typer.Argument(..., metavar="ID"),
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Show one incident with its timeline."""
    from trustwell.incidents.service import get_incident

    check_format(fmt)
    with opened(project) as (_, store):
        incident = get_incident(store, ident)
    print_incident(incident, fmt, brief=False)


@incident_app.command("declare")
def declare_command(
    asset: str = typer.Option(..., "--asset", help="The root asset."),
    title: str = typer.Option(..., "--title"),
    severity: str | None = typer.Option(
        None, "--severity", help="SEV-1..SEV-3 (default: from tiers)."
    ),
    occurred_at: str | None = typer.Option(
        None, "--occurred-at", help="When the data went bad (ISO time)."
    ),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Declare an incident by hand."""
    from trustwell.incidents.service import declare

    when = time_option("--occurred-at", occurred_at)
    _act(
        project,
        fmt,
        lambda p, s: declare(
            s,
            p,
            asset=asset,
            title=title,
            severity=severity,
            actor=actor_name(actor),
            occurred_at=when,
        ),
    )


@incident_app.command("ack")
def ack_command(
    ident: str = typer.Argument(..., metavar="ID"),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Acknowledge an incident."""
    from trustwell.incidents.service import acknowledge

    _act(project, fmt, lambda p, s: acknowledge(s, p, ident, actor=actor_name(actor)))


@incident_app.command("status")
def status_command(
    ident: str = typer.Argument(..., metavar="ID"),
    status: str = typer.Argument(..., metavar="STATUS"),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Move an incident along its lifecycle."""
    from trustwell.incidents.service import set_status

    _act(project, fmt, lambda p, s: set_status(s, p, ident, status, actor=actor_name(actor)))


@incident_app.command("update")
def update_command(
    ident: str = typer.Argument(..., metavar="ID"),
    message: str = typer.Option(..., "--message", "-m", help="Internal text."),
    public: str | None = typer.Option(None, "--public", help="Text for stakeholders."),
    eta: str | None = typer.Option(None, "--eta", help="Expected fix time (ISO)."),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Post a status update (internal, and optionally public with an ETA);
    says what was posted, who was told and the ETA."""
    from trustwell.cli.incident_update import post_and_tell

    check_format(fmt)
    post_and_tell(
        project, ident, message, public, time_option("--eta", eta), actor_name(actor), fmt
    )


@incident_app.command("assign")
def assign_command(
    ident: str = typer.Argument(..., metavar="ID"),
    commander: str | None = typer.Option(None, "--commander", help="The new Commander."),
    add_sme: list[str] = typer.Option([], "--add-sme", help="Add an expert (repeatable)."),
    remove_sme: list[str] = typer.Option([], "--remove-sme", help="Remove an expert."),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Hand the Incident Commander role over, or change the experts."""
    from trustwell.incidents.service import assign

    _act(
        project,
        fmt,
        lambda p, s: assign(
            s,
            p,
            ident,
            commander=commander,
            add_smes=add_sme,
            remove_smes=remove_sme,
            actor=actor_name(actor),
        ),
    )


@incident_app.command("severity")
def severity_command(
    ident: str = typer.Argument(..., metavar="ID"),
    severity: str = typer.Argument(..., metavar="SEV-N"),
    reason: str | None = typer.Option(None, "--reason"),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Change the severity (the change and who made it go on the timeline)."""
    from trustwell.incidents.service import change_severity

    _act(
        project,
        fmt,
        lambda p, s: change_severity(
            s, p, ident, severity=severity, reason=reason, actor=actor_name(actor)
        ),
    )


@incident_app.command("resolve")
def resolve_command(
    ident: str = typer.Argument(..., metavar="ID"),
    cause: str = typer.Option(..., "--cause", help="Root-cause category."),
    summary: str = typer.Option(..., "--summary"),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Resolve an incident with its cause."""
    from trustwell.incidents.service import resolve

    _act(
        project,
        fmt,
        lambda p, s: resolve(s, p, ident, cause=cause, summary=summary, actor=actor_name(actor)),
    )


@incident_app.command("dismiss")
def dismiss_command(
    ident: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason"),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Dismiss an incident (false positive, expected change, duplicate)."""
    from trustwell.incidents.service import dismiss

    _act(project, fmt, lambda p, s: dismiss(s, p, ident, reason=reason, actor=actor_name(actor)))


@incident_app.command("occurred")
def occurred_command(
    ident: str = typer.Argument(..., metavar="ID"),
    at: str = typer.Option(..., "--at", help="When the data went bad (ISO)."),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Correct when the data went bad (feeds time to detection; on the timeline)."""
    from trustwell.incidents.service import set_occurred_at

    when = time_option("--at", at)
    assert when is not None  # --at is required
    _act(
        project,
        fmt,
        lambda p, s: set_occurred_at(s, p, ident, occurred_at=when, actor=actor_name(actor)),
    )
