"""The project's one lineage graph: declared ``upstream:`` merged with the stored edges.

Every reader (incident grouping and severity, notices, the status page, asset
pages, ``trustwell lineage`` and the API) asks here. The graph is cached per
project object and per change of the store: one small query (how many edges
and datasets, and their latest ``last_seen``) tells whether the cached graph
still holds.

>>> graph = project_graph(store, project)
>>> graph.descendants("raw.orders")
['marts.revenue']
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.lineage.graph import LineageGraph
from trustwell.lineage.naming import AssetIndex
from trustwell.redact import scrub
from trustwell.store.lineage_tables import lineage_datasets, lineage_edges

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

__all__ = ["lineage_graph", "node_key", "project_graph"]

_CACHE_SIZE = 16
_lock = threading.Lock()
# (store URL, id(project)) -> (the project, the store's lineage version, the graph).
_cache: OrderedDict[tuple[str, int], tuple[Project, tuple[Any, ...], LineageGraph]] = OrderedDict()


def project_graph(store: Store, project: Project) -> LineageGraph:
    """The lineage graph of ``project`` with what ``store`` holds (one read transaction)."""
    return store.read(lambda conn: lineage_graph(conn, project))


def lineage_graph(conn: sa.Connection, project: Project) -> LineageGraph:
    """:func:`project_graph` in the caller's transaction. Callers must not change the graph."""
    version = _version(conn)
    key = (conn.engine.url.render_as_string(hide_password=True), id(project))
    with _lock:  # the web service reads from several threads
        cached = _cache.get(key)
        # The project is kept in the entry, so its id cannot be reused by another object.
        if cached is not None and cached[0] is project and cached[1] == version:
            _cache.move_to_end(key)
            return cached[2]
    graph = LineageGraph.declared(project.assets)
    if version[0]:
        _merge_stored(conn, graph, project)
    with _lock:
        _cache[key] = (project, version, graph)
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return graph


def node_key(namespace: str, name: str, asset: str | None) -> str:
    """A dataset's node: its asset's name, else ``namespace/name`` (a lineage-only node)."""
    return asset if asset is not None else f"{namespace}/{name}"


def _version(conn: sa.Connection) -> tuple[Any, ...]:
    edges = sa.select(sa.func.count(), sa.func.max(lineage_edges.c.last_seen))
    datasets = sa.select(sa.func.count(), sa.func.max(lineage_datasets.c.last_seen))
    return (*conn.execute(edges).one(), *conn.execute(datasets).one())


def _merge_stored(conn: sa.Connection, graph: LineageGraph, project: Project) -> None:
    index = AssetIndex.from_assets(project.assets)
    known = {a.name for a in project.assets}
    nodes: dict[int, str] = {}
    datasets: dict[int, tuple[str, str]] = {}
    for row in conn.execute(
        sa.select(
            lineage_datasets.c.id,
            lineage_datasets.c.namespace,
            lineage_datasets.c.name,
            lineage_datasets.c.asset,
        )
    ):
        # The project's current naming wins; a stored mapping still counts while
        # its asset exists (an importer may know better than the default names).
        asset = index.asset_for(row.namespace, row.name)
        if asset is None and row.asset in known:
            asset = row.asset
        # A reporter may put credentials in a namespace (postgres://user:pass@host):
        # nothing that shows a node (pages, the API, the CLI) ever carries them.
        namespace, name = scrub(row.namespace), scrub(row.name)
        nodes[int(row.id)] = node_key(namespace, name, asset)
        datasets[int(row.id)] = (namespace, name)
    query = sa.select(lineage_edges.c.source_id, lineage_edges.c.target_id, lineage_edges.c.origin)
    for source_id, target_id, origin in conn.execute(query):
        source, target = nodes[int(source_id)], nodes[int(target_id)]
        if source == target:
            continue  # two datasets of one asset (a table and its alias, say)
        for node, ident in ((source, source_id), (target, target_id)):
            graph.add_node(node, lineage_only=node not in known, dataset=datasets[int(ident)])
        graph.add_edge(source, target, origin)
