"""How the demo describes an incident: its facts, its notices, excerpts of what it wrote.

Read-only helpers for :mod:`trustwell.demo.story_incident`; nothing here changes an incident.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from trustwell.demo.state import Demo, StoryError
from trustwell.durations import humanize

if TYPE_CHECKING:
    from trustwell.incidents.model import IncidentSnapshot
    from trustwell.notify.outbox import OutboxRow
    from trustwell.store import Store


def facts(demo: Demo, incident: IncidentSnapshot) -> list[tuple[str, str]]:
    """Label and text of each line that describes the incident."""
    from trustwell.incidents.oncall import next_handoff
    from trustwell.incidents.runbooks import get_runbook, load_runbooks

    project = demo.loaded()
    settings = project.settings
    assets = {a.asset: project.asset(a.asset) for a in incident.assets}
    impact = {a.asset: a.impact for a in incident.assets}
    worst = min((a for a in assets.values() if a), key=lambda a: a.tier)
    owner = project.asset(incident.root_asset)
    team = owner.owner if owner else None
    person = settings.people.get(incident.commander or "")
    rotation = settings.oncall.get(team or "")
    duty = f"on call for {team}"
    if rotation is not None:
        until = next_handoff(rotation, incident.declared_at)[0]
        duty += f" until {demo.clock_time(until, '%a %d %b %H:%M')}"
    runbook = get_runbook(load_runbooks(project), incident.runbook or "")
    experts = []
    for name, members in ((t, settings.teams[t].members) for t in _teams(demo, incident)):
        experts.append(", ".join(p for p in members if p in incident.smes) + f" ({name})")
    affected = []
    for entry in incident.assets:
        asset = assets[entry.asset]
        reach = [f"tier {asset.tier}, owner {asset.owner}" if asset else "unknown asset"]
        reach += [f"feeds {c}" for c in asset.consumers] if asset else []
        reach += [f"subscriber {s}" for s in asset.subscribers] if asset else []
        affected.append(f"{entry.asset} ({entry.impact}): " + ", ".join(reach))
    went_bad = incident.occurred_at or incident.declared_at
    called = f" ({person.name})" if person and person.name else ""
    why = f"the most important affected asset is {worst.name}, tier {worst.tier}"
    return [
        ("Severity", f"{incident.severity}: {why} ({impact[worst.name]})"),
        ("Commander", f"{incident.commander}{called}, {duty}"),
        ("Experts", "; ".join(experts)),
        ("Runbook", f"{incident.runbook}: {runbook.title if runbook else '?'}"),
        ("Affected", affected[0]),
        *(("", line) for line in affected[1:]),
        (
            "Went bad",
            f"{demo.clock_time(went_bad, '%a %d %b %H:%M')}, found "
            f"{took(went_bad, incident.declared_at)} later; next update due by "
            f"{demo.clock_time(incident.next_update_at or incident.declared_at)}",
        ),
    ]


def show_notices(demo: Demo, incident: IncidentSnapshot, rows: list[OutboxRow]) -> None:
    """How many messages wait in the outbox, for whom, and what a subscriber is told."""
    say = demo.console.print
    rows = sorted(rows, key=lambda r: r.id)
    pending = [r for r in rows if r.status == "pending"]
    sent = len(rows) - len(pending)
    channels = demo.loaded().settings.channels.values()
    smtp = next((str(c.get("smtp")) for c in channels if c.get("type") == "email"), "")
    host = urlsplit(smtp).netloc or smtp
    recipients = ", ".join(dict.fromkeys(str(r.recipient) for r in rows if r.recipient))
    if sent:
        say(f"Notices: sent {sent}, queued {len(pending)} (to {recipients}).", soft_wrap=True)
    else:
        say(
            f"Notices: queued: {len(pending)} messages (nobody listens on {host} in the demo; "
            "`trustwell outbox` shows them, each with a retry scheduled).",
            soft_wrap=True,
            markup=False,
        )
        say(f"  to {recipients}", soft_wrap=True, markup=False)
    with demo.store() as store:
        told = notice_text(store, incident, "incident.declared", subscriber(demo, incident))
    if told is None:
        raise StoryError(f"no notice was queued for the subscribers of {incident.id}")
    address, subject, text = told
    say(f"What {address} reads, in plain language:", markup=False)
    say(f"  Subject: {subject}", soft_wrap=True, markup=False)
    say(f"  {text}", soft_wrap=True, markup=False)


def notice_text(
    store: Store, incident: IncidentSnapshot, event: str, address: str | None
) -> tuple[str, str, str] | None:
    """(recipient, subject, text) of the newest ``event`` notice to ``address``."""
    import sqlalchemy as sa

    from trustwell.incidents.records import parse_incident_id
    from trustwell.store.incident_tables import outbox

    if address is None:
        return None
    query = (
        sa.select(outbox.c.payload)
        .where(
            outbox.c.incident == parse_incident_id(incident.id),
            outbox.c.event == event,
            outbox.c.recipient == address,
        )
        .order_by(outbox.c.id.desc())
    )
    payload = store.read(lambda conn: conn.execute(query).scalars().first())
    if not payload:
        return None
    import re

    # The signed unsubscribe link differs with every store's key: shown cut, so
    # the story reads the same each time it is told.
    text = re.sub(r"token=\S+", "token=…", str(payload.get("text", "")))
    return address, str(payload.get("subject", "")), text


def subscriber(demo: Demo, incident: IncidentSnapshot) -> str | None:
    """The first subscriber of an affected asset: who the notices are shown for."""
    for entry in incident.assets:
        asset = demo.loaded().asset(entry.asset)
        if asset and asset.subscribers:
            return asset.subscribers[0]
    return None


def _teams(demo: Demo, incident: IncidentSnapshot) -> list[str]:
    owners = [demo.loaded().asset(a.asset) for a in incident.assets]
    names = [a.owner for a in owners if a and a.owner in demo.loaded().settings.teams]
    return [n for n in dict.fromkeys(names) if n]


def outbox_of(store: Store, incident: IncidentSnapshot) -> list[OutboxRow]:
    """The outbox rows of one incident, newest first."""
    from trustwell.incidents.records import parse_incident_id
    from trustwell.notify.outbox import outbox_rows

    number = parse_incident_id(incident.id)
    return [r for r in outbox_rows(store) if r.incident == number]


def took(start: datetime | None, end: datetime | None) -> str:
    """The time between two moments, as people say it (``23h 50m``)."""
    return humanize((end - start).total_seconds()) if start and end else "?"


def median(summary: dict[str, Any]) -> str:
    """The median of a metrics summary (``{"median_seconds": …}``), as people say it."""
    seconds = summary.get("median_seconds")
    return humanize(seconds) if seconds is not None else "-"


def without_comment(body: str) -> list[str]:
    """The post-mortem's lines without its HTML comment (the note to the writers)."""
    lines, inside = [], False
    for line in body.splitlines():
        if line.startswith("<!--"):
            inside = True
        if not inside:
            lines.append(line)
        if inside and line.rstrip().endswith("-->"):
            inside = False
    return lines
