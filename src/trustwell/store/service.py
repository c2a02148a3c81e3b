"""Recording runs and reading the history of checks.

Every public function here owns its transaction (through :meth:`Store.write`
or :meth:`Store.read`); the ``_``-prefixed helpers take a connection and never
commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from trustwell.checks.result import CheckResult, RunReport
from trustwell.clock import isoformat
from trustwell.redact import scrub
from trustwell.store.database import Store
from trustwell.store.identity import check_id, definition_hash
from trustwell.store.incident_windows import inside_incident
from trustwell.store.tables import checks, results, runs

__all__ = [
    "HistoryEntry",
    "check_history",
    "check_id",
    "definition_hash",
    "flagged_history",
    "history",
    "last_results",
    "record_run",
    "results_between",
]


@dataclass(frozen=True)
class HistoryEntry:
    """One stored result of one check, as ``trustwell history`` shows it."""

    run_id: str
    executed_at: datetime  # aware, UTC: when the run that computed it started
    asset: str
    check: str
    type: str
    status: str
    value: float | None
    failing_fraction: float | None
    message: str
    details: dict[str, Any] | None = None  # type-specific facts (None before migration 0006)

    def __post_init__(self) -> None:
        # Results stored before messages were scrubbed may hold a password:
        # every reader (history, the API, the pages) gets the scrubbed text.
        object.__setattr__(self, "message", scrub(self.message))

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form (``executed_at`` as ISO-8601 UTC with ``Z``)."""
        return {
            "run_id": self.run_id,
            "executed_at": isoformat(self.executed_at),
            "asset": self.asset,
            "check": self.check,
            "type": self.type,
            "status": self.status,
            "value": self.value,
            "failing_fraction": self.failing_fraction,
            "message": self.message,
            "details": self.details,
        }


def record_run(
    store: Store,
    report: RunReport,
    *,
    project: str,
    actor: str | None = None,
    definitions: dict[tuple[str, str], dict[str, Any]] | None = None,
    trigger: str = "cli",
    also: Sequence[Callable[[sa.Connection], None]] = (),
) -> None:
    """Store a run, its results and the identities of its checks, in one transaction.

    ``also``: further writes of the run (incremental states) in that transaction.

    ``definitions`` maps ``(asset, check name)`` to the check as declared; a check
    without one keeps the definition stored before. Each result's ``executed_at``
    is the run's ``started_at``.

    >>> record_run(store, report, project="acme-analytics", actor="alice")
    """

    def work(conn: sa.Connection) -> None:
        conn.execute(
            runs.insert().values(
                id=report.run_id,
                project=project,
                started_at=report.started_at,
                finished_at=report.finished_at,
                status=report.status,
                trigger=trigger,
                actor=actor,
            )
        )
        _upsert_checks(conn, report.results, definitions or {}, seen=report.started_at)
        _insert_results(conn, report.run_id, report.results, executed_at=report.started_at)
        for write in also:
            write(conn)

    store.write(work)


def history(
    store: Store, asset: str, check: str | None = None, limit: int = 50
) -> list[HistoryEntry]:
    """The latest ``limit`` results of an asset (or of one of its checks), newest first.

    Results of one run keep the order of the run's report.

    >>> [e.status for e in history(store, "marts.weekly_cac", check="row_count", limit=3)]
    ['fail', 'pass', 'pass']
    """
    run_order = sa.func.min(results.c.id).over(partition_by=results.c.run_id)
    query = (
        _entry_select()
        .where(results.c.asset == asset)
        .order_by(results.c.executed_at.desc(), run_order.desc(), results.c.position)
        .limit(limit)
    )
    if check is not None:
        query = query.where(results.c.check_name == check)
    return store.read(lambda conn: _entries(conn.execute(query)))


def last_results(store: Store, asset: str) -> dict[str, HistoryEntry]:
    """The newest stored result of every check of ``asset``, by check name.

    >>> last_results(store, "marts.weekly_cac")["row_count"].status
    'pass'
    """
    newest_first = sa.func.row_number().over(
        partition_by=results.c.check_name,
        order_by=(results.c.executed_at.desc(), results.c.id.desc()),
    )
    ranked = (
        _entry_select()
        .add_columns(newest_first.label("rank"), results.c.position)
        .where(results.c.asset == asset)
        .subquery()
    )
    query = (
        sa.select(*(ranked.c[name] for name in _ENTRY_COLUMNS))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.executed_at.desc(), ranked.c.position)
    )
    entries = store.read(lambda conn: _entries(conn.execute(query)))
    return {entry.check: entry for entry in entries}


def check_history(
    store: Store,
    asset: str,
    check: str,
    limit: int = 100,
    *,
    before: datetime | None = None,
    outside_incidents: bool = False,
) -> list[HistoryEntry]:
    """The latest ``limit`` results of one check, oldest first: a metric's values over time.

    ``before`` leaves out results executed at or after that moment (so the run
    being evaluated is never part of its own baseline); ``outside_incidents``
    those recorded inside an incident on the asset (see
    :func:`~trustwell.store.incident_windows.inside_incident`),
    in the same query.

    >>> [e.value for e in check_history(store, "marts.weekly_cac", "row_count", 3)]
    [120.0, 118.0, 131.0]
    """
    query = (
        _entry_select()
        .where(results.c.asset == asset, results.c.check_name == check)
        .order_by(results.c.executed_at.desc(), results.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(results.c.executed_at < before)
    if outside_incidents:
        query = query.where(~inside_incident())
    return list(reversed(store.read(lambda conn: _entries(conn.execute(query)))))


def flagged_history(
    store: Store, asset: str, check: str, limit: int = 1000
) -> list[tuple[HistoryEntry, bool]]:
    """The latest ``limit`` results of one check, oldest first, each with whether it
    was recorded inside an incident (one query; ``trustwell anomaly backtest``)."""
    inside = inside_incident().label("inside_incident")
    query = (
        _entry_select()
        .add_columns(inside)
        .where(results.c.asset == asset, results.c.check_name == check)
        .order_by(results.c.executed_at.desc(), results.c.id.desc())
        .limit(limit)
    )

    def read(conn: sa.Connection) -> list[tuple[HistoryEntry, bool]]:
        rows = conn.execute(query).all()
        return [(e, bool(r.inside_incident)) for e, r in zip(_entries(rows), rows, strict=True)]

    return list(reversed(store.read(read)))


def results_between(
    store: Store, asset: str, start: datetime, end: datetime
) -> list[tuple[int, HistoryEntry]]:
    """Every result of ``asset`` executed after ``start`` and up to ``end``, oldest first.

    Each comes with its stored id, the id certification decisions cite as evidence.
    """
    query = (
        _entry_select()
        .add_columns(results.c.id)
        .where(
            results.c.asset == asset, results.c.executed_at > start, results.c.executed_at <= end
        )
        .order_by(results.c.executed_at, results.c.id)
    )
    rows = store.read(lambda conn: list(conn.execute(query)))
    return list(zip((int(row.id) for row in rows), _entries(rows), strict=True))


# --- helpers: take a connection, never commit -------------------------------------

_ENTRY_COLUMNS = (
    "run_id",
    "executed_at",
    "asset",
    "check_name",
    "type",
    "status",
    "value",
    "failing_fraction",
    "message",
    "details",
)


def _entry_select() -> sa.Select[Any]:
    return sa.select(*(results.c[name] for name in _ENTRY_COLUMNS))


def _entries(rows: Iterable[sa.Row[Any]]) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            run_id=row.run_id,
            executed_at=row.executed_at,
            asset=row.asset,
            check=row.check_name,
            type=row.type,
            status=row.status,
            value=row.value,
            failing_fraction=row.failing_fraction,
            message=row.message,
            details=row.details,
        )
        for row in rows
    ]


def _upsert_checks(
    conn: sa.Connection,
    found: Sequence[CheckResult],
    definitions: dict[tuple[str, str], dict[str, Any]],
    *,
    seen: datetime,
) -> None:
    """Insert new check identities; refresh type, definition and first/last seen of known ones."""
    rows: dict[str, dict[str, Any]] = {}
    for result in found:
        definition = definitions.get((result.asset, result.check))
        rows[check_id(result.asset, result.check)] = {
            "id": check_id(result.asset, result.check),
            "asset": result.asset,
            "name": result.check,
            "type": result.type,
            "definition": definition,
            "definition_hash": None if definition is None else definition_hash(definition),
            "first_seen": seen,
            "last_seen": seen,
        }
    if not rows:
        return
    # Sorted ids: concurrent PostgreSQL writers lock the rows in the same order.
    values = [rows[key] for key in sorted(rows)]
    statement: sa.Executable
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(checks).values(values)
        statement = pg.on_conflict_do_update(
            index_elements=[checks.c.id], set_=_refresh(pg.excluded)
        )
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(checks).values(values)
        statement = lite.on_conflict_do_update(
            index_elements=[checks.c.id], set_=_refresh(lite.excluded)
        )
    if conn.dialect.name != "postgresql":
        conn.execute(statement)
        return
    # PostgreSQL's ON CONFLICT covers only its arbiter index (the id): when two
    # writers insert the same new check at once, the other unique index, on
    # (asset, name), can raise first. Once the winner's row exists the retry sees
    # it and updates, so a savepoint and a second try are enough.
    for attempt in range(3):
        try:
            with conn.begin_nested():
                conn.execute(statement)
            return
        except sa.exc.IntegrityError:
            if attempt == 2:
                raise


def _refresh(new: sa.ColumnCollection[str, Any]) -> dict[str, Any]:
    """The SET clause of the check upsert; ``new`` is the row that was not inserted."""
    return {
        "type": new["type"],
        # No definition given this time: keep the one stored before.
        "definition": sa.case(
            (new["definition_hash"].is_(None), checks.c.definition), else_=new["definition"]
        ),
        "definition_hash": sa.func.coalesce(new["definition_hash"], checks.c.definition_hash),
        # Runs may be recorded out of order (backfills): keep the widest span.
        "first_seen": sa.case(
            (new["first_seen"] < checks.c.first_seen, new["first_seen"]),
            else_=checks.c.first_seen,
        ),
        "last_seen": sa.case(
            (new["last_seen"] > checks.c.last_seen, new["last_seen"]), else_=checks.c.last_seen
        ),
    }


def _insert_results(
    conn: sa.Connection, run_id: str, found: Sequence[CheckResult], *, executed_at: datetime
) -> None:
    if not found:
        return
    conn.execute(
        results.insert(),
        [
            {
                "run_id": run_id,
                "check_id": check_id(result.asset, result.check),
                "position": position,
                "asset": result.asset,
                "check_name": result.check,
                "type": result.type,
                "status": result.status,
                "value": result.value,
                "threshold": result.threshold,
                "failing_fraction": result.failing_fraction,
                # Scrubbed again: a message may have been extended after it was made.
                "message": scrub(result.message),
                "samples": result.samples,
                "queries": result.queries,
                "executed_at": executed_at,
                "details": result.details,
            }
            for position, result in enumerate(found)
        ],
    )
