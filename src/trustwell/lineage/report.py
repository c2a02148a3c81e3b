"""What ``trustwell lineage`` and ``GET /api/v1/lineage`` answer: one document, built here.

The nodes upstream or downstream of an asset, each with its hop distance and,
for assets, tier, owner, consumers and current state; the edges between them
with the origins that reported each.

>>> lineage_document(store, project, "marts.kpi", "upstream", depth=1)["nodes"][1]
{'name': 'raw.feed', 'distance': 1, 'lineage_only': False, 'tier': 3, …}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trustwell import clock
from trustwell.errors import Invalid, NotFound
from trustwell.lineage.graph import Direction, LineageGraph
from trustwell.lineage.service import lineage_graph

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.config.models import Asset, Project
    from trustwell.status.model import AssetState
    from trustwell.store import Store

__all__ = ["DIRECTIONS", "LineageAssetNotFound", "lineage_document"]

DIRECTIONS: tuple[Direction, ...] = ("upstream", "downstream")


class LineageAssetNotFound(NotFound):
    """``trustwell lineage`` or ``/api/v1/lineage`` named no asset (exit 2, HTTP 404)."""


def lineage_document(
    store: Store, project: Project, asset: str, direction: str, depth: int | None = None
) -> dict[str, Any]:
    """The lineage of ``asset`` in ``direction`` within ``depth`` hops (None: all).

    Raises :class:`LineageAssetNotFound` (with the nearest names) for an
    unknown asset and :class:`~trustwell.errors.Invalid` for a bad direction
    or depth.
    """
    from trustwell.config.errors import nearest_names_hint

    if project.asset(asset) is None:
        hint = nearest_names_hint(asset, [a.name for a in project.assets])
        raise LineageAssetNotFound(f"unknown asset '{asset}'{hint}")
    if direction not in DIRECTIONS:
        raise Invalid(f"direction must be upstream or downstream, not {direction!r}")
    if depth is not None and depth < 1:
        raise Invalid(f"depth must be 1 or more, not {depth}")
    chosen: Direction = "upstream" if direction == "upstream" else "downstream"
    return store.read(lambda conn: _document(conn, project, asset, chosen, depth))


def _document(
    conn: sa.Connection, project: Project, asset: str, direction: Direction, depth: int | None
) -> dict[str, Any]:
    from trustwell.status.state import current_states

    graph = lineage_graph(conn, project)
    hops = [(asset, 0), *((h.node, h.distance) for h in graph.walk(asset, direction, depth))]
    by_name = {a.name: a for a in project.assets}
    states = {
        s.asset: s
        for s in current_states(conn, project, clock.now(), {n for n, _ in hops if n in by_name})
    }
    return {
        "asset": asset,
        "direction": direction,
        "depth": depth,
        "nodes": [
            _node(graph, by_name.get(node), node, distance, states) for node, distance in hops
        ],
        "edges": [
            {"upstream": source, "downstream": target, "origins": graph.origins_of(source, target)}
            for source, target in graph.edges_within(n for n, _ in hops)
        ],
    }


def _node(
    graph: LineageGraph,
    declared: Asset | None,
    node: str,
    distance: int,
    states: dict[str, AssetState],
) -> dict[str, Any]:
    state = states.get(node)
    dataset = graph.datasets.get(node)
    return {
        "name": node,
        "distance": distance,
        "lineage_only": declared is None,
        "namespace": dataset[0] if dataset else None,
        "dataset": dataset[1] if dataset else None,
        "tier": declared.tier if declared else None,
        "owner": declared.owner if declared else None,
        "consumers": list(declared.consumers) if declared else [],
        "state": state.state if state else None,
        "reason": state.reason if state else None,
    }
