"""``trustwell tick`` and ``trustwell drill``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from trustwell.cli.common import ProjectOption, actor_name
from trustwell.cli.incident_common import ActorOption, FormatOption, opened


def register(app: typer.Typer) -> None:
    app.command("tick")(tick_command)
    app.command("drill")(drill_command)


def tick_command(fmt: str = FormatOption, project: Path = ProjectOption) -> None:
    """Do everything due now: escalations, update reminders, overdue actions, the outbox."""
    from trustwell.incidents.tick import tick

    with opened(project) as (loaded, store):
        report = tick(store, loaded)
    if fmt == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    print(
        f"escalated: {', '.join(report.escalated) or 'none'}; "
        f"reminded: {', '.join(report.reminded) or 'none'}; "
        f"overdue action items: {report.overdue_actions}; "
        f"messages sent {report.sent}, retrying {report.retried}, dead {report.dead}"
    )


def drill_command(
    severity: str = typer.Option(..., "--severity", help="SEV-1, SEV-2 or SEV-3."),
    asset: str = typer.Option(..., "--asset"),
    actor: str | None = ActorOption,
    fmt: str = FormatOption,
    project: Path = ProjectOption,
) -> None:
    """Run a simulated incident through the whole workflow (marked DRILL, not in metrics)."""
    from trustwell.cli.incident_common import deliver_now
    from trustwell.incidents.document import incident_json
    from trustwell.incidents.drill import run_drill

    def show(label: str, incident: object) -> None:
        if fmt != "json":
            print(f"[DRILL] {label}", file=sys.stderr)

    with opened(project) as (loaded, store):
        incident = run_drill(
            store, loaded, asset=asset, severity=severity, actor=actor_name(actor), on_step=show
        )
        deliver_now(loaded, store)
    if fmt == "json":
        sys.stdout.write(json.dumps(incident_json(incident), indent=2) + "\n")
    else:
        from trustwell.cli.incident_view import render_incident

        render_incident(incident, brief=False)
