"""``trustwell oncall``: who is on call now (or at --at), until when, and who is next."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from trustwell.cli.common import (
    OutputFormat,
    ProjectOption,
    fail_invalid,
    load_project_or_exit,
)

if TYPE_CHECKING:
    from datetime import datetime

    from trustwell.config.models import Rotation


def register(app: typer.Typer) -> None:
    """Add ``trustwell oncall`` to the app."""
    app.command("oncall")(oncall_command)


def oncall_command(
    team: Annotated[
        str | None, typer.Option("--team", "-t", help="Only this team's rotation.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="An ISO-8601 time to ask about (default: now, TRUSTWELL_NOW)."),
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Show who is on call in each rotation, until when, and who takes over next."""
    from trustwell import clock
    from trustwell.config.errors import did_you_mean

    loaded = load_project_or_exit(project)
    rotations = loaded.settings.oncall
    if team is not None and team not in rotations:
        if team in loaded.settings.teams:
            raise fail_invalid(f"error: team '{team}' has no on-call rotation in trustwell.yml")
        known = [*rotations, *loaded.settings.teams]
        raise fail_invalid(f"error: unknown team '{team}'{did_you_mean(team, known)}")
    try:
        moment = clock.now() if at is None else clock.parse_timestamp(at)
    except ValueError:
        raise fail_invalid(
            f"error: --at {at!r} is not an ISO-8601 time, e.g. 2026-11-23T09:00:00Z"
        ) from None

    selected = [team] if team is not None else list(rotations)
    rows = []
    for name in selected:
        try:
            rows.append(_row(name, rotations[name], moment))
        except ValueError as exc:
            raise fail_invalid(f"error: oncall.{name} in trustwell.yml: {exc}") from None

    if format is OutputFormat.json:
        typer.echo(json.dumps(rows, indent=2))
    elif not rows:
        typer.echo("No on-call rotations: add them under oncall: in trustwell.yml.")
    else:
        for row in rows:
            typer.echo(_line(row))


def _row(team: str, rotation: Rotation, moment: datetime) -> dict[str, Any]:
    """One rotation as the documented JSON object, times as ISO UTC with Z."""
    from trustwell.clock import isoformat
    from trustwell.incidents.oncall import next_handoff, on_call

    until, following = next_handoff(rotation, moment)
    return {
        "team": team,
        "on_call": on_call(rotation, moment),
        "until": isoformat(until),
        "next": following,
    }


def _line(row: dict[str, Any]) -> str:
    who = row["on_call"] or "nobody (the rotation has not started)"
    then = row["next"] or "nobody"
    return f"{row['team']}: {who} until {row['until']}, then {then}"
