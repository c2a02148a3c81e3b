"""The one lineage graph: declared and stored edges merged, aliases applied, cached per change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from trustwell.config.models import Asset, Project, ProjectSettings
from trustwell.lineage.model import DatasetRef, Edge
from trustwell.lineage.records import record_edges
from trustwell.lineage.service import project_graph
from trustwell.store import Store
from trustwell.store.lineage_tables import lineage_datasets

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
PG = "postgres://db:5432"


def project(root: Path) -> Project:
    assets = [
        Asset.model_validate({"name": "raw.orders"}),
        Asset.model_validate(
            {
                "name": "marts.revenue",
                "upstream": ["raw.orders"],
                "openlineage": {"namespace": PG, "name": "analytics.marts.revenue"},
            }
        ),
        Asset.model_validate({"name": "bi.board"}),
    ]
    return Project(root=root, settings=ProjectSettings(), assets=assets)


def report(store: Store, *edges: Edge, at: datetime = T0, origin: str = "openlineage") -> None:
    store.write(lambda conn: record_edges(conn, list(edges), origin, seen=at))


def test_an_aliased_dataset_is_its_asset_and_a_declared_edge_keeps_origin_yaml(
    store: Store, project_root: Path
) -> None:
    mart = DatasetRef(PG, "analytics.marts.revenue")
    report(store, Edge(DatasetRef(PG, "raw.orders"), mart), Edge(mart, DatasetRef(PG, "bi.board")))
    graph = project_graph(store, project(project_root))
    assert graph.origins_of("raw.orders", "marts.revenue") == ["openlineage", "yaml"]
    assert graph.origins_of("marts.revenue", "bi.board") == ["openlineage"]
    assert graph.descendants("raw.orders") == ["marts.revenue", "bi.board"]
    assert graph.lineage_only == set()


def test_the_cached_graph_serves_until_the_store_changes(store: Store, project_root: Path) -> None:
    declared = project(project_root)
    first = project_graph(store, declared)
    assert project_graph(store, declared) is first  # nothing changed: the same graph
    report(store, Edge(DatasetRef(PG, "marts.revenue.alias"), DatasetRef(PG, "bi.board")))
    second = project_graph(store, declared)
    assert second is not first
    assert second.ancestors("bi.board") == []  # upstream is a lineage-only node
    assert second.upstream["bi.board"] == {f"{PG}/marts.revenue.alias"}
    # The same edge again, later: last_seen moves, so the graph is rebuilt (and equal).
    report(store, Edge(DatasetRef(PG, "marts.revenue.alias"), DatasetRef(PG, "bi.board")),
           at=T0 + timedelta(hours=1))  # fmt: skip
    third = project_graph(store, declared)
    assert third is not second and third.upstream == second.upstream
    assert project_graph(store, project(project_root)) is not third  # another project object


def test_a_stored_mapping_counts_while_its_asset_exists(store: Store, project_root: Path) -> None:
    board = DatasetRef("looker://acme", "dashboards/7", asset="bi.board")
    gone = DatasetRef("looker://acme", "dashboards/8", asset="bi.deleted")
    report(
        store, Edge(DatasetRef(PG, "raw.orders"), board), Edge(DatasetRef(PG, "raw.orders"), gone)
    )
    graph = project_graph(store, project(project_root))
    assert graph.descendants("raw.orders") == ["bi.board", "marts.revenue"]
    assert graph.lineage_only == {"looker://acme/dashboards/8"}
    rows = store.read(
        lambda conn: conn.execute(
            sa.select(sa.func.count()).select_from(lineage_datasets)
        ).scalar_one()
    )
    assert rows == 3


def test_a_password_in_a_reported_namespace_never_reaches_a_node(
    store: Store, project_root: Path
) -> None:
    secret = DatasetRef("postgres://etl:hunter2@db:5432", "analytics.staging.orders")
    report(store, Edge(secret, DatasetRef(PG, "raw.orders")))
    graph = project_graph(store, project(project_root))
    [node] = graph.upstream["raw.orders"]
    assert node == "postgres://etl:***@db:5432/analytics.staging.orders"
    assert graph.datasets[node] == ("postgres://etl:***@db:5432", "analytics.staging.orders")
