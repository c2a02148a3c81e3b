"""What a reporter hands to the lineage store: datasets, jobs, runs and edges. Pure.

The OpenLineage receiver and the dbt importer translate their documents into
these and call :func:`trustwell.lineage.records.record_edges`.

>>> orders = DatasetRef("duckdb://warehouse", "raw.orders")
>>> mart = DatasetRef("duckdb://warehouse", "marts.revenue", asset="marts.revenue")
>>> Edge(orders, mart, job=JobRef("airflow", "build_revenue"))
Edge(source=DatasetRef(namespace='duckdb://warehouse', name='raw.orders', asset=None), …)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Who reported an edge: declared ``upstream:``, an OpenLineage event, a dbt manifest.
ORIGINS = ("yaml", "openlineage", "dbt")


@dataclass(frozen=True)
class DatasetRef:
    """An OpenLineage dataset; ``asset`` is the trustwell asset it maps to, None if none."""

    namespace: str
    name: str
    asset: str | None = None


@dataclass(frozen=True)
class JobRef:
    """An OpenLineage job (or a dbt node) that reads and writes datasets."""

    namespace: str
    name: str


@dataclass(frozen=True)
class RunRef:
    """One run of a job, by the reporter's id (OpenLineage ``runId``, dbt invocation id)."""

    id: str
    job: JobRef | None = None
    state: str | None = None  # START, RUNNING, COMPLETE, FAIL, ABORT, OTHER
    event_time: datetime | None = None


@dataclass(frozen=True)
class Edge:
    """Data flows from ``source`` (upstream) to ``target`` (downstream)."""

    source: DatasetRef
    target: DatasetRef
    job: JobRef | None = None
