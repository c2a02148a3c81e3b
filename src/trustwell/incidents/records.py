"""Reading and writing incident rows inside a caller's transaction.

Helpers here never commit: the services in :mod:`trustwell.incidents.service`
and :mod:`trustwell.incidents.signals` own the transaction. Everything that
changes an incident appends to its timeline (the audit trail).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from trustwell.errors import NotFound
from trustwell.incidents.model import (
    OPEN_STATES,
    AffectedAsset,
    IncidentSnapshot,
    Status,
    TimelineEntry,
    is_open,
    severity_rank,
)
from trustwell.store.incident_tables import (
    incident_assets,
    incident_fingerprints,
    incidents,
    participants,
    timeline,
)

SYSTEM_ACTOR = "trustwell"
_ID = re.compile(r"^(?:INC-)?(\d+)$", re.IGNORECASE)


class IncidentNotFound(NotFound):
    """No incident has this id (exit code 2, HTTP 404)."""


class ReportNotFound(NotFound):
    """No report has this reference (HTTP 404)."""


def incident_id(number: int) -> str:
    return f"INC-{number}"


def parse_incident_id(text: str) -> int:
    """``INC-7`` (or ``7``) -> 7."""
    match = _ID.match(text.strip())
    if not match:
        raise IncidentNotFound(f"{text!r} is not an incident id (expected INC-<number>)")
    return int(match.group(1))


def add_timeline(
    conn: sa.Connection,
    number: int,
    *,
    at: datetime,
    actor: str,
    kind: str,
    text: str,
    public_text: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    conn.execute(
        timeline.insert().values(
            incident=number,
            at=at,
            actor=actor,
            kind=kind,
            text=text,
            public_text=public_text,
            data=dict(data) if data else None,
        )
    )


# Any fixed number: the key of the advisory lock that serialises incident grouping.
_GROUPING_LOCK = 7_254_117


def lock_incident_grouping(conn: sa.Connection) -> None:
    """Serialise "open or join" decisions across processes for this transaction.

    SQLite write transactions are serial already (BEGIN IMMEDIATE); on PostgreSQL
    two runs failing on one asset with different checks would otherwise each see
    no open incident and open one each.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _GROUPING_LOCK})


def get_row(conn: sa.Connection, number: int) -> sa.Row[Any]:
    row = conn.execute(sa.select(incidents).where(incidents.c.number == number)).first()
    if row is None:
        raise IncidentNotFound(f"no incident {incident_id(number)}")
    return row


def add_asset(conn: sa.Connection, number: int, asset: str, impact: str, at: datetime) -> bool:
    """Attach an asset with its role; False if it was already attached."""
    exists = conn.execute(
        sa.select(incident_assets.c.id).where(
            incident_assets.c.incident == number, incident_assets.c.asset == asset
        )
    ).first()
    if exists:
        return False
    conn.execute(
        incident_assets.insert().values(incident=number, asset=asset, impact=impact, added_at=at)
    )
    return True


def add_fingerprint(
    conn: sa.Connection,
    number: int,
    fingerprint: str,
    asset: str,
    check: str | None,
    at: datetime,
) -> None:
    """Attach a fingerprint as open (the unique ``open_key`` guards against races)."""
    conn.execute(
        incident_fingerprints.insert().values(
            incident=number,
            fingerprint=fingerprint,
            asset=asset,
            check_name=check,
            open_key=fingerprint,
            first_failed_at=at,
            last_failed_at=at,
        )
    )


def release_fingerprints(conn: sa.Connection, number: int) -> None:
    """The incident ended: its fingerprints may open a new incident from now on."""
    conn.execute(
        incident_fingerprints.update()
        .where(incident_fingerprints.c.incident == number)
        .values(open_key=None)
    )


def reclaim_fingerprints(conn: sa.Connection, number: int) -> None:
    """A reopened incident takes its fingerprints back, unless a newer incident holds them."""
    rows = (
        conn.execute(
            sa.select(incident_fingerprints.c.fingerprint).where(
                incident_fingerprints.c.incident == number,
                incident_fingerprints.c.open_key.is_(None),
            )
        )
        .scalars()
        .all()
    )
    for fingerprint in rows:
        taken = conn.execute(
            sa.select(incident_fingerprints.c.id).where(
                incident_fingerprints.c.open_key == fingerprint
            )
        ).first()
        if taken is None:
            conn.execute(
                incident_fingerprints.update()
                .where(
                    incident_fingerprints.c.incident == number,
                    incident_fingerprints.c.fingerprint == fingerprint,
                )
                .values(open_key=fingerprint)
            )


def end_role(conn: sa.Connection, number: int, person: str, role: str, at: datetime) -> None:
    """``person`` no longer holds ``role`` (kept in the history with its end time)."""
    conn.execute(
        participants.update()
        .where(
            participants.c.incident == number,
            participants.c.person == person,
            participants.c.role == role,
            participants.c.until.is_(None),
        )
        .values(until=at)
    )


def set_role(
    conn: sa.Connection, number: int, person: str, role: str, at: datetime, by: str | None
) -> None:
    """Give ``role`` to ``person``, ending whoever held it (for the Commander)."""
    if role == "commander":
        conn.execute(
            participants.update()
            .where(
                participants.c.incident == number,
                participants.c.role == role,
                participants.c.until.is_(None),
            )
            .values(until=at)
        )
    conn.execute(
        participants.insert().values(
            incident=number, person=person, role=role, since=at, assigned_by=by
        )
    )


def snapshot(conn: sa.Connection, number: int) -> IncidentSnapshot:
    """The incident with its assets, fingerprints, roles and timeline."""
    row = get_row(conn, number)
    assets = conn.execute(
        sa.select(incident_assets.c.asset, incident_assets.c.impact)
        .where(incident_assets.c.incident == number)
        .order_by(incident_assets.c.id)
    ).all()
    prints = (
        conn.execute(
            sa.select(incident_fingerprints.c.fingerprint)
            .where(incident_fingerprints.c.incident == number)
            .order_by(incident_fingerprints.c.id)
        )
        .scalars()
        .all()
    )
    smes = (
        conn.execute(
            sa.select(participants.c.person)
            .where(
                participants.c.incident == number,
                participants.c.role == "sme",
                participants.c.until.is_(None),
            )
            .order_by(participants.c.id)
        )
        .scalars()
        .all()
    )
    entries = conn.execute(
        sa.select(timeline)
        .where(timeline.c.incident == number)
        .order_by(timeline.c.at, timeline.c.id)
    ).all()
    return IncidentSnapshot(
        id=incident_id(number),
        title=row.title,
        severity=row.severity,
        status=row.status,
        detection_source=row.detection_source,
        root_asset=row.root_asset,
        assets=tuple(AffectedAsset(a.asset, a.impact) for a in assets),
        fingerprints=tuple(prints),
        commander=row.commander,
        smes=tuple(dict.fromkeys(smes)),
        runbook=row.runbook,
        occurred_at=row.occurred_at,
        declared_at=row.declared_at,
        acknowledged_at=row.acknowledged_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
        dismissed_at=row.dismissed_at,
        drill=row.drill,
        cause=row.cause,
        summary=row.summary,
        declared_by=row.declared_by,
        last_update_at=row.last_update_at,
        next_update_at=row.next_update_at,
        escalation_level=row.escalation_level,
        timeline=tuple(
            TimelineEntry(e.at, e.actor, e.kind, e.text, e.public_text, e.data) for e in entries
        ),
    )


def open_incident_on(conn: sa.Connection, assets: list[str]) -> int | None:
    """The open (non-drill) incident on any of ``assets``: most severe, then oldest."""
    rows = conn.execute(
        sa.select(incidents.c.number, incidents.c.severity)
        .join(incident_assets, incident_assets.c.incident == incidents.c.number)
        .where(
            incident_assets.c.asset.in_(assets),
            incidents.c.status.in_([s.value for s in OPEN_STATES]),
            incidents.c.drill.is_(False),
        )
    ).all()
    if not rows:
        return None
    best = min(rows, key=lambda r: (severity_rank(r.severity), r.number))
    return int(best.number)


def open_numbers(conn: sa.Connection) -> list[int]:
    rows = conn.execute(
        sa.select(incidents.c.number, incidents.c.status).order_by(incidents.c.number)
    ).all()
    return [r.number for r in rows if is_open(r.status)]


def status_of(row: sa.Row[Any]) -> Status:
    return Status(row.status)
