"""The lineage graph and walks over it. Pure: no I/O.

Nodes are asset names, plus ``namespace/name`` keys for lineage-only
datasets (an asset name never contains ``/``, so the two cannot collide).
Each edge keeps the origins that reported it (``yaml``, ``openlineage``,
``dbt``). Walks are breadth-first, cycle-safe, and count hops along edges;
:meth:`LineageGraph.ancestors` and :meth:`LineageGraph.descendants` pass
through lineage-only nodes and return assets only, :meth:`LineageGraph.walk`
returns every node with its hop distance.

>>> graph = LineageGraph.from_upstreams({"mart": ["raw"], "raw": []})
>>> graph.descendants("raw"), graph.origins_of("raw", "mart")
(['mart'], ['yaml'])
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

Direction = Literal["upstream", "downstream"]


class _Declared(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def upstream(self) -> list[str]: ...


@dataclass(frozen=True)
class Hop:
    """A node reached by a walk, ``distance`` edges away from where it started."""

    node: str
    distance: int


@dataclass
class LineageGraph:
    """Upstream and downstream neighbours by node, and the origins of each edge."""

    upstream: dict[str, set[str]] = field(default_factory=dict)
    downstream: dict[str, set[str]] = field(default_factory=dict)
    origins: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (up, down)
    lineage_only: set[str] = field(default_factory=set)  # nodes that are not assets
    datasets: dict[str, tuple[str, str]] = field(default_factory=dict)  # node: (namespace, name)

    @classmethod
    def from_upstreams(cls, upstreams: Mapping[str, Iterable[str]]) -> LineageGraph:
        """Build from ``{asset: [its upstream assets]}`` (declared ``upstream:``, origin yaml)."""
        graph = cls()
        for asset, parents in upstreams.items():
            graph.add_node(asset)
            for parent in parents:
                graph.add_edge(parent, asset, "yaml")
        return graph

    @classmethod
    def declared(cls, assets: Iterable[_Declared]) -> LineageGraph:
        """The graph of the assets' declared ``upstream:`` lists alone (origin ``yaml``).

        The one place declared lineage becomes a graph; the lineage service adds
        the stored edges to it.
        """
        return cls.from_upstreams({a.name: a.upstream for a in assets})

    def add_node(
        self, node: str, *, lineage_only: bool = False, dataset: tuple[str, str] | None = None
    ) -> None:
        """Make ``node`` part of the graph (an asset unless ``lineage_only``).

        ``dataset`` is the OpenLineage ``(namespace, name)`` the node stands for.
        """
        self.upstream.setdefault(node, set())
        self.downstream.setdefault(node, set())
        if lineage_only:
            self.lineage_only.add(node)
        if dataset is not None:
            self.datasets.setdefault(node, dataset)

    def add_edge(self, source: str, target: str, origin: str) -> None:
        """Data flows from ``source`` to ``target``, as ``origin`` reported it."""
        self.add_node(source)
        self.add_node(target)
        self.upstream[target].add(source)
        self.downstream[source].add(target)
        self.origins.setdefault((source, target), set()).add(origin)

    def origins_of(self, source: str, target: str) -> list[str]:
        """Who reported the edge ``source`` → ``target`` (sorted; empty when there is none)."""
        return sorted(self.origins.get((source, target), ()))

    def ancestors(self, asset: str, depth: int | None = None) -> list[str]:
        """The assets upstream of ``asset`` (nearest first), not the asset itself."""
        return self._assets(asset, "upstream", depth)

    def descendants(self, asset: str, depth: int | None = None) -> list[str]:
        """The assets downstream of ``asset`` (nearest first), not the asset itself."""
        return self._assets(asset, "downstream", depth)

    def _assets(self, start: str, direction: Direction, depth: int | None) -> list[str]:
        hops = self.walk(start, direction, depth)
        return [h.node for h in hops if h.node not in self.lineage_only]

    def walk(self, start: str, direction: Direction, depth: int | None = None) -> list[Hop]:
        """Every node ``direction`` of ``start`` within ``depth`` hops, nearest first."""
        edges = self.upstream if direction == "upstream" else self.downstream
        seen = {start}
        order: list[Hop] = []
        queue: deque[tuple[str, int]] = deque([(start, 0)])
        while queue:
            node, level = queue.popleft()
            if depth is not None and level >= depth:
                continue
            for neighbour in sorted(edges.get(node, ())):
                if neighbour not in seen:
                    seen.add(neighbour)
                    order.append(Hop(neighbour, level + 1))
                    queue.append((neighbour, level + 1))
        return order

    def edges_within(self, nodes: Iterable[str]) -> list[tuple[str, str]]:
        """The edges whose two ends are both among ``nodes``, sorted."""
        inside = set(nodes)
        return sorted((s, t) for (s, t) in self.origins if s in inside and t in inside)
