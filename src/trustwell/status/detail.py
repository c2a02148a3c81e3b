"""The asset page's content: checks with history, lineage, incidents, subscribers.

:func:`asset_detail` reads it (over :mod:`trustwell.status.state`'s queries);
:func:`public_view` is what an anonymous visitor of a public status page gets of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell import clock
from trustwell.lineage.service import lineage_graph
from trustwell.status import unknown_asset
from trustwell.status.model import LineageNode, LineagePicture
from trustwell.status.state import (
    HISTORY_POINTS,
    OPEN_STATUSES,
    AssetDetail,
    AssetIncident,
    CheckDetail,
    aware,
    current_states,
)
from trustwell.store.incident_tables import incident_assets, incidents
from trustwell.store.service import HistoryEntry
from trustwell.store.tables import results

#: How many hops each way the asset page's lineage picture shows.
PICTURE_HOPS = 2

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.lineage.graph import LineageGraph
    from trustwell.store import Store


def asset_detail(store: Store, project: Project, name: str) -> AssetDetail:
    """The asset page's content; raises :class:`~trustwell.status.UnknownAsset`.

    Checks (latest result, last 30 values), neighbours, incidents, subscribers.

    >>> asset_detail(store, project, "marts.weekly_cac").upstream
    ['raw.ad_spend', 'raw.new_customers']
    """
    from trustwell.status.subscriptions import assets_with_subscribers

    asset = project.asset(name)
    if asset is None:
        raise unknown_asset(name, [a.name for a in project.assets])
    now = clock.now()

    def work(conn: sa.Connection) -> AssetDetail:
        graph = lineage_graph(conn, project)
        upstream = graph.ancestors(name)
        near = _neighbourhood(graph, name)
        known = {a.name for a in project.assets}
        wanted = {n for n, _ in near if n in known}
        states = {s.asset: s for s in current_states(conn, project, now, wanted)}
        state = states[name]
        followers = assets_with_subscribers(conn, {name: asset})[name].subscribers
        return AssetDetail(
            state=state,
            schedule=asset.schedule,
            consumers=list(asset.consumers),
            checks=_check_details(conn, asset),
            upstream=graph.ancestors(name, depth=1),
            downstream=graph.descendants(name, depth=1),
            incidents=_incidents_touching(conn, name, upstream),
            subscribers=list(followers),  # YAML and stored, without opt-outs
            subscriber_count=len(followers),
            lineage=LineagePicture(
                nodes=[
                    LineageNode(
                        n,
                        distance,
                        states[n].state if n in states else None,
                        lineage_only=n not in known,
                    )
                    for n, distance in near
                ],
                edges=graph.edges_within(n for n, _ in near),
            ),
        )

    return store.read(work)


def _neighbourhood(graph: LineageGraph, name: str) -> list[tuple[str, int]]:
    """The asset and its nodes :data:`PICTURE_HOPS` hops up (negative) and down (positive)."""
    near = [(name, 0)]
    seen = {name}
    for hop in graph.walk(name, "upstream", PICTURE_HOPS):
        near.append((hop.node, -hop.distance))
        seen.add(hop.node)
    # A node both upstream and downstream (a cycle) is drawn once, upstream.
    below = graph.walk(name, "downstream", PICTURE_HOPS)
    near.extend((h.node, h.distance) for h in below if h.node not in seen)
    return near


#: What an anomaly result's details may show anyone: its band, numbers of the metric
#: the chart already shows, never values of the data.
_PUBLIC_BAND = ("low", "high", "expected")


def _public_details(run: HistoryEntry) -> dict[str, Any] | None:
    if run.type != "anomaly" or not run.details:
        return None
    return {k: run.details[k] for k in _PUBLIC_BAND if k in run.details}


def public_view(detail: AssetDetail) -> AssetDetail:
    """The part of an asset's detail an anonymous visitor may see.

    States, values, history, lineage and incidents stay. What a database wrote
    goes: a check's message may quote SQL, a file path, a connection or
    sample values, and its details may list values of the data. Subscribers
    go too (e-mail addresses); their number stays. Lineage-only datasets of
    the lineage picture lose their names (they name hosts and paths).
    The page renders this copy, so no template can show what it does not carry.

    >>> public_view(detail).checks[0].latest.message
    ''
    """
    checks = [
        replace(
            c,
            latest=replace(c.latest, message="", details=None) if c.latest else None,
            runs=[replace(run, message="", details=_public_details(run)) for run in c.runs],
        )
        for c in detail.checks
    ]
    return replace(
        detail,
        checks=checks,
        subscribers=[],
        subscriber_count=detail.subscriber_count,
        lineage=_public_lineage(detail.lineage),
    )


def _public_lineage(picture: LineagePicture) -> LineagePicture:
    """The picture with each lineage-only dataset unnamed ("other dataset 1", …).

    A reported dataset's namespace and name say where data lives (hosts,
    buckets, paths); asset names are what the public page is about anyway.
    """
    names: dict[str, str] = {}
    for node in picture.nodes:
        if node.lineage_only:
            names[node.name] = f"other dataset {len(names) + 1}"
    return LineagePicture(
        nodes=[replace(n, name=names.get(n.name, n.name)) for n in picture.nodes],
        edges=[(names.get(s, s), names.get(t, t)) for s, t in picture.edges],
    )


def _check_details(conn: sa.Connection, asset: Asset) -> list[CheckDetail]:
    newest_first = (
        sa.func.row_number()
        .over(
            partition_by=results.c.check_name,
            order_by=(results.c.executed_at.desc(), results.c.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        sa.select(
            results.c.run_id,
            results.c.executed_at,
            results.c.check_name,
            results.c.type,
            results.c.status,
            results.c.value,
            results.c.failing_fraction,
            results.c.message,
            results.c.details,
            newest_first,
        )
        .where(results.c.asset == asset.name)
        .subquery()
    )
    rows = conn.execute(
        sa.select(ranked)
        .where(ranked.c.rank <= HISTORY_POINTS)
        .order_by(ranked.c.check_name, ranked.c.rank)
    ).all()
    by_check: dict[str, list[HistoryEntry]] = {}
    for row in rows:
        by_check.setdefault(row.check_name, []).append(
            HistoryEntry(
                run_id=row.run_id,
                executed_at=aware(row.executed_at),
                asset=asset.name,
                check=row.check_name,
                type=row.type,
                status=row.status,
                value=row.value,
                failing_fraction=row.failing_fraction,
                message=row.message,
                details=row.details,
            )
        )
    declared = {c.display_name: c.type for c in asset.checks}
    names = [*declared, *sorted(n for n in by_check if n not in declared)]
    details = []
    for check in names:
        entries = list(reversed(by_check.get(check, [])))  # oldest first
        details.append(
            CheckDetail(
                name=check,
                type=declared.get(check) or (entries[-1].type if entries else None),
                latest=entries[-1] if entries else None,
                values=[(e.executed_at, e.value) for e in entries],
                statuses=[(e.executed_at, e.status) for e in entries],
                runs=entries,
            )
        )
    return details


def _incidents_touching(
    conn: sa.Connection, name: str, upstream: Iterable[str], limit: int = 50
) -> list[AssetIncident]:
    """Incidents on the asset (any status), then open ones upstream of it; newest first."""
    columns = (
        incidents.c.number,
        incidents.c.status,
        incidents.c.severity,
        incidents.c.title,
        incidents.c.declared_at,
        incidents.c.resolved_at,
        incident_assets.c.impact,
    )
    joined = sa.select(*columns).join(
        incident_assets, incident_assets.c.incident == incidents.c.number
    )
    own = conn.execute(
        joined.where(incident_assets.c.asset == name)
        .order_by(incidents.c.number.desc())
        .limit(limit)
    ).all()
    above = list(upstream)
    from_above = (
        conn.execute(
            joined.where(
                incident_assets.c.asset.in_(above),
                incidents.c.status.in_(OPEN_STATUSES),
                incidents.c.drill.is_(False),
            ).order_by(incidents.c.number.desc())
        ).all()
        if above
        else []
    )
    seen: dict[int, AssetIncident] = {}
    for row, impact in [*((r, r.impact) for r in own), *((r, "upstream") for r in from_above)]:
        if row.number not in seen:
            seen[row.number] = AssetIncident(
                id=f"INC-{row.number}",
                status=row.status,
                severity=row.severity,
                title=row.title,
                impact=impact,
                declared_at=row.declared_at,
                resolved_at=row.resolved_at,
            )
    return sorted(seen.values(), key=lambda i: i.declared_at, reverse=True)
