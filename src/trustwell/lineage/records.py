"""Writing reported lineage into the store, inside the caller's transaction.

Every write is an upsert and idempotent: the same edge reported twice is one
row; ``first_seen`` only moves earlier and ``last_seen`` only later, so events
that arrive out of order leave the same rows as events in order, and the run
that last reported an edge is the one with the latest ``seen``.

>>> store.write(lambda conn: record_edges(conn, [Edge(orders, mart)], "openlineage",
...                                       run=RunRef(run_id), seen=event_time))
1
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from trustwell.config.errors import did_you_mean
from trustwell.errors import Invalid
from trustwell.lineage.model import ORIGINS, DatasetRef, Edge, JobRef, RunRef
from trustwell.store.lineage_tables import (
    lineage_datasets,
    lineage_edges,
    lineage_jobs,
    lineage_runs,
)

__all__ = ["UnknownOrigin", "record_datasets", "record_edges", "record_run"]


class UnknownOrigin(Invalid):
    """An origin other than ``yaml``, ``openlineage`` or ``dbt``."""


def record_edges(
    conn: sa.Connection,
    edges: Iterable[Edge],
    origin: str,
    *,
    run: RunRef | None = None,
    seen: datetime,
) -> int:
    """Upsert ``edges`` (their datasets, jobs and ``run`` too) as reported by ``origin``.

    Returns the number of distinct edges written. Never commits.
    """
    _check_origin(origin)
    edges = list(dict.fromkeys(edges))
    if run is not None:
        record_run(conn, run, origin, seen=seen)
    datasets = record_datasets(conn, [d for e in edges for d in (e.source, e.target)], seen=seen)
    jobs = _record_jobs(conn, [e.job for e in edges if e.job is not None], seen)
    rows = {
        (datasets[_key(e.source)], datasets[_key(e.target)]): (
            jobs[_job_key(e.job)] if e.job else None
        )
        for e in edges
    }
    for (source_id, target_id), job_id in rows.items():
        _upsert(
            conn,
            lineage_edges,
            {
                "source_id": source_id,
                "target_id": target_id,
                "origin": origin,
                "job_id": job_id,
                "run_id": run.id if run else None,
                "first_seen": seen,
                "last_seen": seen,
            },
            keys=("source_id", "target_id", "origin"),
            latest=("job_id", "run_id"),
        )
    return len(rows)


def record_datasets(
    conn: sa.Connection, datasets: Iterable[DatasetRef], *, seen: datetime
) -> dict[tuple[str, str], int]:
    """Upsert datasets; returns their ids by ``(namespace, name)``.

    A dataset's ``asset`` is updated when the report names one (the latest
    report's mapping wins); a report without a mapping leaves a known one.
    """
    unique = {_key(d): d for d in datasets}
    for dataset in unique.values():
        _upsert(
            conn,
            lineage_datasets,
            {
                "namespace": dataset.namespace,
                "name": dataset.name,
                "asset": dataset.asset,
                "first_seen": seen,
                "last_seen": seen,
            },
            keys=("namespace", "name"),
            latest=("asset",) if dataset.asset else (),
        )
    return _ids(conn, lineage_datasets, list(unique))


def record_run(conn: sa.Connection, run: RunRef, origin: str, *, seen: datetime) -> None:
    """Upsert one run (and its job); its state is the one of its latest event."""
    _check_origin(origin)
    job_id = _record_jobs(conn, [run.job], seen)[_job_key(run.job)] if run.job else None
    _upsert(
        conn,
        lineage_runs,
        {
            "id": run.id,
            "job_id": job_id,
            "origin": origin,
            "state": run.state,
            "event_time": run.event_time or seen,
            "first_seen": seen,
            "last_seen": seen,
        },
        keys=("id",),
        latest=("job_id", "state", "event_time"),
    )


def _record_jobs(
    conn: sa.Connection, jobs: Sequence[JobRef], seen: datetime
) -> dict[tuple[str, str], int]:
    unique = {_job_key(j): j for j in jobs}
    for job in unique.values():
        _upsert(
            conn,
            lineage_jobs,
            {"namespace": job.namespace, "name": job.name, "first_seen": seen, "last_seen": seen},
            keys=("namespace", "name"),
            latest=(),
        )
    return _ids(conn, lineage_jobs, list(unique))


def _upsert(
    conn: sa.Connection,
    table: sa.Table,
    values: dict[str, Any],
    *,
    keys: tuple[str, ...],
    latest: tuple[str, ...],
) -> None:
    """Insert, or keep the earliest first_seen and the latest last_seen (and ``latest`` columns)."""
    from sqlalchemy.dialects import postgresql, sqlite

    # Both dialects spell the upsert the same way (ON CONFLICT … DO UPDATE).
    insert: Any = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(**values)
    new, old = statement.excluded, table.c
    newer = new.last_seen >= old.last_seen
    changes: dict[str, Any] = {
        "first_seen": sa.case(
            (new.first_seen < old.first_seen, new.first_seen), else_=old.first_seen
        ),
        "last_seen": sa.case((newer, new.last_seen), else_=old.last_seen),
    }
    # Columns of the latest report: only a report at least as recent replaces them.
    for column in latest:
        changes[column] = sa.case((newer, new[column]), else_=old[column])
    conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes))


def _ids(
    conn: sa.Connection, table: sa.Table, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(keys), 200):  # stays under every database's bound-parameter limit
        chunk = keys[start : start + 200]
        query = sa.select(table.c.id, table.c.namespace, table.c.name).where(
            sa.tuple_(table.c.namespace, table.c.name).in_(chunk)
        )
        found.update({(r.namespace, r.name): int(r.id) for r in conn.execute(query)})
    return found


def _check_origin(origin: str) -> None:
    if origin not in ORIGINS:
        raise UnknownOrigin(
            f"unknown lineage origin {origin!r}{did_you_mean(origin, ORIGINS)}"
            f" (origins: {', '.join(ORIGINS)})"
        )


def _key(dataset: DatasetRef) -> tuple[str, str]:
    return dataset.namespace, dataset.name


def _job_key(job: JobRef) -> tuple[str, str]:
    return job.namespace, job.name
