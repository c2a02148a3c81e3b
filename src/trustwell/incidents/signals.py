"""From check results to incidents: open, join, or move to monitoring.

One problem, one incident:

- a failing check whose fingerprint (asset + check) has an open incident adds
  to that incident's timeline, once: its ``still_failing`` entry is kept
  current after that (``incidents.still_failing``);
- a failing asset already affected by an open incident joins it;
- a failing asset with an upstream asset (any depth) failing in the same run or
  in an open incident joins that incident as downstream impact (upstream assets
  are processed first, so the root opens and the rest join);
- a failing asset with a downstream asset in an open incident joins it as the
  probable upstream cause;
- otherwise a new incident opens. Warnings and errors never open incidents.

When the latest result of every check that opened or joined an open incident
is ``pass`` or ``warn`` (whichever runs they came from), it moves to
``monitoring``, never to resolved: a person confirms the data is fixed. The
database guarantees one open incident per fingerprint (a unique ``open_key``);
a run that loses a race retries and joins the winner's incident.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.checks.spec import Freshness
from trustwell.incidents.context import IncidentContext
from trustwell.incidents.model import Status, fingerprint, is_open
from trustwell.incidents.records import (
    SYSTEM_ACTOR,
    add_asset,
    add_fingerprint,
    add_timeline,
    get_row,
    incident_id,
    lock_incident_grouping,
    set_role,
    snapshot,
)
from trustwell.incidents.service import notify, open_incident, transition
from trustwell.incidents.still_failing import keep_current
from trustwell.store.incident_tables import incident_assets, incident_fingerprints, incidents
from trustwell.store.tables import results as results_table

if TYPE_CHECKING:
    from trustwell.checks.result import CheckResult, RunReport
    from trustwell.config.models import Project
    from trustwell.store import Store

_RACE_RETRIES = 3


def handle_run(
    store: Store, project: Project, report: RunReport, *, source: str | None = None
) -> list[dict[str, Any]]:
    """Open, join or calm incidents for a recorded run; returns the run's ``incidents``.

    ``source`` is the detection source of the incidents it opens: by default
    ``anomaly`` or ``check`` from the failing check's type; ``external`` for
    results another tool reported (:mod:`trustwell.integrations.external`).
    """
    ctx = IncidentContext(project, store)
    for attempt in range(_RACE_RETRIES):
        try:
            return store.write(lambda conn: _apply(conn, ctx, report, source))
        except sa.exc.IntegrityError:
            # Another run opened the same problem a moment ago: retry and join it.
            if attempt == _RACE_RETRIES - 1:
                raise
    return []


def _apply(
    conn: sa.Connection, ctx: IncidentContext, report: RunReport, source: str | None
) -> list[dict[str, Any]]:
    lock_incident_grouping(conn)
    now = report.started_at
    failing: dict[str, list[CheckResult]] = defaultdict(list)
    for result in report.results:
        if result.status == "fail" and result.asset in ctx.assets:
            failing[result.asset].append(result)
    open_fps = dict(
        conn.execute(
            sa.select(incident_fingerprints.c.open_key, incident_fingerprints.c.incident).where(
                incident_fingerprints.c.open_key.is_not(None)
            )
        ).all()
    )
    affected = _open_assets(conn)
    actions: dict[int, str] = {}
    opened_now: dict[str, int] = {}

    for asset in sorted(failing, key=lambda a: (len(ctx.graph.ancestors(a)), a)):
        checks = failing[asset]
        target, impact = _target(ctx, asset, checks, open_fps, affected, opened_now)
        if target is None:
            first = checks[0]
            number = open_incident(
                conn,
                ctx,
                root=asset,
                title=f"{first.check} failed on {asset}",
                now=now,
                actor=SYSTEM_ACTOR,
                source=source or ("anomaly" if first.type == "anomaly" else "check"),
                occurred_at=_occurred_at(conn, ctx, checks, report),
                signals=[(asset, c.check) for c in checks],
                check_type=first.type,
            )
            actions[number] = "opened"
            opened_now[asset] = number
            affected.setdefault(asset, number)
            for fp_asset, check in [(asset, c.check) for c in checks]:
                open_fps[fingerprint(fp_asset, check)] = number
            continue
        _join(conn, ctx, target, impact, asset, checks, open_fps, now)
        opened_now.setdefault(asset, target)
        affected.setdefault(asset, target)
        actions.setdefault(target, "joined")

    for number, action in _calm(conn, ctx, report, open_fps, failing, now).items():
        actions.setdefault(number, action)
    return [
        {"id": incident_id(n), "action": action, "severity": get_row(conn, n).severity}
        for n, action in sorted(actions.items())
    ]


def _open_assets(conn: sa.Connection) -> dict[str, int]:
    rows = conn.execute(
        sa.select(incident_assets.c.asset, incidents.c.number, incidents.c.status)
        .join(incidents, incidents.c.number == incident_assets.c.incident)
        .order_by(incidents.c.number)
    ).all()
    found: dict[str, int] = {}
    for row in rows:
        if is_open(row.status):
            found.setdefault(row.asset, row.number)
    return found


def _target(
    ctx: IncidentContext,
    asset: str,
    checks: list[CheckResult],
    open_fps: dict[str, int],
    affected: dict[str, int],
    opened_now: dict[str, int],
) -> tuple[int | None, str]:
    for check in checks:
        number = open_fps.get(fingerprint(asset, check.check))
        if number is not None:
            return number, "root"
    if asset in affected:
        return affected[asset], "downstream"
    for ancestor in ctx.graph.ancestors(asset):
        number = opened_now.get(ancestor, affected.get(ancestor))
        if number is not None:
            return number, "downstream"
    for descendant in ctx.graph.descendants(asset):
        if descendant in affected:
            return affected[descendant], "upstream"
    return None, ""


def _join(
    conn: sa.Connection,
    ctx: IncidentContext,
    number: int,
    impact: str,
    asset: str,
    checks: list[CheckResult],
    open_fps: dict[str, int],
    now: datetime,
) -> None:
    if add_asset(conn, number, asset, impact, now):
        _add_owner_experts(conn, ctx, number, asset, now)
    new, again = [], []
    for check in checks:
        fp = fingerprint(asset, check.check)
        if open_fps.get(fp) == number:
            conn.execute(
                incident_fingerprints.update()
                .where(
                    incident_fingerprints.c.incident == number,
                    incident_fingerprints.c.fingerprint == fp,
                )
                .values(last_failed_at=now)
            )
            again.append(check)
        else:
            add_fingerprint(conn, number, fp, asset, check.check, now)
            open_fps[fp] = number
            new.append(check)
    for check in new:
        add_timeline(
            conn,
            number,
            at=now,
            actor=SYSTEM_ACTOR,
            kind="joined",
            text=f"{check.check} failed on {asset} ({impact} impact): {check.message}",
            data={"asset": asset, "check": check.check, "impact": impact, "value": check.value},
        )
    for check in again:  # one entry per incident and check, kept current
        keep_current(
            conn,
            number,
            asset=asset,
            check=check.check,
            value=check.value,
            message=check.message,
            now=now,
            timezone=ctx.timezone,
            actor=SYSTEM_ACTOR,
        )
    row = get_row(conn, number)
    if row.status == Status.monitoring:
        transition(
            conn,
            ctx,
            number,
            row,
            Status.investigating,
            now,
            SYSTEM_ACTOR,
            note="a check failed again while monitoring",
        )


def _add_owner_experts(
    conn: sa.Connection, ctx: IncidentContext, number: int, asset: str, now: datetime
) -> None:
    """The experts are the owning teams of every affected asset, also one that joins later."""
    from trustwell.incidents.oncall import smes_for

    current = set(snapshot(conn, number).smes)
    added = [p for p in smes_for(ctx.settings, ctx.owner_teams([asset])) if p not in current]
    for person in added:
        set_role(conn, number, person, "sme", now, SYSTEM_ACTOR)
    if added:
        add_timeline(
            conn,
            number,
            at=now,
            actor=SYSTEM_ACTOR,
            kind="assign",
            text=f"Experts added {', '.join(added)} (owners of {asset})",
            data={"added": added, "removed": []},
        )


def _calm(
    conn: sa.Connection,
    ctx: IncidentContext,
    report: RunReport,
    open_fps: dict[str, int],
    failing: dict[str, list[CheckResult]],
    now: datetime,
) -> dict[int, str]:
    """Incidents whose every check now passes (or warns) move to monitoring.

    "Now" is the latest stored result of each check that opened or joined the
    incident, whichever run it came from: ``run --asset raw.x`` that fixes the
    last failing check is enough. Only incidents this run checked are looked at;
    an incident declared by hand or from a report has no checks until one joins.
    """
    ran = {fingerprint(r.asset, r.check): r for r in report.results}
    still_failing = {fingerprint(a, c.check) for a, cs in failing.items() for c in cs}
    touched = {number for fp, number in open_fps.items() if fp in ran}
    if not touched:
        return {}
    # Fingerprints without a check (none are written today) have nothing to re-run.
    signals: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for fp_row in conn.execute(
        sa.select(
            incident_fingerprints.c.incident,
            incident_fingerprints.c.fingerprint,
            incident_fingerprints.c.asset,
            incident_fingerprints.c.check_name,
        )
        .where(
            incident_fingerprints.c.incident.in_(touched),
            incident_fingerprints.c.open_key.is_not(None),
        )
        .order_by(incident_fingerprints.c.id)
    ):
        if fp_row.check_name is not None:
            signals[fp_row.incident].append((fp_row.fingerprint, fp_row.asset, fp_row.check_name))
    moved: dict[int, str] = {}
    for number, checks in sorted(signals.items()):
        if {fp for fp, _, _ in checks} & still_failing:
            continue
        if not all(
            _latest_status(conn, asset, check) in ("pass", "warn") for _, asset, check in checks
        ):
            continue
        passed_now = [fp for fp, _, _ in checks if fp in ran]
        conn.execute(
            incident_fingerprints.update()
            .where(
                incident_fingerprints.c.incident == number,
                incident_fingerprints.c.fingerprint.in_(passed_now),
            )
            .values(last_passed_at=now)
        )
        row = get_row(conn, number)
        if row.status in (
            Status.declared,
            Status.acknowledged,
            Status.investigating,
            Status.identified,
        ):
            names = ", ".join(sorted({check for _, _, check in checks}))
            transition(
                conn,
                ctx,
                number,
                row,
                Status.monitoring,
                now,
                SYSTEM_ACTOR,
                note=f"checks pass again ({names}); confirm the data is fixed and "
                "backfilled before resolving",
            )
            moved[number] = "monitoring"
    return moved


def _latest_status(conn: sa.Connection, asset: str, check: str) -> str | None:
    """The status of the check's latest stored result (this run's, when it ran)."""
    return conn.execute(
        sa.select(results_table.c.status)
        .where(results_table.c.asset == asset, results_table.c.check_name == check)
        .order_by(results_table.c.executed_at.desc(), results_table.c.id.desc())
        .limit(1)
    ).scalar()


def _occurred_at(
    conn: sa.Connection, ctx: IncidentContext, failed: list[CheckResult], report: RunReport
) -> datetime:
    """When the data went bad (SPEC section 3): the earliest estimate over the checks
    that opened the incident, each from its own history (metrics.estimate_occurred_at)."""
    from trustwell.metrics.compute import estimate_occurred_at

    estimates = []
    for result in failed:
        check = next(
            (c for c in ctx.assets[result.asset].checks if c.display_name == result.check), None
        )
        max_age = check.max_age_delta if isinstance(check, Freshness) else None
        latest = (
            report.started_at - timedelta(seconds=result.value)
            if isinstance(check, Freshness) and result.value is not None
            else None
        )
        history = conn.execute(
            sa.select(results_table.c.executed_at, results_table.c.status).where(
                results_table.c.asset == result.asset,
                results_table.c.check_name == result.check,
                results_table.c.run_id != report.run_id,
            )
        ).all()
        runs = [(row.executed_at, row.status) for row in history]
        runs.append((report.started_at, "fail"))
        estimates.append(
            estimate_occurred_at(result.type, max_age, latest, runs, report.started_at)
        )
    return min(estimates, default=report.started_at)


__all__ = ["handle_run", "notify"]
