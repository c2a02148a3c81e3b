"""The pure lineage graph: origins per edge, hop distances, lineage-only nodes walked through."""

from __future__ import annotations

from trustwell.lineage.graph import Hop, LineageGraph


def graph() -> LineageGraph:
    built = LineageGraph.from_upstreams({"mart": ["raw"], "raw": [], "bi": []})
    built.add_edge("raw", "mart", "openlineage")
    built.add_node("s3://x/export", lineage_only=True)
    built.add_edge("mart", "s3://x/export", "openlineage")
    built.add_edge("s3://x/export", "bi", "dbt")
    return built


def test_an_edge_declared_and_reported_is_one_edge_with_both_origins() -> None:
    assert graph().origins_of("raw", "mart") == ["openlineage", "yaml"]
    assert graph().origins_of("mart", "raw") == []


def test_a_walk_gives_every_node_with_its_hop_distance_and_stops_at_the_depth() -> None:
    assert graph().walk("raw", "downstream") == [
        Hop("mart", 1),
        Hop("s3://x/export", 2),
        Hop("bi", 3),
    ]
    assert graph().walk("bi", "upstream", depth=2) == [Hop("s3://x/export", 1), Hop("mart", 2)]


def test_descendants_and_ancestors_pass_through_lineage_only_nodes_and_name_assets_only() -> None:
    assert graph().descendants("raw") == ["mart", "bi"]
    assert graph().ancestors("bi") == ["mart", "raw"]
    assert graph().descendants("mart", depth=1) == []


def test_a_cycle_is_walked_once() -> None:
    cyclic = LineageGraph.from_upstreams({"a": ["b"], "b": ["a"]})
    assert cyclic.walk("a", "downstream") == [Hop("b", 1)]
