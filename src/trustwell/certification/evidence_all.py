"""The evidence of every asset at once, for pages that score a thousand assets.

:func:`trustwell.certification.evidence.gather_in` reads one asset's evidence
with a few queries; the status page needs every asset's trust score, so
:func:`gather_all` reads the same facts for all assets with three grouped
queries (the latest result of every check, the 28-day pass rates, the open
incidents and the assets they touch) and the lineage graph the caller already
holds. The evidence is the one the score reads, equal to what ``gather_in``
gives for the score's signals; only the pass rate's ``run_ids`` are left out
(the score does not use them) and only the 28-day window is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.certification.decide import (
    Evidence,
    IncidentEvidence,
    PassRate,
    SloEvidence,
)
from trustwell.certification.evidence import DEFAULT_WINDOW, checks_of
from trustwell.incidents.model import OPEN_STATES
from trustwell.store.incident_tables import incident_assets, incidents
from trustwell.store.tables import results

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.lineage.graph import LineageGraph


def gather_all(
    conn: sa.Connection,
    project: Project,
    now: datetime,
    graph: LineageGraph,
    slos: Mapping[str, tuple[SloEvidence, ...]] | None = None,
) -> dict[str, Evidence]:
    """The evidence of every declared asset at ``now``, by asset name.

    ``slos`` holds the SLO evidence of the assets that declare SLOs (read
    before, with the store); an asset missing from it has none.
    """
    latest = _latest_results(conn)
    rates = _pass_rates(conn, now)
    touching = _open_incidents(conn)
    out: dict[str, Evidence] = {}
    for asset in project.assets:
        upstream = graph.ancestors(asset.name)
        found: dict[int, IncidentEvidence] = {}
        for name in (asset.name, *upstream):
            for number, severity, root in touching.get(name, ()):
                found[number] = IncidentEvidence(
                    f"INC-{number}", severity, root, upstream=root != asset.name
                )
        out[asset.name] = Evidence(
            asset=asset.name,
            now=now,
            checks=checks_of(asset, latest.get(asset.name, {})),
            open_incidents=tuple(found[n] for n in sorted(found)),
            lineage_known=bool(upstream),
            owner=asset.owner,
            description=asset.description,
            slos=(slos or {}).get(asset.name, ()),
            pass_rates={DEFAULT_WINDOW: rates.get(asset.name, PassRate(0, 0))},
        )
    return out


def _latest_results(conn: sa.Connection) -> dict[str, dict[str, Any]]:
    """The newest result of every check name, by asset, as ``gather_in`` ranks them."""
    newest_first = sa.func.row_number().over(
        partition_by=(results.c.asset, results.c.check_name),
        order_by=(results.c.executed_at.desc(), results.c.id.desc()),
    )
    ranked = sa.select(
        results.c.id,
        results.c.run_id,
        results.c.asset,
        results.c.check_name,
        results.c.status,
        results.c.executed_at,
        newest_first.label("rank"),
    ).subquery()
    by_asset: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in conn.execute(sa.select(ranked).where(ranked.c.rank == 1)):
        by_asset[r.asset][r.check_name] = r
    return by_asset


def _pass_rates(conn: sa.Connection, now: datetime) -> dict[str, PassRate]:
    """Each asset's results passed and in all over the 28 days ending at ``now``."""
    passed = sa.func.sum(sa.case((results.c.status == "pass", 1), else_=0))
    query = (
        sa.select(results.c.asset, passed, sa.func.count())
        .where(results.c.executed_at > now - DEFAULT_WINDOW, results.c.executed_at <= now)
        .group_by(results.c.asset)
    )
    return {
        str(asset): PassRate(passed=int(ok or 0), total=int(total))
        for asset, ok, total in conn.execute(query)
    }


def _open_incidents(conn: sa.Connection) -> dict[str, list[tuple[int, str, str]]]:
    """The open incidents (no drills) touching each asset: (number, severity, root asset)."""
    query = (
        sa.select(
            incident_assets.c.asset,
            incidents.c.number,
            incidents.c.severity,
            incidents.c.root_asset,
        )
        .join(incidents, incidents.c.number == incident_assets.c.incident)
        .where(
            incidents.c.status.in_([str(s) for s in OPEN_STATES]),
            incidents.c.drill.is_(False),
        )
    )
    touching: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for asset, number, severity, root in conn.execute(query):
        touching[str(asset)].append((int(number), str(severity), str(root)))
    return touching
