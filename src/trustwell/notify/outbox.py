"""The persistent outbox: messages are stored with the change that caused them, then delivered.

- :func:`enqueue` inserts in the *caller's* transaction, so a message exists
  exactly when the incident change that caused it was committed; the same
  message twice (same dedupe key) is stored once.
- :func:`deliver_due` claims due rows with a lease in a short transaction
  (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's write lock does the same),
  delivers each outside any transaction, and records the outcome at once:
  ``sent``, or a retry after capped exponential backoff with full jitter, or
  ``dead`` once the channel's ``retry_for`` window (24 h by default) has passed
  (see :mod:`trustwell.notify.retry`), together with the channel's health
  (:mod:`trustwell.notify.health`). A channel that is down delays messages,
  never loses them; a row recorded as sent is never sent again; two
  deliverers never hold the same row at once. A deliverer that dies after
  delivering but before recording leaves the row to be re-delivered when its
  lease runs out (at least once): receivers drop the repeat by
  ``X-Trustwell-Delivery``.

>>> store.write(lambda conn: enqueue(conn, messages, clock.now()))
2
>>> deliver_due(store, settings)
DeliveryReport(sent=2, retried=0, dead=0)
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, partial
from time import monotonic
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell import clock
from trustwell.config.openlineage import OPENLINEAGE_CHANNEL, OpenLineageSettings
from trustwell.notify import health
from trustwell.notify.channels import Delivery, DeliveryFailed, SendContext, sender_for
from trustwell.notify.config import ChannelConfig, parse_channels, redact
from trustwell.notify.outbox_rows import OutboxRow, outbox_rows, retry_dead
from trustwell.notify.retry import RetryPolicy, next_attempt
from trustwell.store.incident_tables import action_items, outbox

if TYPE_CHECKING:
    import random
    import ssl

    import httpx

    from trustwell.config.models import ProjectSettings
    from trustwell.notify.messages import OutgoingMessage
    from trustwell.store.database import Store

__all__ = ["DeliveryReport", "OutboxRow", "deliver_due", "enqueue", "outbox_rows", "retry_dead"]

log = logging.getLogger(__name__)

#: A claim lasts long enough for its batch: every HTTP call has a 10 s timeout and
#: a Jira delivery makes at most four.
LEASE_BASE = timedelta(seconds=60)
LEASE_PER_ROW = timedelta(seconds=45)
CLAIM_BATCH = 10
_INSERT_CHUNK = 500


@dataclass(frozen=True)
class DeliveryReport:
    """What one :func:`deliver_due` did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0


def enqueue(conn: sa.Connection, messages: Iterable[OutgoingMessage], now: datetime) -> int:
    """Store ``messages`` as pending in the caller's transaction; return how many were new.

    Never commits. A message whose dedupe key is already stored is ignored
    (``INSERT … ON CONFLICT DO NOTHING``), so enqueueing is idempotent.
    """
    rows: dict[str, dict[str, Any]] = {}
    for message in messages:
        rows.setdefault(
            message.dedupe_key,
            {
                "created_at": now,
                "channel": message.channel,
                "channel_type": message.channel_type,
                "event": message.event,
                "incident": message.incident_number,
                "recipient": message.recipient,
                "payload": dict(message.payload),
                "dedupe_key": message.dedupe_key,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
            },
        )
    values = list(rows.values())
    inserted = 0
    for start in range(0, len(values), _INSERT_CHUNK):
        result = conn.execute(_insert_new(conn.dialect.name, values[start : start + _INSERT_CHUNK]))
        inserted += max(result.rowcount, 0)
    return inserted


def _insert_new(dialect: str, values: list[dict[str, Any]]) -> sa.Insert:
    """INSERT … ON CONFLICT (dedupe_key) DO NOTHING, in the dialect's own construct."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(outbox).values(values)
        return pg.on_conflict_do_nothing(index_elements=["dedupe_key"])
    from sqlalchemy.dialects import sqlite

    lite = sqlite.insert(outbox).values(values)
    return lite.on_conflict_do_nothing(index_elements=["dedupe_key"])


def deliver_due(
    store: Store,
    settings: ProjectSettings,
    now: datetime | None = None,
    *,
    limit: int = 100,
    worker_id: str | None = None,
    rng: random.Random | None = None,
    transport: httpx.BaseTransport | None = None,
) -> DeliveryReport:
    """Deliver up to ``limit`` due messages, oldest first; record each outcome at once.

    ``now`` fixes the time (else :func:`trustwell.clock.now`, which honours
    ``TRUSTWELL_NOW``); ``rng`` draws the backoff's jitter (tests seed it).
    Raises :class:`~trustwell.notify.config.ChannelConfigError` before claiming
    anything when a channel is misconfigured.
    """
    configs = outbox_channels(settings)
    worker = worker_id or f"{socket.gethostname()}:{os.getpid()}"
    sent = retried = dead = 0
    attempted: list[int] = []
    receiver_down: dict[str, datetime] = {}  # an OpenLineage channel -> its next attempt
    http: httpx.Client | None = None
    with ExitStack() as stack:
        while len(attempted) < limit:
            tick = now or clock.now()
            batch = min(CLAIM_BATCH, limit - len(attempted))
            until = tick + LEASE_BASE + LEASE_PER_ROW * batch
            claimed_at = monotonic()
            claimed = store.write(
                partial(_claim, now=tick, until=until, batch=batch, exclude=attempted)
            )
            if not claimed:
                break
            if http is None:  # made (and httpx imported, ~0.1 s) only when there is work
                import httpx

                client = httpx.Client(
                    transport=transport, follow_redirects=False, verify=_tls_context()
                )
                http = stack.enter_context(client)
            # Measured in real elapsed time, not against ``now``: tick and the web
            # scheduler pass a fixed ``now``, and the lease must hold for them too.
            usable = (until - tick - LEASE_PER_ROW).total_seconds()
            for delivery in claimed:
                if delivery.channel in receiver_down:
                    # One refusal of a lineage receiver says it is down: the run's other
                    # events wait for the same retry rather than each for its own timeout.
                    attempted.append(delivery.id)
                    _postpone(store, delivery, until, receiver_down[delivery.channel])
                    retried += 1
                    continue
                if monotonic() - claimed_at >= usable:
                    # Too slow a batch: leave the rest to whoever claims them after the lease,
                    # rather than deliver a row another deliverer may already hold.
                    return DeliveryReport(sent=sent, retried=retried, dead=dead)
                attempted.append(delivery.id)
                context = SendContext(
                    http=http, now=now or clock.now(), jira_key=_key_lookup(store)
                )
                outcome = _deliver(context, configs, delivery)
                if isinstance(outcome, str):
                    at = now or clock.now()
                    config = configs.get(delivery.channel)
                    policy = config.retry_policy() if config else RetryPolicy()
                    status, retry_at = _record_failure(
                        store, delivery, outcome, at, until, policy, rng
                    )
                    if retry_at is not None and isinstance(config, OpenLineageSettings):
                        receiver_down[delivery.channel] = retry_at
                    dead += status == "dead"
                    retried += status == "pending"
                    log.info("%s: outbox %s %s: %s", worker, delivery.id, status, outcome)
                else:
                    _record_success(store, delivery, outcome, now or clock.now())
                    sent += 1
    return DeliveryReport(sent=sent, retried=retried, dead=dead)


def outbox_channels(settings: ProjectSettings) -> dict[str, ChannelConfig | OpenLineageSettings]:
    """The channels the outbox delivers to: ``channels:`` and, by its name, ``openlineage:``."""
    configs: dict[str, ChannelConfig | OpenLineageSettings] = dict(parse_channels(settings))
    if settings.openlineage is not None:
        configs[OPENLINEAGE_CHANNEL] = settings.openlineage
    return configs


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's verifying TLS context, made once per process: loading the CA bundle costs
    ~20 ms, and the scheduler delivers every few seconds (a context is safe to share)."""
    import httpx

    return httpx.create_ssl_context()


def _claim(
    conn: sa.Connection, *, now: datetime, until: datetime, batch: int, exclude: Sequence[int]
) -> list[Delivery]:
    due = (
        sa.select(outbox)
        .where(
            outbox.c.status == "pending",
            outbox.c.next_attempt_at <= now,
            sa.or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
        )
        .order_by(outbox.c.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    if exclude:
        due = due.where(outbox.c.id.not_in(list(exclude)))
    rows = conn.execute(due).mappings().all()
    if rows:
        ids = [row["id"] for row in rows]
        conn.execute(sa.update(outbox).where(outbox.c.id.in_(ids)).values(claimed_until=until))
    return [
        Delivery(
            id=row["id"],
            created_at=row["created_at"],
            channel=row["channel"],
            channel_type=row["channel_type"],
            event=row["event"],
            incident=row["incident"],
            recipient=row["recipient"],
            payload=row["payload"] or {},
            dedupe_key=row["dedupe_key"],
            attempts=row["attempts"],
        )
        for row in rows
    ]


def _deliver(
    context: SendContext,
    configs: Mapping[str, ChannelConfig | OpenLineageSettings],
    delivery: Delivery,
) -> Mapping[str, Any] | str:
    """The sender's result, or the error text (secrets redacted) when it failed."""
    config = configs.get(delivery.channel)
    if config is None:
        return f"channel '{delivery.channel}' is not configured"
    if config.type != delivery.channel_type:
        return f"channel '{delivery.channel}' is of type {config.type}, not {delivery.channel_type}"
    try:
        if isinstance(config, OpenLineageSettings):
            from trustwell.notify.channels.openlineage import send_openlineage

            return send_openlineage(context, config, delivery) or {}
        return sender_for(delivery.channel_type)(context, config, delivery) or {}
    except DeliveryFailed as exc:
        return redact(str(exc), config.secrets())
    except Exception as exc:  # a bug in a sender must not stop the other deliveries
        return redact(f"{type(exc).__name__}: {exc}", config.secrets())[:500]


def _record_success(
    store: Store, delivery: Delivery, result: Mapping[str, Any], at: datetime
) -> None:
    values: dict[str, Any] = {
        "status": "sent",
        "sent_at": at,
        "claimed_until": None,
        "attempts": delivery.attempts + 1,
        "last_error": None,
    }
    if result:
        values["payload"] = {**delivery.payload, **result}
    # Whoever delivered, the row is sent: no lease check, so a late deliverer's
    # failure cannot undo a success (it matches no row once claimed_until is cleared).
    update = (
        sa.update(outbox)
        .where(outbox.c.id == delivery.id, outbox.c.status == "pending")
        .values(**values)
    )
    item = delivery.payload.get("action_item_id") if result.get("jira_key") else None

    def work(conn: sa.Connection) -> None:
        conn.execute(update)
        health.record_success(conn, delivery.channel, at)
        if item is not None:  # an action item pushed to Jira remembers its issue
            conn.execute(
                sa.update(action_items)
                .where(action_items.c.id == int(item))
                .values(jira_key=str(result["jira_key"]))
            )

    store.write(work)


def _record_failure(
    store: Store,
    delivery: Delivery,
    error: str,
    at: datetime,
    until: datetime,
    policy: RetryPolicy,
    rng: random.Random | None,
) -> tuple[str, datetime | None]:
    """Record a refused attempt; return the row's status and when it is tried again."""
    attempts = delivery.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "last_error": error, "claimed_until": None}
    retry_at = next_attempt(
        policy, queued_at=delivery.created_at, failed_at=at, failures=attempts, rng=rng
    )
    if retry_at is None:
        values["status"] = "dead"
    else:
        values["next_attempt_at"] = retry_at
    update = (
        sa.update(outbox)
        .where(
            outbox.c.id == delivery.id,
            outbox.c.status == "pending",
            outbox.c.claimed_until == until,  # still our claim
        )
        .values(**values)
    )

    def work(conn: sa.Connection) -> None:
        conn.execute(update)
        # Even when our lease was lost: the channel did refuse this attempt.
        health.record_failure(conn, delivery.channel, at, error)

    store.write(work)
    return str(values.get("status", "pending")), retry_at


def _postpone(store: Store, delivery: Delivery, until: datetime, at: datetime) -> None:
    """Give a claimed row back, due at ``at``, without counting an attempt."""
    store.write(
        lambda conn: conn.execute(
            sa.update(outbox)
            .where(
                outbox.c.id == delivery.id,
                outbox.c.status == "pending",
                outbox.c.claimed_until == until,
            )
            .values(next_attempt_at=at, claimed_until=None)
        )
    )


def _key_lookup(store: Store) -> Callable[[str, int | None], str | None]:
    def jira_key(channel: str, incident: int | None) -> str | None:
        if incident is None:
            return None
        query = (
            sa.select(outbox.c.payload)
            .where(
                outbox.c.channel == channel,
                outbox.c.channel_type == "jira",
                outbox.c.incident == incident,
                outbox.c.status == "sent",
            )
            .order_by(outbox.c.id)
        )
        payloads = store.read(lambda conn: conn.execute(query).scalars().all())
        return next((str(p["jira_key"]) for p in payloads if p and p.get("jira_key")), None)

    return jira_key
