"""Action items: what a team promises to do after an incident, with owner, due date and status.

Items usually belong to an incident (its post-mortem lists them) but can stand
alone. Every change is on the incident's timeline when there is one. The
scheduler's tick calls :func:`overdue_actions` and :func:`mark_reminded` in
its own transaction and enqueues the reminders: an open item past its due date
is reminded once a day until it is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.errors import Conflict, NotFound
from trustwell.incidents.records import add_timeline, get_row, incident_id
from trustwell.store.incident_tables import action_items

if TYPE_CHECKING:
    from trustwell.config.models import ProjectSettings
    from trustwell.store.database import Store

ACTION_STATUSES = ("open", "done", "cancelled")
REMIND_EVERY = timedelta(days=1)  # an overdue item is reminded again after this long


class ActionItemNotFound(NotFound):
    """No action item has this id (exit code 2, HTTP 404)."""


class ActionItemError(Conflict, ValueError):
    """A change the action item does not allow (e.g. closing it twice; HTTP 409)."""


@dataclass(frozen=True)
class ActionItem:
    """One action item as stored."""

    id: int
    incident: int | None
    title: str
    owner: str | None
    due_at: datetime | None
    status: str  # open | done | cancelled
    created_at: datetime
    created_by: str
    done_at: datetime | None = None
    reminded_at: datetime | None = None
    jira_key: str | None = None

    @property
    def incident_id(self) -> str | None:
        """``INC-7``, or None for an item of no incident."""
        return incident_id(self.incident) if self.incident is not None else None

    def is_overdue(self, now: datetime) -> bool:
        return self.status == "open" and self.due_at is not None and self.due_at <= now

    def to_json(self) -> dict[str, Any]:
        """The object of ``trustwell actions --format json``."""
        from trustwell.clock import isoformat

        def when(value: datetime | None) -> str | None:
            return isoformat(value) if value else None

        return {
            "id": self.id,
            "incident": self.incident_id,
            "title": self.title,
            "owner": self.owner,
            "due_at": when(self.due_at),
            "status": self.status,
            "created_at": when(self.created_at),
            "created_by": self.created_by,
            "done_at": when(self.done_at),
            "jira_key": self.jira_key,
        }


def add_action(
    store: Store,
    incident_number: int | None,
    title: str,
    owner: str | None,
    due_at: datetime | None,
    actor: str,
) -> int:
    """Add an open action item and return its id.

    >>> add_action(store, 7, "Add a freshness check on raw.ad_spend", "alice",
    ...            datetime(2026, 12, 1, tzinfo=UTC), actor="bob")   # doctest: +SKIP
    3
    """
    from trustwell.clock import isoformat, now

    if not title.strip():
        raise ActionItemError("an action item needs a title")
    at = now()

    def work(conn: sa.Connection) -> int:
        if incident_number is not None:
            get_row(conn, incident_number)  # IncidentNotFound
        inserted = conn.execute(
            action_items.insert().values(
                incident=incident_number,
                title=title.strip(),
                owner=owner,
                due_at=due_at,
                status="open",
                created_at=at,
                created_by=actor,
            )
        )
        (item_id,) = inserted.inserted_primary_key or (None,)
        assert item_id is not None
        if incident_number is not None:
            details = [f"owner {owner}" if owner else "no owner"]
            if due_at is not None:
                details.append(f"due {isoformat(due_at)}")
            add_timeline(
                conn,
                incident_number,
                at=at,
                actor=actor,
                kind="action_item",
                text=f"action item #{item_id} added: {title.strip()} ({', '.join(details)})",
                data={"action_item": int(item_id), "change": "added"},
            )
        return int(item_id)

    return store.write(work)


def close_action(
    store: Store, item_id: int, actor: str, status: str = "done", *, incident: int | None = None
) -> ActionItem:
    """Mark an open action item ``done`` (or ``cancelled``); return it as it is now.

    With ``incident``, the item must be one of that incident's (the incident page and
    ``POST /api/v1/incidents/{id}/actions/{item}/done`` close items through their
    incident): another incident's item is :class:`ActionItemNotFound` there.
    """
    from trustwell.clock import now

    if status not in ("done", "cancelled"):
        raise ActionItemError(f"an action item is closed as done or cancelled, not {status!r}")
    at = now()

    def work(conn: sa.Connection) -> ActionItem:
        item = get_action_or_raise(conn, item_id)
        if incident is not None and item.incident != incident:
            get_row(conn, incident)  # IncidentNotFound first: the incident is named first
            raise ActionItemNotFound(
                f"action item #{item_id} is not one of {incident_id(incident)}'s"
            )
        if item.status != "open":
            raise ActionItemError(f"action item #{item_id} is already {item.status}")
        conn.execute(
            action_items.update()
            .where(action_items.c.id == item_id)
            .values(status=status, done_at=at)
        )
        if item.incident is not None:
            add_timeline(
                conn,
                item.incident,
                at=at,
                actor=actor,
                kind="action_item",
                text=f"action item #{item_id} {status}: {item.title}",
                data={"action_item": item_id, "change": status},
            )
        return get_action_or_raise(conn, item_id)

    return store.write(work)


def push_action(
    store: Store, settings: ProjectSettings, item_id: int, actor: str, channel: str | None = None
) -> ActionItem:
    """Queue the action item for Jira (an issue of type Task); the outbox delivers it and
    records the issue key on the item. Pushing twice finds the same issue again."""
    from trustwell.clock import now
    from trustwell.notify.messages import OutgoingMessage
    from trustwell.notify.outbox import enqueue

    jira = [n for n, c in settings.channels.items() if c.get("type") == "jira"]
    if channel is not None and channel not in jira:
        raise ActionItemError(
            f"no Jira channel named {channel!r} (Jira channels: {', '.join(jira) or 'none'})"
        )
    if not jira:
        raise ActionItemError("no Jira channel is configured under channels:")
    target = channel or jira[0]
    at = now()

    def work(conn: sa.Connection) -> ActionItem:
        item = get_action_or_raise(conn, item_id)
        owner = f"Owner: {item.owner}. " if item.owner else ""
        due = f"Due {item.due_at.date().isoformat()}. " if item.due_at else ""
        source = f"From incident INC-{item.incident}." if item.incident else ""
        issue = {"summary": item.title, "description": f"{owner}{due}{source}".strip()}
        message = OutgoingMessage(
            channel=target,
            channel_type="jira",
            event="action_item.pushed",
            incident=f"INC-{item.incident}" if item.incident else f"ACT-{item_id}",
            recipient=None,
            subject=item.title,
            text=issue["description"],
            payload={"kind": "action_item", "action_item_id": item_id, "issue": issue},
            discriminator=f"action-{item_id}",
        )
        enqueue(conn, [message], at)
        if item.incident is not None:
            add_timeline(
                conn,
                item.incident,
                at=at,
                actor=actor,
                kind="action_item",
                text=f"action item #{item_id} pushed to Jira ({target})",
                data={"action_item": item_id, "change": "pushed"},
            )
        return item

    return store.write(work)


def list_actions(
    store: Store, open_only: bool = False, *, incident: int | None = None
) -> list[ActionItem]:
    """Action items, open ones first by due date, then the rest newest first."""

    def work(conn: sa.Connection) -> list[ActionItem]:
        query = sa.select(action_items)
        if open_only:
            query = query.where(action_items.c.status == "open")
        if incident is not None:
            query = query.where(action_items.c.incident == incident)
        items = [_item(row) for row in conn.execute(query.order_by(action_items.c.id))]
        open_items = sorted(
            (i for i in items if i.status == "open"),
            key=lambda i: (i.due_at is None, i.due_at or i.created_at, i.id),
        )
        closed = sorted((i for i in items if i.status != "open"), key=lambda i: -i.id)
        return open_items + closed

    return store.read(work)


def get_action(conn: sa.Connection, item_id: int) -> ActionItem | None:
    """One action item, or None."""
    row = conn.execute(sa.select(action_items).where(action_items.c.id == item_id)).first()
    return _item(row) if row is not None else None


def get_action_or_raise(conn: sa.Connection, item_id: int) -> ActionItem:
    """One action item; :class:`ActionItemNotFound` if there is none."""
    item = get_action(conn, item_id)
    if item is None:
        raise ActionItemNotFound(f"no action item #{item_id}")
    return item


def overdue_actions(conn: sa.Connection, now: datetime) -> list[ActionItem]:
    """Open items past their due date that were not reminded in the last :data:`REMIND_EVERY`."""
    rows = conn.execute(
        sa.select(action_items)
        .where(
            action_items.c.status == "open",
            action_items.c.due_at.is_not(None),
            action_items.c.due_at <= now,
            sa.or_(
                action_items.c.reminded_at.is_(None),
                action_items.c.reminded_at <= now - REMIND_EVERY,
            ),
        )
        .order_by(action_items.c.due_at, action_items.c.id)
    )
    return [_item(row) for row in rows]


def mark_reminded(conn: sa.Connection, ids: Iterable[int], now: datetime) -> None:
    """Record that reminders for these items were enqueued at ``now``."""
    wanted = list(ids)
    if wanted:
        conn.execute(
            action_items.update().where(action_items.c.id.in_(wanted)).values(reminded_at=now)
        )


def _item(row: sa.Row[Any]) -> ActionItem:
    return ActionItem(
        id=int(row.id),
        incident=int(row.incident) if row.incident is not None else None,
        title=row.title,
        owner=row.owner,
        due_at=row.due_at,
        status=row.status,
        created_at=row.created_at,
        created_by=row.created_by,
        done_at=row.done_at,
        reminded_at=row.reminded_at,
        jira_key=row.jira_key,
    )
