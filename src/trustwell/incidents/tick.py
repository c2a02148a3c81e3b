"""``trustwell tick``: everything that is due now, in one call.

Escalates unacknowledged incidents, reminds Commanders whose stakeholders are
waiting for an update, reminds owners of overdue action items, then delivers
the outbox. The web service calls the same function on a schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell import clock
from trustwell.incidents.context import IncidentContext
from trustwell.incidents.model import is_open
from trustwell.incidents.records import SYSTEM_ACTOR, add_timeline, incident_id
from trustwell.incidents.service import notify
from trustwell.store.incident_tables import incidents

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store


@dataclass
class TickReport:
    escalated: list[str]
    reminded: list[str]
    overdue_actions: int
    sent: int
    retried: int
    dead: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def tick(store: Store, project: Project, now: datetime | None = None) -> TickReport:
    """Do everything due at ``now`` (default: the clock, honouring TRUSTWELL_NOW)."""
    from trustwell.notify.outbox import deliver_due

    now = now or clock.now()
    ctx = IncidentContext(project, store)
    escalated, reminded, overdue = store.write(lambda conn: _deadlines(conn, ctx, now))
    delivery = deliver_due(store, project.settings, now)
    return TickReport(escalated, reminded, overdue, delivery.sent, delivery.retried, delivery.dead)


def _deadlines(
    conn: sa.Connection, ctx: IncidentContext, now: datetime
) -> tuple[list[str], list[str], int]:
    from trustwell.incidents.deadlines import due_escalation, due_reminder, escalation_recipients

    escalated: list[str] = []
    reminded: list[str] = []
    rows = conn.execute(sa.select(incidents).order_by(incidents.c.number)).all()
    for row in rows:
        if not is_open(row.status):
            continue
        policy = ctx.policy(row.severity)
        # Only an incident nobody has taken on escalates: once it is acknowledged or has
        # calmed down to monitoring by itself, the clock stops (it runs again if a
        # check fails again and nobody has acknowledged it yet).
        level = (
            None
            if row.status == "monitoring"
            else due_escalation(
                row.declared_at,
                row.acknowledged_at,
                row.escalation_level,
                policy,
                now,
                ctx.timezone,
            )
        )
        if level is not None:
            team = ctx.settings.teams.get(ctx.owner(row.root_asset) or "")
            recipients = escalation_recipients(level, row.commander, team)
            conn.execute(
                incidents.update()
                .where(incidents.c.number == row.number)
                .values(escalation_level=level, escalated_at=now)
            )
            add_timeline(
                conn,
                row.number,
                at=now,
                actor=SYSTEM_ACTOR,
                kind="escalated",
                text=f"Not acknowledged within {policy.ack_within}: escalated to "
                f"{', '.join(recipients) or 'nobody'} (level {level})",
                data={"level": level, "recipients": recipients},
            )
            notify(
                conn,
                ctx,
                "incident.escalated",
                row.number,
                now,
                extra={"level": level, "recipients": recipients},
            )
            escalated.append(incident_id(row.number))
        if due_reminder(
            row.status,
            row.last_update_at,
            row.declared_at,
            row.reminded_at,
            policy,
            now,
            ctx.timezone,
        ):
            conn.execute(
                incidents.update().where(incidents.c.number == row.number).values(reminded_at=now)
            )
            add_timeline(
                conn,
                row.number,
                at=now,
                actor=SYSTEM_ACTOR,
                kind="reminder",
                text=f"No stakeholder update for {policy.update_every}: reminded "
                f"{row.commander or 'the team'}",
            )
            notify(conn, ctx, "incident.reminder", row.number, now)
            reminded.append(incident_id(row.number))
    return escalated, reminded, _overdue_actions(conn, ctx, now)


def _overdue_actions(conn: sa.Connection, ctx: IncidentContext, now: datetime) -> int:
    from trustwell.incidents.actions import mark_reminded, overdue_actions

    overdue = overdue_actions(conn, now)
    for item in overdue:
        if item.incident is not None:
            add_timeline(
                conn,
                item.incident,
                at=now,
                actor=SYSTEM_ACTOR,
                kind="action_overdue",
                text=f"Action item #{item.id} is overdue: {item.title} "
                f"(owner {item.owner or 'nobody'})",
            )
            notify(
                conn,
                ctx,
                "action_item.overdue",
                item.incident,
                now,
                extra={"action_item": {"id": item.id, "title": item.title, "owner": item.owner}},
            )
        else:
            _remind_owner(conn, ctx, item, now)
    mark_reminded(conn, [item.id for item in overdue], now)
    return len(overdue)


def _remind_owner(conn: sa.Connection, ctx: IncidentContext, item: Any, now: datetime) -> None:
    """An action item outside any incident: email its owner directly."""
    from trustwell.notify.messages import action_item_reminder
    from trustwell.notify.outbox import enqueue

    due = clock.isoformat(item.due_at) if item.due_at else "unknown"
    messages = action_item_reminder(
        item.id, item.title, item.owner, due, ctx.settings, on=now.date().isoformat()
    )
    enqueue(conn, messages, now)
