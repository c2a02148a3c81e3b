"""The lineage store's write API: idempotent upserts that keep first seen and move last seen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from trustwell.lineage.model import DatasetRef, Edge, JobRef, RunRef
from trustwell.lineage.records import UnknownOrigin, record_edges
from trustwell.store import Store
from trustwell.store.lineage_tables import (
    lineage_datasets,
    lineage_edges,
    lineage_jobs,
    lineage_runs,
)

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
NS = "duckdb://warehouse"
RAW = DatasetRef(NS, "raw.orders")
MART = DatasetRef(NS, "marts.revenue", asset="marts.revenue")
JOB = JobRef("airflow", "build_revenue")


def _edges(store: Store) -> list[dict[str, Any]]:
    source, target = lineage_datasets.alias("s"), lineage_datasets.alias("t")
    query = (
        sa.select(
            source.c.name.label("source"),
            target.c.name.label("target"),
            lineage_edges.c.origin,
            lineage_edges.c.run_id,
            lineage_edges.c.first_seen,
            lineage_edges.c.last_seen,
        )
        .join(source, source.c.id == lineage_edges.c.source_id)
        .join(target, target.c.id == lineage_edges.c.target_id)
        .order_by(lineage_edges.c.origin)
    )
    return store.read(lambda conn: [dict(r._mapping) for r in conn.execute(query)])


def _record(store: Store, edges: list[Edge], origin: str, run: str | None, seen: datetime) -> int:
    ref = RunRef(run, job=JOB, state="COMPLETE") if run else None
    return store.write(lambda conn: record_edges(conn, edges, origin, run=ref, seen=seen))


def test_an_edge_reported_twice_is_stored_once(store: Store) -> None:
    assert _record(store, [Edge(RAW, MART, job=JOB)], "openlineage", "run-1", T0) == 1
    assert _record(store, [Edge(RAW, MART, job=JOB)], "openlineage", "run-1", T0) == 1
    assert _edges(store) == [
        {
            "source": "raw.orders",
            "target": "marts.revenue",
            "origin": "openlineage",
            "run_id": "run-1",
            "first_seen": T0,
            "last_seen": T0,
        }
    ]
    counts = store.read(
        lambda conn: [
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (lineage_datasets, lineage_jobs, lineage_runs)
        ]
    )
    assert counts == [2, 1, 1]


def test_a_later_report_moves_last_seen_and_the_run_and_keeps_first_seen(store: Store) -> None:
    _record(store, [Edge(RAW, MART)], "openlineage", "run-1", T0)
    _record(store, [Edge(RAW, MART)], "openlineage", "run-2", T0 + HOUR)
    [edge] = _edges(store)
    assert (edge["first_seen"], edge["last_seen"], edge["run_id"]) == (T0, T0 + HOUR, "run-2")


def test_an_older_report_arriving_late_moves_first_seen_back_and_keeps_the_latest_run(
    store: Store,
) -> None:
    _record(store, [Edge(RAW, MART)], "openlineage", "run-2", T0 + HOUR)
    _record(store, [Edge(RAW, MART)], "openlineage", "run-1", T0)
    [edge] = _edges(store)
    assert (edge["first_seen"], edge["last_seen"], edge["run_id"]) == (T0, T0 + HOUR, "run-2")


def test_the_same_edge_from_two_origins_is_kept_once_per_origin(store: Store) -> None:
    _record(store, [Edge(RAW, MART)], "openlineage", "run-1", T0)
    _record(store, [Edge(RAW, MART)], "dbt", None, T0 + HOUR)
    assert [(e["origin"], e["run_id"]) for e in _edges(store)] == [
        ("dbt", None),
        ("openlineage", "run-1"),
    ]


def test_a_dataset_keeps_its_asset_when_a_later_report_does_not_map_it(store: Store) -> None:
    _record(store, [Edge(RAW, MART)], "openlineage", None, T0)
    unmapped = DatasetRef(NS, "marts.revenue")
    _record(store, [Edge(unmapped, DatasetRef(NS, "bi.dashboard"))], "openlineage", None, T0 + HOUR)
    assets = store.read(
        lambda conn: dict(
            conn.execute(sa.select(lineage_datasets.c.name, lineage_datasets.c.asset)).all()
        )
    )
    assert assets == {"raw.orders": None, "marts.revenue": "marts.revenue", "bi.dashboard": None}


def test_an_unknown_origin_is_refused_with_the_nearest_name_and_nothing_is_written(
    store: Store,
) -> None:
    with pytest.raises(UnknownOrigin) as raised:
        _record(store, [Edge(RAW, MART)], "openlinage", "run-1", T0)
    assert str(raised.value) == (
        "unknown lineage origin 'openlinage': did you mean 'openlineage'?"
        " (origins: yaml, openlineage, dbt)"
    )
    assert _edges(store) == []
