"""The outbox as operators see it: listing rows, and requeueing dead letters.

A dead message stays in the store with its payload until someone requeues it
(``trustwell outbox retry ID``, ``POST /api/v1/outbox/{id}/retry``): it is then
due at once, with its attempts counted from zero, so it gets at least
:data:`~trustwell.notify.retry.MIN_ATTEMPTS` more tries before it can be dead
again (its retry window, counted from when it was first queued, has passed).

>>> retry_dead(store, [12], actor="ada")
[12]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell import clock
from trustwell.store.incident_tables import outbox

if TYPE_CHECKING:
    from trustwell.store.database import Store


@dataclass(frozen=True)
class OutboxRow:
    """One outbox row as listings show it (the payload left out)."""

    id: int
    created_at: datetime
    channel: str
    channel_type: str
    event: str
    incident: int | None
    recipient: str | None
    dedupe_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_until: datetime | None
    last_error: str | None
    sent_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        def time(moment: datetime | None) -> str | None:
            return clock.isoformat(moment) if moment else None

        return {
            "id": self.id,
            "created_at": time(self.created_at),
            "channel": self.channel,
            "channel_type": self.channel_type,
            "event": self.event,
            "incident": None if self.incident is None else f"INC-{self.incident}",
            "recipient": self.recipient,
            "dedupe_key": self.dedupe_key,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": time(self.next_attempt_at),
            "last_error": self.last_error,
            "sent_at": time(self.sent_at),
        }


def outbox_rows(
    store: Store, status: str | None = None, *, limit: int | None = None
) -> list[OutboxRow]:
    """Rows of the outbox, newest first, optionally of one status (pending, sent, dead)."""
    query = sa.select(outbox).order_by(outbox.c.id.desc())
    if status is not None:
        query = query.where(outbox.c.status == status)
    if limit is not None:
        query = query.limit(limit)
    rows = store.read(lambda conn: conn.execute(query).mappings().all())
    fields = OutboxRow.__dataclass_fields__
    return [OutboxRow(**{k: v for k, v in row.items() if k in fields}) for row in rows]


def outbox_row(store: Store, row_id: int) -> OutboxRow | None:
    """One row by id, or None."""
    query = sa.select(outbox).where(outbox.c.id == row_id)
    row = store.read(lambda conn: conn.execute(query).mappings().first())
    if row is None:
        return None
    fields = OutboxRow.__dataclass_fields__
    return OutboxRow(**{k: v for k, v in row.items() if k in fields})


def retry_dead(
    store: Store, ids: Iterable[int], now: datetime | None = None, *, actor: str | None = None
) -> list[int]:
    """Put dead rows back in the queue (attempts reset, due now); return the ids requeued.

    With ``actor``, each requeued row is written to the audit log in the same
    transaction ("outbox.retried", target ``outbox#<id>``).
    """
    from trustwell.store.web_tables import audit_log

    wanted = sorted(set(ids))
    moment = now or clock.now()

    def requeue(conn: sa.Connection) -> list[int]:
        dead = (
            conn.execute(
                sa.select(outbox.c.id).where(outbox.c.id.in_(wanted), outbox.c.status == "dead")
            )
            .scalars()
            .all()
        )
        if dead:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_(dead))
                .values(status="pending", attempts=0, next_attempt_at=moment, claimed_until=None)
            )
            if actor is not None:
                conn.execute(
                    audit_log.insert(),
                    [
                        {"at": moment, "actor": actor, "action": "outbox.retried",
                         "target": f"outbox#{row_id}", "data": None}
                        for row_id in dead
                    ],
                )  # fmt: skip
        return sorted(dead)

    return store.write(requeue) if wanted else []
