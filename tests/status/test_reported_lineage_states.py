"""The status page and asset pages read reported edges too, through the one lineage service."""

from __future__ import annotations

from datetime import UTC, datetime

from incidents.conftest import Warehouse
from trustwell.checks.service import run_project
from trustwell.config.models import Project
from trustwell.lineage.model import DatasetRef, Edge
from trustwell.lineage.records import record_edges
from trustwell.status.detail import asset_detail
from trustwell.status.state import asset_states
from trustwell.store import Store

SEEN = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
NS = "duckdb://warehouse"


def report(store: Store, *edges: Edge) -> None:
    store.write(lambda conn: record_edges(conn, list(edges), "openlineage", seen=SEEN))


def state_of(store: Store, project: Project, asset: str) -> tuple[str, str]:
    found = {s.asset: s for s in asset_states(store, project)}[asset]
    return found.state, found.reason


def test_an_edge_recorded_after_a_read_puts_the_downstream_asset_in_incident(
    store: Store, project: Project, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_project(project)
    assert state_of(store, project, "other.table") == ("trusted", "1 check passed at 09:00")
    report(store, Edge(DatasetRef(NS, "raw.feed"), DatasetRef(NS, "other.table")))
    assert state_of(store, project, "other.table") == (
        "incident",
        "part of INC-1 upstream (raw.feed)",
    )


def test_a_lineage_only_dataset_between_two_assets_carries_the_incident_downstream(
    store: Store, project: Project, warehouse: Warehouse
) -> None:
    export = DatasetRef("s3://exports", "feed/daily.parquet")
    report(
        store,
        Edge(DatasetRef(NS, "raw.feed"), export),
        Edge(export, DatasetRef(NS, "other.table")),
    )
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_project(project)
    assert state_of(store, project, "other.table")[0] == "incident"
    detail = asset_detail(store, project, "other.table")
    assert detail.upstream == []  # the nearest upstream node is the lineage-only export
    assert [i.id for i in detail.incidents] == ["INC-1"]


def test_the_asset_page_lists_a_reported_upstream_beside_the_declared_ones(
    store: Store, project: Project
) -> None:
    report(store, Edge(DatasetRef(NS, "other.table"), DatasetRef(NS, "marts.kpi")))
    detail = asset_detail(store, project, "marts.kpi")
    assert detail.upstream == ["other.table", "raw.feed"]
    assert asset_detail(store, project, "other.table").downstream == ["marts.kpi"]
