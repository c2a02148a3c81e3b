"""Blameless post-mortems: drafted from the incident, finished by the team.

:func:`draft_postmortem` is pure: it turns an :class:`IncidentSnapshot`, the
consumers downstream and the action items into Markdown with every section
the framework asks for (summary, impact, detection, response, root cause,
contributing factors, what went well, where we got lucky, action items).
Figures are filled in (TTD, TTA, TTR, the affected data interval, the
timeline, in the project's time zone); what only people know is left as a
placeholder line that starts with :data:`PLACEHOLDER`.

The I/O functions keep the file ``postmortems/INC-7.md`` in the project and
the ``postmortems`` table in step: :func:`create_or_update_draft` writes (or
refreshes, while nobody has edited it) the draft, :func:`load_edited` reads
the team's edits back, :func:`complete_postmortem` marks it complete once no
placeholder is left. The incident service checks :func:`postmortem_status`
before it closes an incident whose severity requires a post-mortem.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.durations import humanize
from trustwell.errors import Invalid
from trustwell.incidents.actions import ActionItem, list_actions
from trustwell.incidents.model import IncidentSnapshot
from trustwell.incidents.records import add_timeline, incident_id, parse_incident_id, snapshot
from trustwell.incidents.still_failing import latest_per_check
from trustwell.store.incident_tables import postmortems

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store.database import Store

PLACEHOLDER = "TODO:"  # a line holding this marker is still to be written by the team
FOLDER = "postmortems"

_SOURCES = {
    "check": "by a failing check",
    "anomaly": "by anomaly detection on a check's history",
    "report": "by a stakeholder's report, before any check caught it",
    "manual": "by a person who declared it by hand",
    "external": "by an external result (dbt, Great Expectations or OpenLineage)",
}


class PostmortemError(Invalid):
    """The post-mortem cannot do what was asked (missing, placeholders left)."""


def draft_postmortem(
    incident: IncidentSnapshot,
    consumers: Sequence[str],
    action_items: Sequence[ActionItem],
    *,
    timezone: str = "UTC",
) -> str:
    """The Markdown draft of a blameless post-mortem.

    >>> print(draft_postmortem(incident, ["dashboard.wbr"], [], timezone="Europe/Berlin"))
    ... # doctest: +SKIP
    # Post-mortem INC-7: Weekly CAC is stale
    ...
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)

    def when(value: datetime | None, missing: str = "not recorded") -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if value else missing

    def took(start: datetime | None, end: datetime | None, missing: str) -> str:
        if start is None or end is None:
            return missing
        return humanize((end - start).total_seconds())

    resolved = incident.resolved_at is not None and bool(incident.summary)
    lines = [
        f"# Post-mortem {incident.id}: {incident.title}",
        "",
        "<!-- Blameless: describe what the systems and the process did, not who got it wrong.",
        "     Replace every line marked TODO; `trustwell postmortem"
        f" {incident.id} --complete` refuses while one is left. -->",
        "",
        f"- Severity: {incident.severity}",
        f"- Status: {incident.status}",
        f"- Incident Commander: {incident.commander or 'none assigned'}",
        f"- Subject-matter experts: {', '.join(incident.smes) or 'none'}",
    ]
    if incident.drill:
        lines.append("- **This was a drill.** It is left out of the metrics.")
    lines += ["", "## Summary", ""]
    if resolved:
        lines.append(str(incident.summary))
    else:
        lines.append(
            f"{PLACEHOLDER} two or three sentences: what broke, who noticed, what fixed it."
        )
    lines += ["", "## Impact", "", f"- Root asset: `{incident.root_asset}`"]
    others = [a for a in incident.assets if a.asset != incident.root_asset]
    if others:
        listed = ", ".join(f"`{a.asset}` ({a.impact})" for a in others)
        lines.append(f"- Other affected assets: {listed}")
    lines.append(f"- Consumers: {', '.join(f'`{c}`' for c in consumers) or 'none declared'}")
    end = incident.resolved_at or incident.dismissed_at
    interval = f"from {when(incident.occurred_at, 'an unknown time')} to "
    interval += when(end, "now (still open)")
    if incident.occurred_at and end:
        interval += f" ({took(incident.occurred_at, end, '')})"
    lines += [
        f"- Affected data interval: {interval}",
        f"- {PLACEHOLDER} who relied on the wrong data, and what they decided with it.",
        "",
        "## Detection",
        "",
        f"- Found {_SOURCES.get(incident.detection_source, incident.detection_source)}"
        + (f" ({incident.declared_by})" if incident.declared_by else "")
        + ".",
        f"- Data went bad: {when(incident.occurred_at)}",
        f"- Declared: {when(incident.declared_at)}",
        "- Time to detection (TTD): "
        + took(incident.occurred_at, incident.declared_at, "unknown (no occurred_at)"),
        "",
        "## Response",
        "",
        f"- Acknowledged: {when(incident.acknowledged_at, 'never')}",
        "- Time to acknowledge (TTA): "
        + took(incident.declared_at, incident.acknowledged_at, "not acknowledged"),
        f"- Resolved: {when(incident.resolved_at, 'not yet')}",
        "- Time to resolve (TTR): "
        + took(incident.declared_at, incident.resolved_at, "not resolved yet"),
        "",
        "### Timeline",
        "",
        f"| time ({timezone}) | who | what |",
        "|---|---|---|",
    ]
    # A check that kept failing is one line (its latest state), however many runs.
    lines += [
        f"| {when(e.at)} | {_cell(e.actor)} | {_cell(e.text)} |"
        for e in latest_per_check(incident.timeline)
    ]
    lines += ["", "## Root cause", ""]
    if incident.cause:
        lines.append(f"Category: **{incident.cause}**.")
    if resolved:
        lines.append(str(incident.summary))
    else:
        lines.append(f"{PLACEHOLDER} the chain of causes, down to the one we can fix for good.")
    lines += [
        "",
        "## Contributing factors",
        "",
        f"- {PLACEHOLDER} what made it worse, slower to notice or slower to fix.",
        "",
        "## What went well",
        "",
        f"- {PLACEHOLDER} what worked and should be kept.",
        "",
        "## Where we got lucky",
        "",
        f"- {PLACEHOLDER} what could have made this much worse and did not.",
        "",
        "## Action items",
        "",
    ]
    if action_items:
        lines += ["| # | action | owner | due | status |", "|---|---|---|---|---|"]
        lines += [
            f"| {i.id} | {_cell(i.title)} | {i.owner or '-'} | "
            f"{i.due_at.astimezone(zone).date().isoformat() if i.due_at else '-'} | {i.status} |"
            for i in action_items
        ]
        lines.append("")
        lines.append(
            f"Add more with `trustwell actions add --incident {incident.id} --title … "
            "--owner … --due YYYY-MM-DD`."
        )
    else:
        lines.append(
            f"- {PLACEHOLDER} add each action with `trustwell actions add --incident "
            f"{incident.id} --title … --owner … --due YYYY-MM-DD`, then refresh this draft."
        )
    return "\n".join(lines) + "\n"


def placeholders(body: str) -> list[tuple[int, str]]:
    """``(line number, section)`` of every placeholder line left in a post-mortem."""
    found = []
    section = "the header"
    for number, line in enumerate(body.splitlines(), start=1):
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        elif PLACEHOLDER in line:
            found.append((number, section))
    return found


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


# --- I/O: the file in the project and the postmortems table -------------------------


def postmortem_path(project: Project, incident: str) -> Path:
    """``<project>/postmortems/INC-7.md``."""
    return project.root / FOLDER / f"{incident}.md"


def postmortem_status(conn: sa.Connection, number: int) -> str | None:
    """``draft``, ``complete``, or None when the incident has no post-mortem."""
    value = conn.execute(
        sa.select(postmortems.c.status).where(postmortems.c.incident == number)
    ).scalar()
    return str(value) if value is not None else None


def consumers_of(project: Project, incident: IncidentSnapshot) -> list[str]:
    """The declared consumers of every affected asset, in order, without repeats."""
    names = [incident.root_asset, *(a.asset for a in incident.assets)]
    found: dict[str, None] = {}
    for name in names:
        asset = project.asset(name)
        for consumer in asset.consumers if asset else ():
            found[consumer] = None
    return list(found)


def create_or_update_draft(store: Store, project: Project, incident: str, actor: str) -> Path:
    """Write the draft to ``postmortems/INC-7.md`` and store it; return the path.

    While the file is as trustwell wrote it, it is refreshed from the latest
    timeline and action items. Once the team has edited it, their text is kept
    (and read into the store); a complete post-mortem is never rewritten.
    """
    from trustwell.clock import now

    number = parse_incident_id(incident)
    path = postmortem_path(project, incident_id(number))
    incident_now = store.read(lambda conn: snapshot(conn, number))
    items = list_actions(store, incident=number)
    body = draft_postmortem(
        incident_now,
        consumers_of(project, incident_now),
        items,
        timezone=project.settings.timezone,
    )
    at = now()

    def work(conn: sa.Connection) -> None:
        stored = conn.execute(sa.select(postmortems).where(postmortems.c.incident == number))
        row = stored.first()
        on_disk = path.read_text(encoding="utf-8") if path.is_file() else None
        if row is not None and on_disk is not None and on_disk != row.body:
            _store_body(conn, number, on_disk, path, at)  # edited by the team: keep it
            return
        if row is not None and row.status == "complete":
            if on_disk is None:
                _write(path, row.body)
            return
        if row is not None and row.body == body and on_disk == body:
            return  # nothing new since the last refresh
        _write(path, body)
        if row is None:
            conn.execute(
                postmortems.insert().values(
                    incident=number,
                    body=body,
                    status="draft",
                    path=_relative(project, path),
                    created_at=at,
                    updated_at=at,
                )
            )
        else:
            _store_body(conn, number, body, path, at, relative=_relative(project, path))
        change = "drafted" if row is None else "refreshed"
        add_timeline(
            conn,
            number,
            at=at,
            actor=actor,
            kind="postmortem",
            text=f"post-mortem {change}: {_relative(project, path)}",
            data={"status": "draft", "path": _relative(project, path)},
        )

    store.write(work)
    return path


def load_edited(store: Store, project: Project, incident: str) -> str:
    """Read the team's edited ``postmortems/INC-7.md`` into the store; return the body."""
    from trustwell.clock import now

    number = parse_incident_id(incident)
    path = postmortem_path(project, incident_id(number))
    if not path.is_file():
        raise PostmortemError(
            f"{_relative(project, path)} does not exist: run `trustwell postmortem "
            f"{incident_id(number)}` to draft it"
        )
    body = path.read_text(encoding="utf-8")
    at = now()

    def work(conn: sa.Connection) -> None:
        if postmortem_status(conn, number) is None:
            raise PostmortemError(
                f"{incident_id(number)} has no post-mortem yet: run `trustwell postmortem "
                f"{incident_id(number)}` to draft it"
            )
        _store_body(conn, number, body, path, at)

    store.write(work)
    return body


def complete_postmortem(store: Store, project: Project, incident: str, actor: str) -> Path:
    """Mark the post-mortem complete, refusing while a placeholder line is left."""
    from trustwell.clock import now

    number = parse_incident_id(incident)
    body = load_edited(store, project, incident)
    path = postmortem_path(project, incident_id(number))
    left = placeholders(body)
    if left:
        where = "; ".join(f"line {line} ({section})" for line, section in left)
        raise PostmortemError(
            f"{incident_id(number)}'s post-mortem still has {len(left)} unfilled "
            f"placeholder{'s' * (len(left) != 1)} ({PLACEHOLDER}): {where}. "
            f"Fill them in {_relative(project, path)} and run the command again."
        )
    at = now()

    def work(conn: sa.Connection) -> None:
        conn.execute(
            postmortems.update()
            .where(postmortems.c.incident == number)
            .values(status="complete", completed_at=at, completed_by=actor, updated_at=at)
        )
        add_timeline(
            conn,
            number,
            at=at,
            actor=actor,
            kind="postmortem",
            text=f"post-mortem completed: {_relative(project, path)}",
            data={"status": "complete", "path": _relative(project, path)},
        )

    store.write(work)
    return path


def _store_body(
    conn: sa.Connection,
    number: int,
    body: str,
    path: Path,
    at: datetime,
    relative: str | None = None,
) -> None:
    values: dict[str, Any] = {"body": body, "updated_at": at}
    if relative is not None:
        values["path"] = relative
    conn.execute(postmortems.update().where(postmortems.c.incident == number).values(**values))


def _write(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


def _relative(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return path.as_posix()
