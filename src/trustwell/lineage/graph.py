"""The declared lineage graph and walks over it. Pure: no I/O.

Edges come from each asset's ``upstream:`` list (later also OpenLineage and
dbt). Walks are breadth-first, any depth, cycle-safe.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class LineageGraph:
    """Upstream and downstream neighbours by asset name."""

    upstream: dict[str, set[str]] = field(default_factory=dict)
    downstream: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_upstreams(cls, upstreams: Mapping[str, Iterable[str]]) -> LineageGraph:
        """Build from ``{asset: [its upstream assets]}``."""
        graph = cls()
        for asset, parents in upstreams.items():
            graph.upstream.setdefault(asset, set())
            graph.downstream.setdefault(asset, set())
            for parent in parents:
                graph.upstream[asset].add(parent)
                graph.downstream.setdefault(parent, set()).add(asset)
                graph.upstream.setdefault(parent, set())
        return graph

    def ancestors(self, asset: str, depth: int | None = None) -> list[str]:
        """Everything upstream of ``asset`` (nearest first), not the asset itself."""
        return _walk(self.upstream, asset, depth)

    def descendants(self, asset: str, depth: int | None = None) -> list[str]:
        """Everything downstream of ``asset`` (nearest first), not the asset itself."""
        return _walk(self.downstream, asset, depth)


def _walk(edges: Mapping[str, set[str]], start: str, depth: int | None) -> list[str]:
    seen = {start}
    order: list[str] = []
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    while queue:
        node, level = queue.popleft()
        if depth is not None and level >= depth:
            continue
        for neighbour in sorted(edges.get(node, ())):
            if neighbour not in seen:
                seen.add(neighbour)
                order.append(neighbour)
                queue.append((neighbour, level + 1))
    return order
