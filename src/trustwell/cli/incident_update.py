"""``trustwell incident update``: post a status update and say what happened to it.

The responder sees what was posted (internal and public text), who was told
(channels by name, how many e-mail addresses: never an address) and the ETA,
so nobody has to open the incident page to check the update went out.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from trustwell.cli.incident_common import deliver_now, opened, print_incident

if TYPE_CHECKING:
    from trustwell.incidents.model import IncidentSnapshot
    from trustwell.notify.queued import Queued


def post_and_tell(
    project: Path,
    ident: str,
    message: str,
    public: str | None,
    eta: datetime | None,
    actor: str,
    fmt: str,
) -> None:
    """Post the update, deliver what it queued, then print the incident (json)
    or what was posted, to whom notices were queued, and the ETA (text)."""
    from trustwell.incidents.records import parse_incident_id
    from trustwell.incidents.service import post_update
    from trustwell.notify.queued import last_outbox_id, queued_after

    with opened(project) as (loaded, store):
        before = store.read(last_outbox_id)
        incident = post_update(
            store, loaded, ident, message=message, public=public, eta=eta, actor=actor
        )
        number = parse_incident_id(incident.id)
        queued = store.read(lambda conn: queued_after(conn, before, number, "incident.updated"))
        deliver_now(loaded, store)
    if fmt == "json":
        print_incident(incident, fmt)
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    for line in update_lines(incident, queued, str(loaded.settings.timezone)):
        console.print(line, markup=False)


def update_lines(incident: IncidentSnapshot, queued: Queued, timezone: str) -> list[str]:
    """What the update posted, who was told and the ETA, as printed; pure."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)

    def at(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    entry = next(e for e in reversed(incident.timeline) if e.kind == "update")
    eta = (entry.data or {}).get("eta")
    lines = [
        f"{incident.id} {incident.severity} {incident.status}: update posted by {entry.actor}",
        f"  internal: {entry.text}",
        f"  public: {entry.public_text}"
        if entry.public_text
        else "  public: none (the status page and subscribers are not told)",
        f"  ETA: {at(datetime.fromisoformat(eta.replace('Z', '+00:00')))}"
        if eta
        else "  ETA: none given",
        f"  notices queued for {queued.text()}",
    ]
    if incident.next_update_at is not None:
        lines.append(f"  next update due by {at(incident.next_update_at)}")
    return lines
