"""Edges reported by the pipelines (not declared in YAML) change grouping, severity and notices.

The project: raw.feed → marts.kpi declared (tier 1, finance@ subscribes);
other.table (tier 2) has no declared lineage. Each test records an edge
through the lineage store's write API, as the OpenLineage receiver would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from incidents.conftest import Warehouse
from trustwell.checks.service import run_project
from trustwell.config.loader import load_project
from trustwell.config.models import Project
from trustwell.incidents.service import declare, list_incidents
from trustwell.lineage.model import DatasetRef, Edge, RunRef
from trustwell.lineage.records import record_edges
from trustwell.notify.outbox_rows import outbox_rows
from trustwell.store import Store, open_store

SEEN = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
NS = "duckdb://warehouse"


def report_edge(project: Project, source: str, target: str) -> None:
    store = open_store(project.settings.store, project.root)
    try:
        edge = Edge(DatasetRef(NS, source), DatasetRef(NS, target))
        store.write(
            lambda conn: record_edges(conn, [edge], "openlineage", run=RunRef("r-1"), seen=SEEN)
        )
    finally:
        store.close()


def empty_other_table(project_dir: Path) -> None:
    connection = duckdb.connect(str(project_dir / "warehouse.duckdb"))
    try:
        connection.execute("DELETE FROM other.table")
    finally:
        connection.close()


def test_a_reported_edge_makes_a_failing_downstream_asset_join_the_upstream_incident(
    project_dir: Path, warehouse: Warehouse
) -> None:
    project = load_project(project_dir)
    report_edge(project, "raw.feed", "other.table")
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    empty_other_table(project_dir)
    run_project(project)
    store = open_store(project.settings.store, project.root)
    try:
        [incident] = list_incidents(store)
    finally:
        store.close()
    assert incident.root_asset == "raw.feed"
    assert [(a.asset, a.impact) for a in incident.assets] == [
        ("raw.feed", "root"),
        ("marts.kpi", "downstream"),
        ("other.table", "downstream"),
    ]


def test_without_the_reported_edge_the_two_failures_are_two_incidents(
    project_dir: Path, warehouse: Warehouse
) -> None:
    project = load_project(project_dir)
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    empty_other_table(project_dir)
    run_project(project)
    store = open_store(project.settings.store, project.root)
    try:
        assert sorted(i.root_asset for i in list_incidents(store)) == ["other.table", "raw.feed"]
    finally:
        store.close()


def test_a_reported_edge_to_a_tier_1_asset_raises_the_severity(project_dir: Path) -> None:
    project = load_project(project_dir)
    store = open_store(project.settings.store, project.root)
    try:
        before = declare(store, project, asset="other.table", title="t", actor="alice")
        report_edge(project, "other.table", "marts.kpi")
        after = declare(store, project, asset="other.table", title="t", actor="alice")
    finally:
        store.close()
    assert (before.severity, after.severity) == ("SEV-2", "SEV-1")
    assert [a.asset for a in after.assets] == ["other.table", "marts.kpi"]


def test_subscribers_of_an_asset_downstream_by_a_reported_edge_are_told(project_dir: Path) -> None:
    settings = project_dir / "trustwell.yml"
    settings.write_text(
        settings.read_text()
        + "channels:\n  mail: {type: email, smtp: 'smtp://127.0.0.1:1', from: tw@acme.test}\n"
    )
    project = load_project(project_dir)
    report_edge(project, "other.table", "marts.kpi")
    store: Store = open_store(project.settings.store, project.root)
    try:
        declare(store, project, asset="other.table", title="t", actor="alice")
        recipients = {r.recipient for r in outbox_rows(store) if r.channel == "mail"}
    finally:
        store.close()
    assert "finance@acme.test" in recipients
