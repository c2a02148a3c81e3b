"""The debt of a project: facts read from the project and its store, plus ``debt/*.yml``.

:func:`debt_report` is the one entry point (``trustwell debt`` and the monthly
review call it). The hand-written files are read first, so a bad file is
refused before the store is opened; then :func:`gather_facts` reads, in one
read transaction, what :func:`trustwell.debt.derive.derive` needs, and the
certification service's latest decisions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from trustwell import clock
from trustwell.debt.derive import (
    AssetFacts,
    Facts,
    FailingCheck,
    OverdueAction,
    OwedPostmortem,
    RevokedCertificate,
    derive,
)
from trustwell.debt.model import DebtItem, DebtReport, report
from trustwell.store.incident_tables import action_items, incidents, postmortems
from trustwell.store.tables import results

SEVERITIES = ("SEV-1", "SEV-2", "SEV-3")

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

#: A check no longer declared still counts (as a check, and as failing) while a tool
#: reported a result of it this recently; so do checks that only other tools run.
RECENT = timedelta(days=28)
_BAD = ("fail", "warn")


def debt_report(
    store: Store,
    project: Project,
    now: datetime | None = None,
    *,
    hand: list[DebtItem] | None = None,
) -> DebtReport:
    """Every item of debt, ranked, with totals per team.

    ``hand`` is the already loaded ``debt/*.yml`` items (read here otherwise;
    a bad file raises :class:`~trustwell.config.errors.ProjectError`).
    """
    from trustwell.debt.files import load_debt_items

    moment = now or clock.now()
    written = load_debt_items(project) if hand is None else hand
    facts = gather_facts(store, project, moment)
    today = moment.astimezone(ZoneInfo(project.settings.timezone)).date()
    return report([*derive(facts), *written], today)


def gather_facts(store: Store, project: Project, now: datetime) -> Facts:
    """What :func:`~trustwell.debt.derive.derive` needs, as the store holds it at ``now``."""
    from trustwell.certification.service import current
    from trustwell.incidents.deadlines import policy_for
    from trustwell.lineage.service import lineage_graph

    names = [a.name for a in project.assets]
    response = project.settings.response
    required = [
        s for s in ("SEV-1", "SEV-2", "SEV-3") if policy_for(response, s).postmortem == "required"
    ]

    def work(conn: sa.Connection) -> Facts:
        graph = lineage_graph(conn, project)
        reported = _recently_reported(conn, names, now - RECENT)
        declared = {(a.name, c.display_name) for a in project.assets for c in a.checks}
        checked = {asset for asset, _ in reported}
        assets = [
            AssetFacts(
                name=a.name,
                owner=a.owner,
                description=a.description,
                has_checks=bool(a.checks) or a.name in checked,
                lineage_known=bool(graph.ancestors(a.name)),
            )
            for a in project.assets
        ]
        failing = [
            f
            for f in _failing_streaks(conn, names)
            if (f.asset, f.check) in declared or (f.asset, f.check) in reported
        ]
        return Facts(
            now=now,
            timezone=project.settings.timezone,
            assets=assets,
            failing=failing,
            postmortems=_owed_postmortems(conn, required),
            actions=_overdue_actions(conn, project, now),
        )

    facts = store.read(work)
    revoked = [
        RevokedCertificate(d.asset, d.use_case, d.since)
        for d in current(store, project)
        if d.state == "revoked"
    ]
    return Facts(
        now=facts.now,
        timezone=facts.timezone,
        assets=facts.assets,
        failing=facts.failing,
        postmortems=facts.postmortems,
        actions=facts.actions,
        revoked=revoked,
    )


def _recently_reported(
    conn: sa.Connection, assets: list[str], since: datetime
) -> set[tuple[str, str]]:
    """(asset, check) of every result recorded since ``since`` for the project's assets."""
    if not assets:
        return set()
    query = (
        sa.select(results.c.asset, results.c.check_name)
        .where(results.c.asset.in_(assets), results.c.executed_at >= since)
        .distinct()
    )
    return {(row.asset, row.check_name) for row in conn.execute(query)}


def _failing_streaks(conn: sa.Connection, assets: list[str]) -> list[FailingCheck]:
    """Each check's fail and warn results after its last pass: since the first of them.

    Only a pass ends a streak: an error or a skipped result says nothing about the data.
    """
    if not assets:
        return []
    passed = (
        sa.select(
            results.c.asset,
            results.c.check_name,
            sa.func.max(results.c.executed_at).label("passed_at"),
        )
        .where(results.c.asset.in_(assets), results.c.status == "pass")
        .group_by(results.c.asset, results.c.check_name)
        .subquery()
    )
    failed = sa.func.max(sa.case((results.c.status == "fail", 1), else_=0))
    query = (
        sa.select(
            results.c.asset,
            results.c.check_name,
            sa.func.min(results.c.executed_at).label("since"),
            failed.label("failed"),
        )
        .select_from(
            results.outerjoin(
                passed,
                sa.and_(
                    passed.c.asset == results.c.asset,
                    passed.c.check_name == results.c.check_name,
                ),
            )
        )
        .where(
            results.c.asset.in_(assets),
            results.c.status.in_(_BAD),
            sa.or_(passed.c.passed_at.is_(None), results.c.executed_at > passed.c.passed_at),
        )
        .group_by(results.c.asset, results.c.check_name)
        .order_by(results.c.asset, results.c.check_name)
    )
    return [
        FailingCheck(row.asset, row.check_name, "fail" if row.failed else "warn", row.since)
        for row in conn.execute(query)
    ]


def _owed_postmortems(conn: sa.Connection, required: list[str]) -> list[OwedPostmortem]:
    """Resolved or closed incidents (no drills) of a severity that requires a post-mortem."""
    if not required:
        return []
    query = (
        sa.select(
            incidents.c.number,
            incidents.c.title,
            incidents.c.severity,
            incidents.c.root_asset,
            incidents.c.resolved_at,
            incidents.c.declared_at,
            postmortems.c.status.label("postmortem"),
        )
        .outerjoin(postmortems, postmortems.c.incident == incidents.c.number)
        .where(
            incidents.c.drill.is_(False),
            incidents.c.status.in_(("resolved", "closed")),
            incidents.c.severity.in_(required),
        )
        .order_by(incidents.c.number)
    )
    return [
        OwedPostmortem(
            incident=f"INC-{row.number}",
            title=row.title,
            severity=row.severity,
            asset=row.root_asset,
            since=row.resolved_at or row.declared_at,
            postmortem=row.postmortem,
        )
        for row in conn.execute(query)
        if row.postmortem != "complete"
    ]


def _overdue_actions(conn: sa.Connection, project: Project, now: datetime) -> list[OverdueAction]:
    """Open action items due before ``now``, with their incident's root asset."""
    query = (
        sa.select(
            action_items.c.id,
            action_items.c.title,
            action_items.c.incident,
            action_items.c.owner,
            action_items.c.due_at,
            incidents.c.root_asset,
        )
        .outerjoin(incidents, incidents.c.number == action_items.c.incident)
        .where(
            action_items.c.status == "open",
            action_items.c.due_at.is_not(None),
            action_items.c.due_at < now,
        )
        .order_by(action_items.c.due_at, action_items.c.id)
    )
    owners = {a.name: a.owner for a in project.assets}
    return [
        OverdueAction(
            id=int(row.id),
            title=row.title,
            incident=f"INC-{row.incident}" if row.incident is not None else None,
            asset=row.root_asset if row.root_asset in owners else None,
            owner=row.owner,
            team=owners.get(row.root_asset) or _team_of(project, row.owner),
            due_at=row.due_at,
        )
        for row in conn.execute(query)
    ]


def _team_of(project: Project, person: str | None) -> str | None:
    """The first team (as declared) that lists ``person``, or its lead."""
    if person is None:
        return None
    teams: dict[str, Any] = project.settings.teams
    return next(
        (name for name, t in teams.items() if person in t.members or person == t.lead), None
    )
