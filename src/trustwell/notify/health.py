"""Channel health: since when each delivery channel has been failing, for /healthz and /metrics.

The outbox records every delivery's outcome here in the same transaction as
the outbox row (:func:`record_success`, :func:`record_failure`), so the two
never disagree. A channel is *failing* from its first failure after its last
success until its next success; it is *alerting* once it has been failing for
longer than its ``alert_after`` (15 minutes by default). Error texts come from
the outbox, already redacted of the channel's secrets.

>>> failing = channel_states(store, parse_channels(settings), clock.now())
>>> [c.channel for c in failing if c.alerting]
['ops']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.store.web_tables import channel_health

if TYPE_CHECKING:
    from trustwell.config.openlineage import OpenLineageSettings
    from trustwell.notify.config import ChannelConfig
    from trustwell.store.database import Store


@dataclass(frozen=True)
class ChannelState:
    """One channel as /healthz and /metrics show it."""

    channel: str
    failing_since: datetime | None
    consecutive_failures: int
    last_success_at: datetime | None
    alert_after: timedelta
    now: datetime

    @property
    def failing_for(self) -> timedelta:
        """How long the channel has been failing (zero while it is healthy)."""
        if self.failing_since is None:
            return timedelta(0)
        return max(timedelta(0), self.now - self.failing_since)

    @property
    def alerting(self) -> bool:
        """Failing for longer than the channel's ``alert_after``."""
        return self.failing_since is not None and self.failing_for > self.alert_after


def record_success(conn: sa.Connection, channel: str, at: datetime) -> None:
    """The channel took a message: it is healthy again. Never commits."""
    insert = _insert(conn).values(
        channel=channel, failing_since=None, consecutive_failures=0, last_success_at=at
    )
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["channel"],
            set_={"failing_since": None, "consecutive_failures": 0, "last_success_at": at},
        )
    )


def record_failure(conn: sa.Connection, channel: str, at: datetime, error: str) -> None:
    """The channel refused a message: count it, keep the first failure's time. Never commits.

    Two deliverers recording at once may commit out of order; the first
    failure's time then stays off by the length of one delivery at most, and
    the next success clears it.
    """
    insert = _insert(conn).values(
        channel=channel,
        failing_since=at,
        consecutive_failures=1,
        last_failure_at=at,
        last_error=error,
    )
    conn.execute(
        insert.on_conflict_do_update(
            index_elements=["channel"],
            set_={
                "failing_since": sa.func.coalesce(
                    channel_health.c.failing_since, insert.excluded.failing_since
                ),
                "consecutive_failures": channel_health.c.consecutive_failures + 1,
                "last_failure_at": at,
                "last_error": error,
            },
        )
    )


def _insert(conn: sa.Connection) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` on both stores."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(channel_health)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(channel_health)


def channel_states(
    store: Store, configs: Mapping[str, ChannelConfig | OpenLineageSettings], now: datetime
) -> list[ChannelState]:
    """Every configured channel (healthy ones included), by name.

    A channel removed from ``trustwell.yml`` is left out: its queued messages
    show up in the outbox counts of /metrics, under its old name.
    """
    rows = store.read(lambda conn: conn.execute(sa.select(channel_health)).mappings().all())
    recorded: dict[str, dict[str, Any]] = {row["channel"]: dict(row) for row in rows}
    states = []
    for name in sorted(configs):
        row = recorded.get(name, {})
        states.append(
            ChannelState(
                channel=name,
                failing_since=row.get("failing_since"),
                consecutive_failures=int(row.get("consecutive_failures") or 0),
                last_success_at=row.get("last_success_at"),
                alert_after=configs[name].alert_after,
                now=now,
            )
        )
    return states
