"""Evaluating and storing certification decisions (SPEC 5).

:func:`evaluate` gathers each asset's evidence, decides every use case the
asset names with the decision stored before, and stores a new row only when
the state or the reasons changed; in the same transaction it queues the
notices of every change of state and the warnings of trust SLOs burning fast
(:mod:`trustwell.certification.announce`). :func:`current` reads the latest
stored decision per asset and use case, :func:`history` the stored changes,
:func:`in_force` the decisions of one asset over a window (for evidence packs).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.certification import notices
from trustwell.certification.announce import BURN_EVENT, CHANGE_EVENT, Notice, announce
from trustwell.certification.decide import Decision, Previous, SloEvidence, State, decide
from trustwell.certification.evidence import gather_in, slo_evidence
from trustwell.clock import isoformat
from trustwell.clock import now as clock_now
from trustwell.store.certification_tables import certification_decisions as table

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.store import Store

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredDecision:
    """A decision as stored: the state of one asset for one use case, and why."""

    id: int
    asset: str
    use_case: str
    state: State
    since: datetime
    decided_at: datetime
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    outcomes: tuple[dict[str, Any], ...]
    run_ids: tuple[str, ...]
    result_ids: tuple[int, ...]
    incident_ids: tuple[str, ...]
    rule_version: str


def evaluate(
    store: Store, project: Project, assets: list[str] | None = None, now: datetime | None = None
) -> list[Decision]:
    """Decide every (asset, use case) of ``assets`` (all by default); store the changes.

    Each change of state, and each trust SLO burning fast, is announced in the
    same transaction (:func:`~trustwell.certification.announce.announce`).
    """
    moment = now or clock_now()
    wanted = [a for a in project.assets if assets is None or a.name in assets]
    slos = _slos(store, project, wanted, moment)

    def work(conn: sa.Connection) -> list[Decision]:
        decisions: list[Decision] = []
        told = [n for a in wanted for n in _burn_notices(a.name, slos.get(a.name, ()), moment)]
        for asset in wanted:
            if not asset.use_cases:
                continue
            evidence = gather_in(conn, project, asset, moment, slos[asset.name])
            latest = _latest(conn, asset.name)
            for name in asset.use_cases:
                use_case = project.settings.use_cases.get(name)
                if use_case is None:
                    continue
                before = latest.get(name)
                previous = Previous(before.state, before.since) if before else None
                decision = decide(use_case.policy(name), evidence, previous)
                decisions.append(decision)
                if before is None or (before.state, before.reasons) != (
                    decision.state,
                    decision.reasons,
                ):
                    conn.execute(table.insert().values(**_row(decision)))
                    told.extend(_change_notice(decision, before))
        announce(conn, project, told, moment)
        return decisions

    return store.write(work)


def _slos(
    store: Store, project: Project, assets: list[Asset], now: datetime
) -> dict[str, tuple[SloEvidence, ...]]:
    """The SLO evidence of each asset taking part in a use case or declaring SLOs."""
    return {a.name: slo_evidence(store, project, a, now) for a in assets if a.use_cases or a.slos}


def _change_notice(decision: Decision, before: StoredDecision | None) -> list[Notice]:
    """The notice of ``decision`` after ``before``, when its state is news."""
    previous = before.state if before else None
    text = notices.change_text(
        decision.asset, decision.use_case, decision.state, decision.reasons, previous
    )
    if text is None:
        return []
    # The decision it follows and the new state: the same whichever process decides it.
    key = f"{decision.asset}\x1f{decision.use_case}\x1f{before.id if before else 0}"
    return [
        Notice(
            event=CHANGE_EVENT,
            asset=decision.asset,
            subject=notices.change_subject(
                decision.asset, decision.use_case, decision.state, previous
            ),
            text=text,
            discriminator=f"{key}\x1f{decision.state}",
            body={
                "asset": decision.asset,
                "use_case": decision.use_case,
                "state": decision.state,
                "previous_state": previous,
                "since": isoformat(decision.since),
                "reasons": list(decision.reasons),
            },
        )
    ]


def _burn_notices(asset: str, slos: tuple[SloEvidence, ...], now: datetime) -> list[Notice]:
    """One warning per SLO of ``asset`` burning fast, once a day while it burns."""
    return [
        Notice(
            event=BURN_EVENT,
            asset=asset,
            subject=notices.burn_subject(asset, slo.name),
            text=notices.burn_text(
                asset, slo.name, attainment=slo.attainment, objective=slo.objective
            ),
            discriminator=f"{asset}\x1f{slo.name}\x1f{now.date().isoformat()}",
            body={
                "asset": asset,
                "slo": slo.name,
                "attainment": slo.attainment,
                "objective": slo.objective,
            },
            subscribers=False,
        )
        for slo in slos
        if slo.burning_fast
    ]


def reevaluate(store: Store, project: Project, assets: list[str] | None = None) -> None:
    """:func:`evaluate` after a run or a change; a failure here is logged, never raised.

    Certification must never fail the run, incident change or import that triggered it.
    """
    try:
        evaluate(store, project, assets)
    except Exception:
        _log.exception("certification could not be re-evaluated")


def current(store: Store, project: Project, asset: str | None = None) -> list[StoredDecision]:
    """The latest stored decision of every asset (or of ``asset``) and use case."""
    names = [a.name for a in project.assets if asset is None or a.name == asset]

    def work(conn: sa.Connection) -> list[StoredDecision]:
        out: list[StoredDecision] = []
        for name in names:
            out.extend(sorted(_latest(conn, name).values(), key=lambda d: d.use_case))
        return out

    return store.read(work)


def in_force(store: Store, asset: str, start: datetime, end: datetime) -> list[StoredDecision]:
    """Every stored decision of ``asset`` in force at some moment from ``start`` to ``end``.

    That is each decision taken in the window and, per use case, the one in force
    when it opened (taken before ``start``); oldest first. Evidence packs list them.
    """
    query = (
        sa.select(table)
        .where(table.c.asset == asset, table.c.decided_at <= end)
        .order_by(table.c.decided_at, table.c.id)
    )
    rows = [_stored(row) for row in store.read(lambda conn: list(conn.execute(query)))]
    opening = {d.use_case: d for d in rows if d.decided_at <= start}
    return [d for d in rows if d.decided_at > start or opening.get(d.use_case) is d]


def history(store: Store, project: Project, asset: str, limit: int = 50) -> list[StoredDecision]:
    """The stored decisions of ``asset``, newest first: the changes of its certification.

    Raises :class:`~trustwell.errors.NotFound` (naming the nearest asset) for an
    asset the project does not declare.
    """
    if project.asset(asset) is None:
        from trustwell.config.errors import nearest_names_hint
        from trustwell.errors import NotFound

        hint = nearest_names_hint(asset, [a.name for a in project.assets])
        raise NotFound(f"unknown asset '{asset}'{hint}")
    query = sa.select(table).where(table.c.asset == asset).order_by(table.c.id.desc()).limit(limit)
    return store.read(lambda conn: [_stored(row) for row in conn.execute(query)])


def _latest(conn: sa.Connection, asset: str) -> dict[str, StoredDecision]:
    query = sa.select(table).where(table.c.asset == asset).order_by(table.c.id)
    return {row.use_case: _stored(row) for row in conn.execute(query)}


def _row(decision: Decision) -> dict[str, Any]:
    return {
        "asset": decision.asset,
        "use_case": decision.use_case,
        "state": decision.state,
        "since": decision.since,
        "decided_at": decision.decided_at,
        "reasons": list(decision.reasons),
        "missing": list(decision.missing),
        "outcomes": [asdict(o) for o in decision.outcomes],
        "run_ids": list(decision.run_ids),
        "result_ids": list(decision.result_ids),
        "incident_ids": list(decision.incident_ids),
        "rule_version": decision.rule_version,
    }


def _stored(row: sa.Row[Any]) -> StoredDecision:
    return StoredDecision(
        id=int(row.id),
        asset=row.asset,
        use_case=row.use_case,
        state=row.state,
        since=row.since,
        decided_at=row.decided_at,
        reasons=tuple(row.reasons),
        missing=tuple(row.missing),
        outcomes=tuple(row.outcomes),
        run_ids=tuple(row.run_ids),
        result_ids=tuple(int(i) for i in row.result_ids),
        incident_ids=tuple(row.incident_ids),
        rule_version=row.rule_version,
    )
