"""Queue a run's OpenLineage events in the outbox, and tell what stayed undelivered.

The events are rows of the outbox like any notice (channel
:data:`~trustwell.config.openlineage.OPENLINEAGE_CHANNEL`): they are stored in
one transaction after the run is recorded, delivered by the same
:func:`~trustwell.notify.outbox.deliver_due` (at the end of the run, by
``trustwell tick`` and by the web scheduler) with its retries, backoff and
dead-lettering. Emission never fails a run: a receiver that is down leaves
the events queued, and :func:`undelivered_warning` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell.config.openlineage import OPENLINEAGE_CHANNEL, OPENLINEAGE_TYPE
from trustwell.notify.outbox import enqueue
from trustwell.notify.outgoing import OutgoingMessage
from trustwell.openlineage.events import run_events
from trustwell.store.incident_tables import outbox

if TYPE_CHECKING:
    from datetime import datetime

    from trustwell.checks.result import RunReport
    from trustwell.config.models import Asset, Project
    from trustwell.store.database import Store


def run_messages(
    report: RunReport, project: Project, assets: Sequence[Asset]
) -> list[OutgoingMessage]:
    """The outbox messages of the run's events (none without ``openlineage:``)."""
    settings = project.settings.openlineage
    if settings is None:
        return []
    root = str(project.root.resolve())
    return [
        OutgoingMessage(
            channel=OPENLINEAGE_CHANNEL,
            channel_type=OPENLINEAGE_TYPE,
            event=f"openlineage.{event.event_type.lower()}",
            incident="",
            recipient=None,
            subject=f"{event.event_type} checks.{event.asset}",
            text="",
            # The project folder: the file transport's path is relative to it.
            payload={"event": dict(event.document), "root": root},
            discriminator=f"{event.run_id}:{event.event_type}",
        )
        for event in run_events(report, project, assets, settings.namespace)
    ]


@dataclass(frozen=True)
class QueuedEvents:
    """The outbox keys of a run's events, or why none could be made."""

    keys: list[str] = field(default_factory=list)
    problem: str | None = None


def queue_run_events(
    store: Store, report: RunReport, project: Project, assets: Sequence[Asset], now: datetime
) -> QueuedEvents:
    """Store the run's events in the outbox (one transaction); never raises for the events.

    Without the client library the run goes on, and the returned problem says what to install.
    """
    try:
        messages = run_messages(report, project, assets)
    except ImportError as exc:
        return QueuedEvents(
            problem=f"warning: no OpenLineage events sent: {exc.name or exc} is not installed"
            " (pip install 'trustwell[interop]')"
        )
    if messages:
        store.write(lambda conn: enqueue(conn, messages, now))
    return QueuedEvents([m.dedupe_key for m in messages])


def undelivered_warnings(store: Store, queued: QueuedEvents) -> list[str]:
    """``warning: …`` lines: the events could not be made, or some are still queued."""
    if queued.problem is not None:
        return [queued.problem]
    keys = queued.keys
    if not keys:
        return []
    rows = store.read(
        lambda conn: conn.execute(
            sa.select(outbox.c.status, outbox.c.last_error)
            .where(outbox.c.dedupe_key.in_(list(keys)), outbox.c.status != "sent")
            .order_by(outbox.c.id)
        ).all()
    )
    if not rows:
        return []
    error = next((r.last_error for r in reversed(rows) if r.last_error), None)
    reason = f" ({error})" if error else ""
    count = len(rows)
    return [
        f"warning: {count} OpenLineage event{'s' * (count != 1)} not delivered{reason};"
        " they stay queued and are retried by `trustwell tick` and `trustwell serve`"
    ]
