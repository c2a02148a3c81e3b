"""Incident metrics from the store: read incidents once, compute in :mod:`.compute`."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from trustwell.metrics.compute import MetricIncident, compute_metrics
from trustwell.store.incident_tables import incident_fingerprints, incidents

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store.database import Store


def incident_metrics(
    store: Store, project: Project, since: datetime | None = None
) -> dict[str, Any]:
    """The metrics document of ``trustwell metrics`` (SPEC section 3), drills excluded.

    Only incidents declared at or after ``since`` are reported; earlier ones
    are still read, because they make later incidents recurring.

    >>> incident_metrics(store, project, since=datetime(2026, 11, 1, tzinfo=UTC))["incidents"]
    12
    """
    records = store.read(lambda conn: read_metric_incidents(conn, project))
    return compute_metrics(records, since=since)


def read_metric_incidents(conn: sa.Connection, project: Project) -> list[MetricIncident]:
    """Every incident that is not a drill, with its fingerprints, team and month."""
    zone = ZoneInfo(project.settings.timezone)
    owners = {asset.name: asset.owner for asset in project.assets}
    prints: dict[int, list[str]] = defaultdict(list)
    fingerprint_rows = conn.execute(
        sa.select(incident_fingerprints.c.incident, incident_fingerprints.c.fingerprint)
        .join(incidents, incidents.c.number == incident_fingerprints.c.incident)
        .where(incidents.c.drill.is_(False))
        .order_by(incident_fingerprints.c.id)
    )
    for number, fingerprint in fingerprint_rows:
        prints[number].append(fingerprint)
    rows = conn.execute(
        sa.select(
            incidents.c.number,
            incidents.c.severity,
            incidents.c.status,
            incidents.c.detection_source,
            incidents.c.root_asset,
            incidents.c.occurred_at,
            incidents.c.declared_at,
            incidents.c.acknowledged_at,
            incidents.c.resolved_at,
            incidents.c.cause,
        )
        .where(incidents.c.drill.is_(False))
        .order_by(incidents.c.number)
    )
    return [
        MetricIncident(
            id=f"INC-{row.number}",
            severity=row.severity,
            team=owners.get(row.root_asset),
            month=row.declared_at.astimezone(zone).strftime("%Y-%m"),
            detection_source=row.detection_source,
            occurred_at=row.occurred_at,
            declared_at=row.declared_at,
            acknowledged_at=row.acknowledged_at,
            resolved_at=row.resolved_at,
            cause=row.cause,
            root_asset=row.root_asset,
            fingerprints=tuple(prints[row.number]),
            drill=False,
            status=row.status,
        )
        for row in rows
    ]
