"""Reads the pages need beyond the services: a page of incidents, the ones
resolved lately, and an incident's post-mortem.

These only read (one short transaction each) and return the same
:class:`IncidentSnapshot` the services do; paging is the service's
``incident_page``, which reads only the page in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell.incidents.model import IncidentSnapshot
from trustwell.incidents.records import snapshot
from trustwell.store.incident_tables import incidents

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

PAGE_SIZE = 50


def incident_page(
    store: Store, status: str | None, page: int = 1, size: int = PAGE_SIZE
) -> tuple[list[IncidentSnapshot], int]:
    """One page of incidents, newest first, and how many match in all."""
    from trustwell.incidents.service import incident_page as service_page

    chosen = None if status in (None, "all") else status
    total, found = service_page(store, chosen, limit=size, offset=(page - 1) * size)
    return found, total


def open_incidents(store: Store) -> list[IncidentSnapshot]:
    """Every open incident, newest first."""
    from trustwell.incidents.service import list_incidents

    return list_incidents(store, "open")


def resolved_since(store: Store, since: datetime, limit: int = 20) -> list[IncidentSnapshot]:
    """Incidents resolved (or closed) at or after ``since``, newest first."""

    def work(conn: sa.Connection) -> list[IncidentSnapshot]:
        numbers = (
            conn.execute(
                sa.select(incidents.c.number)
                .where(
                    incidents.c.resolved_at.is_not(None),
                    incidents.c.resolved_at >= since,
                    incidents.c.status.in_(["resolved", "closed"]),
                )
                .order_by(incidents.c.resolved_at.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )
        return [snapshot(conn, n) for n in numbers]

    return store.read(work)


@dataclass(frozen=True)
class Postmortem:
    status: str | None  # draft | complete | None (not started)
    body: str
    path: str


def postmortem_of(store: Store, project: Project, incident: IncidentSnapshot) -> Postmortem:
    """The post-mortem's status and text (the file the team edits, else the stored body)."""
    from trustwell.incidents.postmortem import postmortem_path, postmortem_status
    from trustwell.incidents.records import parse_incident_id
    from trustwell.store.incident_tables import postmortems

    number = parse_incident_id(incident.id)

    def work(conn: sa.Connection) -> tuple[str | None, str]:
        body = conn.execute(
            sa.select(postmortems.c.body).where(postmortems.c.incident == number)
        ).scalar()
        return postmortem_status(conn, number), str(body or "")

    status, stored = store.read(work)
    path = postmortem_path(project, incident.id)
    body = path.read_text(encoding="utf-8") if path.is_file() else stored
    try:
        shown = path.relative_to(project.root).as_posix()
    except ValueError:
        shown = path.as_posix()
    return Postmortem(status, body, shown)
