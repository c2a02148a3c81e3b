"""Rich rendering of incidents for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from trustwell.clock import isoformat
from trustwell.incidents.model import IncidentSnapshot

SEVERITY_STYLE = {"SEV-1": "bold red", "SEV-2": "red", "SEV-3": "yellow"}


def render_list(found: list[IncidentSnapshot]) -> None:
    console = Console(highlight=False)
    if not found:
        console.print("no incidents")
        return
    table = Table(title="incidents", title_justify="left")
    for column in ("id", "severity", "status", "title", "commander", "declared"):
        table.add_column(column, overflow="fold")
    for incident in found:
        style = SEVERITY_STYLE.get(incident.severity, "")
        drill = " [DRILL]" if incident.drill else ""
        table.add_row(
            incident.id,
            f"[{style}]{incident.severity}[/]",
            incident.status,
            incident.title + drill,
            incident.commander or "-",
            isoformat(incident.declared_at),
        )
    console.print(table)


def render_incident(incident: IncidentSnapshot, *, brief: bool = True) -> None:
    console = Console(highlight=False)
    style = SEVERITY_STYLE.get(incident.severity, "")
    drill = " [reverse] DRILL [/]" if incident.drill else ""
    console.print(
        f"[bold]{incident.id}[/] [{style}]{incident.severity}[/] "
        f"{incident.status}{drill}: {incident.title}"
    )
    assets = ", ".join(f"{a.asset} ({a.impact})" for a in incident.assets)
    console.print(f"  assets: {assets}", markup=False)
    console.print(
        f"  commander: {incident.commander or '-'}; experts: "
        f"{', '.join(incident.smes) or '-'}; runbook: {incident.runbook or '-'}",
        markup=False,
    )
    when = incident.occurred_at and isoformat(incident.occurred_at)
    console.print(
        f"  occurred {when or '?'}, declared {isoformat(incident.declared_at)}"
        + (
            f", next update by {isoformat(incident.next_update_at)}"
            if incident.next_update_at and incident.is_open
            else ""
        ),
        markup=False,
    )
    if brief:
        return
    table = Table(title="timeline", title_justify="left")
    for column in ("at", "who", "what", "text"):
        table.add_column(column, overflow="fold")
    for entry in incident.timeline:
        text = entry.text + (f"\npublic: {entry.public_text}" if entry.public_text else "")
        table.add_row(isoformat(entry.at), entry.actor, entry.kind, text)
    console.print(table)
