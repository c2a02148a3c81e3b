"""Asset states for the status page: trusted, warning, incident, stale, unknown.

:func:`asset_states` reads the store with a few set-based queries (fast with
thousands of assets and incidents) and classifies each asset with the pure
:func:`trustwell.status.model.classify`. The asset page's content is
:func:`trustwell.status.detail.asset_detail`, which builds on this module (so this
module does not import it back: no import cycle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell import clock
from trustwell.incidents.model import severity_rank
from trustwell.lineage.graph import LineageGraph
from trustwell.lineage.service import lineage_graph
from trustwell.status.model import (
    _NOT_PASSING,
    HISTORY_POINTS,
    OPEN_STATUSES,
    STATES,
    UNSCHEDULED_MAX_AGE,
    AssetDetail,
    AssetIncident,
    AssetState,
    CheckDetail,
    CheckLatest,
    Classification,
    OpenIncidentRef,
    State,
    classify,
    max_age,
)
from trustwell.store.incident_tables import incident_assets, incidents
from trustwell.store.tables import checks, results

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.store import Store

# The model is trustwell.status.model (pure); its names stay importable from here.
__all__ = [
    "HISTORY_POINTS",
    "OPEN_STATUSES",
    "STATES",
    "UNSCHEDULED_MAX_AGE",
    "AssetDetail",
    "AssetIncident",
    "AssetState",
    "CheckDetail",
    "CheckLatest",
    "Classification",
    "OpenIncidentRef",
    "State",
    "asset_states",
    "aware",
    "classify",
    "current_states",
    "max_age",
]


# --- reading the store ----------------------------------------------------------------


def asset_states(store: Store, project: Project, now: datetime | None = None) -> list[AssetState]:
    """The state of every asset of ``project``, in declaration order.

    Three queries whatever the number of assets: the latest result of every
    check (through ``checks.last_seen``), the start of each non-passing streak,
    and the open incidents with their assets.

    >>> [(s.asset, s.state) for s in asset_states(store, project)][:1]
    [('raw.ad_spend', 'trusted')]
    """
    moment = now or clock.now()
    return store.read(lambda conn: _states(conn, project, moment, None))


def _states(
    conn: sa.Connection, project: Project, now: datetime, only: set[str] | None
) -> list[AssetState]:
    chosen = [a for a in project.assets if only is None or a.name in only]
    graph = lineage_graph(conn, project)
    latest = _latest_by_asset(conn, chosen, only)
    touching = _open_incidents(conn, graph)
    states = []
    for asset in chosen:
        found = latest.get(asset.name, [])
        last_run = max((c.since_run for c in found), default=None)
        verdict = classify(
            now=now,
            last_run_at=last_run,
            checks=[c.latest for c in found],
            incident=touching.get(asset.name),
            schedule=asset.schedule,
            timezone=project.settings.timezone,
        )
        ref = touching.get(asset.name)
        states.append(
            AssetState(
                asset=asset.name,
                state=verdict.state,
                tier=asset.tier,
                owner=asset.owner,
                description=asset.description,
                use_cases=list(asset.use_cases),
                last_run_at=last_run,
                failing=verdict.failing,
                warnings=verdict.warnings,
                incident=ref.id if ref else None,
                reason=verdict.reason,
            )
        )
    return states


@dataclass(frozen=True)
class _Stored:
    latest: CheckLatest
    since_run: datetime  # when the latest result was computed


def _latest_by_asset(
    conn: sa.Connection, assets: Sequence[Asset], only: set[str] | None
) -> dict[str, list[_Stored]]:
    # For each check, probe the (check_id, executed_at) index for its latest result:
    # a correlated subquery keeps both SQLite and PostgreSQL from scanning all results.
    latest_id = (
        sa.select(sa.func.max(results.c.id))
        .where(results.c.check_id == checks.c.id, results.c.executed_at == checks.c.last_seen)
        .correlate(checks)
        .scalar_subquery()
    )
    query = (
        sa.select(
            checks.c.id,
            checks.c.asset,
            checks.c.name.label("check_name"),
            results.c.id.label("result_id"),
            results.c.status,
            results.c.executed_at,
        )
        .select_from(checks)
        .join(results, results.c.id == latest_id)
    )
    if only is not None:
        query = query.where(checks.c.asset.in_(sorted(only)))
    # No ORDER BY: it would make SQLite scan all results instead of probing the index.
    found = sorted(conn.execute(query), key=lambda row: row.result_id)
    rows: dict[str, Any] = {row.id: row for row in found}  # the last result id wins
    streaks = _streak_starts(conn, [k for k, r in rows.items() if r.status in _NOT_PASSING])
    declared = {a.name: [c.display_name for c in a.checks] for a in assets}
    by_asset: dict[str, list[_Stored]] = {}
    for key, row in rows.items():
        entry = CheckLatest(row.check_name, row.status, streaks.get(key))
        by_asset.setdefault(row.asset, []).append(_Stored(entry, row.executed_at))
    return {name: _current(found, declared.get(name, [])) for name, found in by_asset.items()}


def _current(found: list[_Stored], declared: list[str]) -> list[_Stored]:
    """Declared checks in declaration order, then others seen in the asset's latest run."""
    if not declared:
        return sorted(found, key=lambda s: s.latest.name)
    order = {name: i for i, name in enumerate(declared)}
    newest = max((s.since_run for s in found if s.latest.name in order), default=None)
    kept = [s for s in found if s.latest.name in order or (newest and s.since_run >= newest)]
    return sorted(kept, key=lambda s: (order.get(s.latest.name, len(order)), s.latest.name))


def _streak_starts(conn: sa.Connection, check_ids: list[str]) -> dict[str, datetime]:
    """When each given check's current run of non-passing results began."""
    if not check_ids:
        return {}
    last_pass = (
        sa.select(results.c.check_id, sa.func.max(results.c.executed_at).label("at"))
        .where(results.c.check_id.in_(check_ids), results.c.status == "pass")
        .group_by(results.c.check_id)
        .subquery()
    )
    query = (
        sa.select(results.c.check_id, sa.func.min(results.c.executed_at).label("since"))
        .select_from(results.outerjoin(last_pass, last_pass.c.check_id == results.c.check_id))
        .where(
            results.c.check_id.in_(check_ids),
            results.c.status.in_(_NOT_PASSING),
            sa.or_(last_pass.c.at.is_(None), results.c.executed_at > last_pass.c.at),
        )
        .group_by(results.c.check_id)
    )
    found: dict[str, datetime] = {}
    for check_id, since in conn.execute(query):
        found[check_id] = aware(since)
    return found


def aware(value: Any) -> datetime:
    """Aggregates bypass the column type on SQLite: parse the stored UTC text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return clock.parse_timestamp(str(value))


def _open_incidents(conn: sa.Connection, graph: LineageGraph) -> dict[str, OpenIncidentRef]:
    """The open incident (most severe, then oldest) touching each asset, by asset name."""
    rows = conn.execute(
        sa.select(
            incidents.c.number,
            incidents.c.severity,
            incidents.c.root_asset,
            incident_assets.c.asset,
            incident_assets.c.impact,
        )
        .join(incident_assets, incident_assets.c.incident == incidents.c.number)
        .where(incidents.c.status.in_(OPEN_STATUSES), incidents.c.drill.is_(False))
    ).all()
    best: dict[str, tuple[tuple[int, int], OpenIncidentRef]] = {}

    def mark(asset: str, rank: tuple[int, int], ref: OpenIncidentRef) -> None:
        current = best.get(asset)
        if (
            current is None
            or rank < current[0]
            or (rank == current[0] and current[1].via and not ref.via)
        ):
            best[asset] = (rank, ref)

    for row in rows:
        ident = f"INC-{row.number}"
        rank = (severity_rank(row.severity), row.number)
        if row.impact == "downstream":
            mark(row.asset, rank, OpenIncidentRef(ident, via=row.root_asset))
            continue
        mark(row.asset, rank, OpenIncidentRef(ident))
        for below in graph.descendants(row.asset):
            mark(below, rank, OpenIncidentRef(ident, via=row.asset))
    return {asset: ref for asset, (_, ref) in best.items()}


def current_states(
    conn: sa.Connection, project: Project, now: datetime, only: set[str] | None = None
) -> list[AssetState]:
    """:func:`asset_states` in the caller's transaction, optionally for some assets only."""
    return _states(conn, project, now, only)
