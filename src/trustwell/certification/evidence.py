"""Gathering the evidence of one asset from the store and the lineage graph.

:func:`gather` reads what :func:`trustwell.certification.decide.decide` looks
at: the latest result of every declared check, the open incidents on the asset
and on its upstream assets, whether its lineage is known, its owner and
description, and its pass rates over every window the policies name and over
28 days. SLOs are left empty until ``trustwell.slo`` provides them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from trustwell.certification.decide import (
    CheckEvidence,
    Evidence,
    IncidentEvidence,
    PassRate,
    SloEvidence,
)
from trustwell.checks.result import Status
from trustwell.incidents.model import OPEN_STATES
from trustwell.lineage.service import lineage_graph
from trustwell.store.incident_tables import incident_assets, incidents
from trustwell.store.tables import results

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.store import Store

#: Always gathered, whatever the policies name (the asset pages show it).
DEFAULT_WINDOW = timedelta(days=28)


def windows(project: Project) -> tuple[timedelta, ...]:
    """Every pass-rate window the project's use cases name, and 28 days."""
    found = {DEFAULT_WINDOW}
    for name, use_case in project.settings.use_cases.items():
        for r in use_case.policy(name).requirements:
            if r.kind == "pass_rate" and r.window is not None:
                found.add(r.window)
    return tuple(sorted(found))


def gather(store: Store, project: Project, asset: Asset, now: datetime) -> Evidence:
    """The evidence of ``asset`` at ``now`` (one read transaction)."""
    slos = slo_evidence(store, project, asset, now)
    return store.read(lambda conn: gather_in(conn, project, asset, now, slos))


def slo_evidence(
    store: Store, project: Project, asset: Asset, now: datetime
) -> tuple[SloEvidence, ...]:
    """Each trust SLO of ``asset`` met or missed at ``now`` (none declared: empty)."""
    if not asset.slos:
        return ()
    from trustwell.slo.service import asset_slos, to_slo_evidence

    return tuple(to_slo_evidence(r) for r in asset_slos(store, project, asset.name, now))


def gather_in(
    conn: sa.Connection,
    project: Project,
    asset: Asset,
    now: datetime,
    slos: tuple[SloEvidence, ...] = (),
) -> Evidence:
    """:func:`gather` in the caller's transaction; ``slos`` read before it (they use the store)."""
    graph = lineage_graph(conn, project)
    upstream = graph.ancestors(asset.name)
    return Evidence(
        asset=asset.name,
        now=now,
        checks=_checks(conn, asset),
        open_incidents=_incidents(conn, asset.name, upstream),
        lineage_known=bool(upstream),
        owner=asset.owner,
        description=asset.description,
        slos=slos,
        pass_rates=_pass_rates(conn, asset.name, windows(project), now),
    )


def _checks(conn: sa.Connection, asset: Asset) -> tuple[CheckEvidence, ...]:
    newest_first = sa.func.row_number().over(
        partition_by=results.c.check_name,
        order_by=(results.c.executed_at.desc(), results.c.id.desc()),
    )
    ranked = (
        sa.select(
            results.c.id,
            results.c.run_id,
            results.c.check_name,
            results.c.status,
            results.c.executed_at,
            newest_first.label("rank"),
        )
        .where(results.c.asset == asset.name)
        .subquery()
    )
    rows = {r.check_name: r for r in conn.execute(sa.select(ranked).where(ranked.c.rank == 1))}
    return checks_of(asset, rows)


def checks_of(asset: Asset, rows: Mapping[str, Any]) -> tuple[CheckEvidence, ...]:
    """Each declared check of ``asset`` with its latest result row (by check name), if any."""
    out = []
    for check in asset.checks:
        name = check.display_name
        row = rows.get(name)
        kind = str(check.type)
        if row is None:
            out.append(CheckEvidence(check=name, type=kind))
            continue
        out.append(
            CheckEvidence(
                check=name,
                type=kind,
                status=cast(Status, row.status),
                at=row.executed_at,
                run_id=row.run_id,
                result_id=int(row.id),
            )
        )
    return tuple(out)


def _incidents(
    conn: sa.Connection, asset: str, upstream: Iterable[str]
) -> tuple[IncidentEvidence, ...]:
    """Open incidents touching the asset or its upstream; upstream when rooted elsewhere."""
    names = [asset, *upstream]
    touching = sa.select(incident_assets.c.incident).where(incident_assets.c.asset.in_(names))
    query = (
        sa.select(incidents.c.number, incidents.c.severity, incidents.c.root_asset)
        .where(
            incidents.c.number.in_(touching),
            incidents.c.status.in_([str(s) for s in OPEN_STATES]),
            incidents.c.drill.is_(False),
        )
        .order_by(incidents.c.number)
    )
    return tuple(
        IncidentEvidence(f"INC-{number}", str(severity), str(root), upstream=root != asset)
        for number, severity, root in conn.execute(query)
    )


def _pass_rates(
    conn: sa.Connection, asset: str, spans: Iterable[timedelta], now: datetime
) -> dict[timedelta, PassRate]:
    """The pass rate over each window ending at ``now``, from one read of the longest."""
    spans = tuple(spans)
    if not spans:
        return {}
    query = sa.select(results.c.status, results.c.run_id, results.c.executed_at).where(
        results.c.asset == asset,
        results.c.executed_at > now - max(spans),
        results.c.executed_at <= now,
    )
    rows: list[Any] = list(conn.execute(query))
    rates = {}
    for span in spans:
        inside = [r for r in rows if r.executed_at > now - span]
        rates[span] = PassRate(
            passed=sum(1 for r in inside if r.status == "pass"),
            total=len(inside),
            run_ids=tuple(dict.fromkeys(str(r.run_id) for r in inside)),
        )
    return rates
