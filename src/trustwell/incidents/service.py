"""Incident services: declare, acknowledge, change status, update, hand over,
resolve, dismiss. Each call is one transaction that changes the incident,
appends to its timeline and queues its messages in the outbox.

The CLI and the web service call these functions; domain errors
(:class:`IncidentNotFound`, :class:`IllegalTransition`, :class:`IncidentError`)
are mapped to exit codes and HTTP statuses in one place each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell import clock
from trustwell.errors import Invalid
from trustwell.incidents.context import IncidentContext
from trustwell.incidents.model import (
    CAUSE_CATEGORIES,
    SEVERITIES,
    IncidentSnapshot,
    Status,
    check_transition,
    fingerprint,
    statuses_named,
)
from trustwell.incidents.records import (
    SYSTEM_ACTOR,
    IncidentNotFound,
    add_asset,
    add_fingerprint,
    add_timeline,
    end_role,
    get_row,
    incident_id,
    parse_incident_id,
    reclaim_fingerprints,
    release_fingerprints,
    set_role,
    snapshot,
)
from trustwell.store.incident_tables import action_items, incidents

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

__all__ = ["IncidentError", "IncidentNotFound", "declare", "get_incident", "list_incidents"]


class IncidentError(Invalid):
    """A request that cannot be carried out as asked (exit code 2, HTTP 422)."""


def notify(
    conn: sa.Connection,
    ctx: IncidentContext,
    event: str,
    number: int,
    now: datetime,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Queue the messages of an incident event in the caller's transaction.

    Subscribers from the pages and reporters of the incident hear what YAML
    subscribers hear, each notice with a signed unsubscribe link; every e-mail
    then passes :func:`~trustwell.status.addresses.deliverable`, so nothing
    reaches an unconfirmed or opted-out address.
    """
    from trustwell.incidents.reporters import reports_by_reporter
    from trustwell.notify.messages import plan_messages
    from trustwell.notify.outbox import enqueue
    from trustwell.status.addresses import deliverable
    from trustwell.status.subscriptions import assets_with_subscribers
    from trustwell.store.keys import LINK_KEY, service_key

    messages = plan_messages(
        event,
        snapshot(conn, number),
        ctx.settings,
        assets_with_subscribers(conn, ctx.assets),
        extra={
            "reports": reports_by_reporter(conn, number),
            "link_key": service_key(conn, LINK_KEY),
            "base_url": ctx.settings.base_url,
            **(extra or {}),
        },
        lineage=ctx.graph,
    )
    enqueue(conn, deliverable(conn, messages, ctx.project), now)


# --- opening ---------------------------------------------------------------------


def open_incident(
    conn: sa.Connection,
    ctx: IncidentContext,
    *,
    root: str,
    title: str,
    now: datetime,
    actor: str,
    source: str,
    severity: str | None = None,
    occurred_at: datetime | None = None,
    drill: bool = False,
    reporter: str | None = None,
    signals: Sequence[tuple[str, str | None]] = (),
    check_type: str | None = None,
) -> int:
    """Insert a new incident with roles, runbook, affected assets and fingerprints."""
    from trustwell.incidents.oncall import commander_for, smes_for

    downstream = ctx.graph.descendants(root)
    severity = severity or ctx.severity(root)
    owner = ctx.owner(root)
    commander = commander_for(ctx.settings, owner, now, reporter) if owner else reporter
    smes = smes_for(ctx.settings, ctx.owner_teams([root, *downstream]))
    runbook = _match_runbook(ctx, root, check_type)
    inserted = conn.execute(
        incidents.insert().values(
            title=title,
            severity=severity,
            status=Status.declared.value,
            detection_source=source,
            root_asset=root,
            drill=drill,
            commander=commander,
            runbook=runbook,
            occurred_at=occurred_at or now,
            declared_at=now,
            declared_by=actor,
            escalation_level=0,
            updated_at=now,
            next_update_at=ctx.next_update(severity, now),
        )
    ).inserted_primary_key
    assert inserted is not None
    number = int(inserted[0])
    add_asset(conn, number, root, "root", now)
    for asset in downstream:
        add_asset(conn, number, asset, "downstream", now)
    for asset, check in signals:
        add_fingerprint(conn, number, fingerprint(asset, check), asset, check, now)
    if commander:
        set_role(conn, number, commander, "commander", now, SYSTEM_ACTOR)
    for person in smes:
        set_role(conn, number, person, "sme", now, SYSTEM_ACTOR)
    if reporter:
        set_role(conn, number, reporter, "reporter", now, SYSTEM_ACTOR)
    drill_mark = "[DRILL] " if drill else ""
    add_timeline(
        conn,
        number,
        at=now,
        actor=actor,
        kind="declared",
        text=f"{drill_mark}Declared {severity} from {source}: {title}. Commander: "
        f"{commander or 'nobody on call'}; runbook: {runbook or 'none matched'}.",
        public_text=f"{drill_mark}We are investigating a problem with {root}.",
        data={
            "severity": severity,
            "source": source,
            "commander": commander,
            "smes": smes,
            "runbook": runbook,
        },
    )
    if source == "report" and not drill:
        conn.execute(
            action_items.insert().values(
                incident=number,
                title=f"Add a check that would have caught this on {root}",
                owner=owner,
                status="open",
                # Due like any other item, so that tick reminds its owner (SPEC 3).
                due_at=now + ctx.project.settings.actions.default_due_delta,
                created_at=now,
                created_by=SYSTEM_ACTOR,
            )
        )
    notify(conn, ctx, "incident.declared", number, now)
    return int(number)


def _match_runbook(ctx: IncidentContext, asset: str, check_type: str | None) -> str | None:
    from trustwell.config.errors import ProjectError
    from trustwell.incidents.runbooks import load_runbooks, match_runbook

    found = ctx.assets.get(asset)
    if found is None:
        return None
    try:
        runbooks = load_runbooks(ctx.project)
    except ProjectError:
        # A broken runbook file must not stop an incident from opening.
        return None
    runbook = match_runbook(runbooks, found, check_type, found.tags)
    return runbook.id if runbook else None


def declare(
    store: Store,
    project: Project,
    *,
    asset: str,
    title: str,
    actor: str,
    severity: str | None = None,
    source: str = "manual",
    occurred_at: datetime | None = None,
    drill: bool = False,
    reporter: str | None = None,
) -> IncidentSnapshot:
    """``trustwell incident declare``: open an incident by hand."""
    ctx = IncidentContext(project, store)
    if asset not in ctx.assets:
        from trustwell.config.errors import did_you_mean

        raise IncidentError(f"unknown asset '{asset}'{did_you_mean(asset, ctx.assets)}")
    if severity is not None and severity not in SEVERITIES:
        raise IncidentError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    now = clock.now()

    def work(conn: sa.Connection) -> IncidentSnapshot:
        number = open_incident(
            conn,
            ctx,
            root=asset,
            title=title,
            now=now,
            actor=actor,
            source=source,
            severity=severity,
            occurred_at=occurred_at,
            drill=drill,
            reporter=reporter,
        )
        return snapshot(conn, number)

    result = store.write(work)
    _recertify(store, project)
    return result


# --- reading -----------------------------------------------------------------------


def get_incident(store: Store, ident: str) -> IncidentSnapshot:
    number = parse_incident_id(ident)
    return store.read(lambda conn: snapshot(conn, number))


def list_incidents(store: Store, status: str | None = None) -> list[IncidentSnapshot]:
    """Every incident (``open``: every open one, or one status), newest first."""
    return incident_page(store, status)[1]


def incident_page(
    store: Store,
    status: str | None = None,
    *,
    severity: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[int, list[IncidentSnapshot]]:
    """How many incidents match, and the requested page of them in full, newest first.

    Filtering and paging happen in SQL: only the page is read with its timeline.
    """
    query = sa.select(incidents.c.number)
    if status is not None:
        query = query.where(incidents.c.status.in_(sorted(s.value for s in statuses_named(status))))
    if severity is not None:
        query = query.where(incidents.c.severity == severity)
    count = sa.select(sa.func.count()).select_from(query.subquery())
    numbers = query.order_by(incidents.c.number.desc()).limit(limit).offset(offset)

    def work(conn: sa.Connection) -> tuple[int, list[IncidentSnapshot]]:
        total = int(conn.execute(count).scalar_one())
        return total, [snapshot(conn, n) for n in conn.execute(numbers).scalars()]

    return store.read(work)


# --- changing --------------------------------------------------------------------


def _recertify(store: Store, project: Project) -> None:
    """Re-evaluate certification after an incident change (logs, never fails the change)."""
    from trustwell.certification.service import reevaluate

    reevaluate(store, project)


def _change(store: Store, project: Project, ident: str, change: Any) -> IncidentSnapshot:
    """Run ``change(conn, ctx, number, row, now)`` in one transaction; return the result."""
    ctx = IncidentContext(project, store)
    number = parse_incident_id(ident)
    now = clock.now()

    def work(conn: sa.Connection) -> IncidentSnapshot:
        row = get_row(conn, number)
        change(conn, ctx, number, row, now)
        conn.execute(incidents.update().where(incidents.c.number == number).values(updated_at=now))
        return snapshot(conn, number)

    result = store.write(work)
    _recertify(store, project)
    return result


def transition(
    conn: sa.Connection,
    ctx: IncidentContext,
    number: int,
    row: Any,
    target: Status,
    now: datetime,
    actor: str,
    *,
    note: str | None = None,
) -> None:
    """Move to ``target`` if the lifecycle allows it; record who and when."""
    current = Status(row.status)
    check_transition(incident_id(number), current, target)
    values: dict[str, Any] = {"status": target.value}
    # A person who moves the incident on has taken it on; trustwell moving it by
    # itself (a check failing again while monitoring) acknowledges nothing.
    if (
        row.acknowledged_at is None
        and actor != SYSTEM_ACTOR
        and target not in (Status.dismissed, Status.closed)
    ):
        values["acknowledged_at"] = now
    if target is Status.resolved:
        values["resolved_at"] = now
    if target is Status.closed:
        _require_postmortem(conn, ctx, number, row)
        values["closed_at"] = now
    if target is Status.dismissed:
        values["dismissed_at"] = now
    if current is Status.resolved and target is Status.investigating:
        values["resolved_at"] = None
    conn.execute(incidents.update().where(incidents.c.number == number).values(**values))
    if target in (Status.resolved, Status.dismissed):
        release_fingerprints(conn, number)
    if current is Status.resolved and target is Status.investigating:
        reclaim_fingerprints(conn, number)
    text = f"Status {current} → {target}" + (f": {note}" if note else "")
    add_timeline(
        conn,
        number,
        at=now,
        actor=actor,
        kind="status",
        text=text,
        public_text=_public_status_text(target, row.root_asset, row.drill),
        data={"from": current.value, "to": target.value},
    )
    event = {
        Status.resolved: "incident.resolved",
        Status.dismissed: "incident.dismissed",
        Status.closed: "incident.closed",
    }.get(target, "incident.status_changed")
    notify(conn, ctx, event, number, now)


_PUBLIC_STATUS = {
    Status.identified: "We have found the cause of the problem with {asset} and are fixing it.",
    Status.monitoring: "A fix for {asset} is in place; we are making sure it holds.",
    Status.resolved: "Resolved: {asset} can be trusted again.",
    Status.dismissed: "No data problem after all: {asset} can be trusted.",
}


def _public_status_text(target: Status, asset: str, drill: bool) -> str | None:
    """What stakeholders read on the status page when the status changes."""
    text = _PUBLIC_STATUS.get(target)
    if text is None:
        return None
    return ("[DRILL] " if drill else "") + text.format(asset=asset)


def _require_postmortem(conn: sa.Connection, ctx: IncidentContext, number: int, row: Any) -> None:
    from trustwell.incidents.postmortem import postmortem_status

    if row.drill or ctx.policy(row.severity).postmortem != "required":
        return
    if postmortem_status(conn, number) != "complete":
        raise IncidentError(
            f"{incident_id(number)} is {row.severity}: closing needs a completed post-mortem "
            f"(trustwell postmortem {incident_id(number)}, then --complete)"
        )


def acknowledge(store: Store, project: Project, ident: str, *, actor: str) -> IncidentSnapshot:
    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        transition(
            conn, ctx, number, row, Status.acknowledged, now, actor, note=f"acknowledged by {actor}"
        )

    return _change(store, project, ident, change)


def set_status(
    store: Store, project: Project, ident: str, status: str, *, actor: str
) -> IncidentSnapshot:
    try:
        target = Status(status)
    except ValueError:
        raise IncidentError(
            f"unknown status {status!r}: one of {', '.join(s.value for s in Status)}"
        ) from None

    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        transition(conn, ctx, number, row, target, now, actor)

    return _change(store, project, ident, change)


def post_update(
    store: Store,
    project: Project,
    ident: str,
    *,
    message: str,
    actor: str,
    public: str | None = None,
    eta: datetime | None = None,
) -> IncidentSnapshot:
    """A status update: internal text, optional public text and ETA."""

    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        if row.status in (Status.closed, Status.dismissed):
            raise IncidentError(f"{incident_id(number)} is {row.status}: no more updates")
        next_update = ctx.next_update(row.severity, now)
        conn.execute(
            incidents.update()
            .where(incidents.c.number == number)
            .values(last_update_at=now, next_update_at=next_update, reminded_at=None)
        )
        add_timeline(
            conn,
            number,
            at=now,
            actor=actor,
            kind="update",
            text=message,
            public_text=public,
            data={
                "eta": clock.isoformat(eta) if eta else None,
                "next_update_at": clock.isoformat(next_update) if next_update else None,
            },
        )
        notify(conn, ctx, "incident.updated", number, now)

    return _change(store, project, ident, change)


def assign(
    store: Store,
    project: Project,
    ident: str,
    *,
    actor: str,
    commander: str | None = None,
    add_smes: Sequence[str] = (),
    remove_smes: Sequence[str] = (),
) -> IncidentSnapshot:
    """Hand the Incident Commander role over and/or change the subject-matter experts."""
    if commander is None and not add_smes and not remove_smes:
        raise IncidentError("give --commander, --add-sme or --remove-sme")

    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        for person in [*([commander] if commander else []), *add_smes]:
            _require_known_person(ctx, person)
        if commander is not None:
            previous = row.commander
            conn.execute(
                incidents.update().where(incidents.c.number == number).values(commander=commander)
            )
            set_role(conn, number, commander, "commander", now, actor)
            add_timeline(
                conn,
                number,
                at=now,
                actor=actor,
                kind="assign",
                text=f"Commander handed over from {previous or 'nobody'} to {commander}",
                data={"from": previous, "to": commander},
            )
        current = set(snapshot(conn, number).smes)
        added = [p for p in dict.fromkeys(add_smes) if p not in current]
        removed = [p for p in dict.fromkeys(remove_smes) if p in current]
        for person in added:
            set_role(conn, number, person, "sme", now, actor)
        for person in removed:
            end_role(conn, number, person, "sme", now)
        if added or removed:
            parts = [
                f"added {', '.join(added)}" if added else "",
                f"removed {', '.join(removed)}" if removed else "",
            ]
            add_timeline(
                conn,
                number,
                at=now,
                actor=actor,
                kind="assign",
                text="Experts " + " and ".join(p for p in parts if p),
                data={"added": added, "removed": removed},
            )
        notify(conn, ctx, "incident.assigned", number, now)

    return _change(store, project, ident, change)


def _require_known_person(ctx: IncidentContext, person: str) -> None:
    known = set(ctx.settings.people) | {m for t in ctx.settings.teams.values() for m in t.members}
    if known and person not in known:
        from trustwell.config.errors import did_you_mean

        raise IncidentError(f"unknown person '{person}'{did_you_mean(person, known)}")


def change_severity(
    store: Store,
    project: Project,
    ident: str,
    *,
    severity: str,
    actor: str,
    reason: str | None = None,
) -> IncidentSnapshot:
    if severity not in SEVERITIES:
        raise IncidentError(f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")

    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        conn.execute(
            incidents.update().where(incidents.c.number == number).values(severity=severity)
        )
        add_timeline(
            conn,
            number,
            at=now,
            actor=actor,
            kind="severity",
            text=f"Severity {row.severity} → {severity}" + (f": {reason}" if reason else ""),
            data={"from": row.severity, "to": severity},
        )
        notify(conn, ctx, "incident.severity_changed", number, now)

    return _change(store, project, ident, change)


def resolve(
    store: Store, project: Project, ident: str, *, cause: str, summary: str, actor: str
) -> IncidentSnapshot:
    if cause not in CAUSE_CATEGORIES:
        from trustwell.config.errors import did_you_mean

        raise IncidentError(
            f"unknown cause '{cause}'{did_you_mean(cause, CAUSE_CATEGORIES)}; "
            f"one of {', '.join(CAUSE_CATEGORIES)}"
        )

    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        conn.execute(
            incidents.update()
            .where(incidents.c.number == number)
            .values(cause=cause, summary=summary)
        )
        transition(
            conn, ctx, number, row, Status.resolved, now, actor, note=f"cause {cause}: {summary}"
        )

    return _change(store, project, ident, change)


def set_occurred_at(
    store: Store, project: Project, ident: str, *, occurred_at: datetime, actor: str
) -> IncidentSnapshot:
    """Correct when the data went bad (it feeds time to detection)."""

    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        if occurred_at > row.declared_at:
            raise IncidentError(
                f"occurred_at {clock.isoformat(occurred_at)} is after the "
                f"declaration ({clock.isoformat(row.declared_at)})"
            )
        before = clock.isoformat(row.occurred_at) if row.occurred_at else "unknown"
        conn.execute(
            incidents.update().where(incidents.c.number == number).values(occurred_at=occurred_at)
        )
        add_timeline(
            conn,
            number,
            at=now,
            actor=actor,
            kind="occurred_at",
            text=f"Data went bad at {clock.isoformat(occurred_at)} (was {before})",
            data={"from": before, "to": clock.isoformat(occurred_at)},
        )

    return _change(store, project, ident, change)


def dismiss(
    store: Store, project: Project, ident: str, *, reason: str, actor: str
) -> IncidentSnapshot:
    def change(
        conn: sa.Connection, ctx: IncidentContext, number: int, row: Any, now: datetime
    ) -> None:
        conn.execute(
            incidents.update().where(incidents.c.number == number).values(dismiss_reason=reason)
        )
        transition(conn, ctx, number, row, Status.dismissed, now, actor, note=reason)

    return _change(store, project, ident, change)
