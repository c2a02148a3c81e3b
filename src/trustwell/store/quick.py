"""The store half of the fast run path: a SQLite store through the stdlib ``sqlite3``.

Importing SQLAlchemy costs more than a whole small ``trustwell run``. For a
SQLite store that already exists at :data:`SCHEMA_HEAD`, a run needs four
things from it: the open incident keys (does the run concern the incident
machinery?), whether the outbox has a message due, an ``anomaly`` check's
past results (:mod:`trustwell.store.quick_history`), and to record the run.
:class:`QuickStore` does those with the same PRAGMAs as the SQLAlchemy engine
and writes exactly the rows :func:`~trustwell.store.service.record_run`
writes, byte for byte (``tests/store/test_quick.py`` compares them). Anything
else — a missing file, an older schema, PostgreSQL — is for
:func:`~trustwell.store.database.open_store`: :meth:`QuickStore.open`
returns None and the caller takes the ordinary path.

>>> with QuickStore.open(path) as quick:
...     quick.record(report, project="acme", actor=None, definitions={}, trigger="cli")

Imports no SQLAlchemy (a test runs it in a fresh interpreter to make sure).
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from trustwell.checks.result import CheckResult, RunReport
from trustwell.redact import scrub
from trustwell.store import sqlite_setup
from trustwell.store.errors import StoreError
from trustwell.store.identity import check_id, definition_hash
from trustwell.store.quick_history import Past, decode, history_query
from trustwell.store.schema_head import SCHEMA_HEAD

T = TypeVar("T")

#: The tables a run reads or writes: without one of them the store is not one we know
#: (the incident tables: which checks have an open incident, what an anomaly leaves out).
_TABLES = frozenset(
    (
        "alembic_version",
        "runs",
        "checks",
        "results",
        "outbox",
        "incidents",
        "incident_assets",
        "incident_fingerprints",
    )
)

_INSERT_RUN = (
    "INSERT INTO runs (id, project, started_at, finished_at, status, trigger, actor)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
# service._upsert_checks and its _refresh, as SQL.
_UPSERT_CHECK = """
INSERT INTO checks (id, asset, name, type, definition, definition_hash, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
    type = excluded.type,
    definition = CASE WHEN excluded.definition_hash IS NULL THEN checks.definition
                      ELSE excluded.definition END,
    definition_hash = coalesce(excluded.definition_hash, checks.definition_hash),
    first_seen = CASE WHEN excluded.first_seen < checks.first_seen THEN excluded.first_seen
                      ELSE checks.first_seen END,
    last_seen = CASE WHEN excluded.last_seen > checks.last_seen THEN excluded.last_seen
                     ELSE checks.last_seen END
"""
_INSERT_RESULT = (
    "INSERT INTO results (run_id, check_id, position, asset, check_name, type, status, value,"
    " threshold, failing_fraction, message, samples, queries, executed_at, details)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# notify.outbox._claim's condition (a first claim excludes no id).
_OUTBOX_DUE = (
    "SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
    " AND (claimed_until IS NULL OR claimed_until < ?) LIMIT 1"
)


class QuickStore:
    """An open SQLite store at the current schema, written without SQLAlchemy."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection
        self.path = path

    @classmethod
    def open(cls, path: Path) -> QuickStore | None:
        """The store in the existing file ``path``, or None when the fast path cannot serve it.

        None for a missing file (nothing is created), a file that is not a
        SQLite database, a store whose schema revision is not
        :data:`SCHEMA_HEAD` or that lacks a table: ``open_store`` then
        migrates it or says what is wrong.
        """
        if not path.is_file():
            return None
        try:
            # mode=rw: never create the file, even if it vanished since the check above.
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=rw",
                uri=True,
                timeout=sqlite_setup.BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                # As the engine's: a run may open the store in one thread and record in another.
                check_same_thread=False,
            )
        except sqlite3.Error:
            return None
        try:
            sqlite_setup.configure(conn, in_memory=False)
            if not _at_head(conn):
                conn.close()
                return None
        except sqlite3.Error:
            conn.close()
            return None
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> QuickStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def open_incident_keys(self) -> set[str]:
        """The fingerprints of open incidents (what ``needs_incidents`` compares a run to)."""
        query = "SELECT open_key FROM incident_fingerprints WHERE open_key IS NOT NULL"
        return self._transaction(
            lambda conn: {str(row[0]) for row in conn.execute(query)}, write=False
        )

    def outbox_due(self, now: datetime) -> bool:
        """True when ``deliver_due`` at ``now`` would claim at least one outbox row."""
        at = stamp(now)
        return self._transaction(
            lambda conn: conn.execute(_OUTBOX_DUE, (at, at)).fetchone() is not None, write=False
        )

    def past_results(
        self,
        asset: str,
        check: str,
        *,
        before: datetime,
        limit: int,
        outside_incidents: bool = False,
    ) -> list[Past]:
        """The latest ``limit`` results of ``check`` before ``before``, oldest first
        (a :class:`~trustwell.checks.context.HistorySource`, as ``StoreHistory`` is)."""
        query = history_query(outside_incidents=outside_incidents)
        found = self._transaction(
            lambda conn: conn.execute(query, (asset, check, stamp(before), limit)).fetchall(),
            write=False,
        )
        return [decode(row) for row in reversed(found)]

    def record(
        self,
        report: RunReport,
        *,
        project: str,
        actor: str | None,
        definitions: dict[tuple[str, str], dict[str, Any]],
        trigger: str,
    ) -> None:
        """Store a run, its results and its checks' identities in one transaction,
        as :func:`~trustwell.store.service.record_run` does (without its ``also``)."""
        run = (
            report.run_id,
            project,
            stamp(report.started_at),
            stamp(report.finished_at),
            report.status,
            trigger,
            actor,
        )
        checks = _check_rows(report.results, definitions, seen=stamp(report.started_at))
        results = _result_rows(report.run_id, report.results, stamp(report.started_at))

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(_INSERT_RUN, run)
            conn.executemany(_UPSERT_CHECK, checks)
            conn.executemany(_INSERT_RESULT, results)

        self._transaction(work, write=True)

    def _transaction(self, work: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        """``work`` in one transaction (``BEGIN IMMEDIATE`` to write), retried when busy,
        as :meth:`Store.write` and :meth:`Store.read` do."""
        conn = self._conn
        for attempt in range(sqlite_setup.RETRIES + 1):
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    value = work(conn)
                    conn.execute("COMMIT" if write else "ROLLBACK")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                return value
            except sqlite3.OperationalError as exc:
                if attempt == sqlite_setup.RETRIES or not sqlite_setup.is_busy(exc):
                    text = " ".join(str(exc).split())
                    raise StoreError(f"the store {self.path} cannot be used: {text}") from None
            time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")  # pragma: no cover


def stamp(moment: datetime) -> str:
    """A time as the store keeps it on SQLite: UTC wall time, microseconds, fixed width.

    What :class:`~trustwell.store.columns.UTCDateTime` and SQLAlchemy's SQLite
    ``DATETIME`` make of it; naive times are refused as they are there.

    >>> stamp(datetime(2026, 11, 22, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    '2026-11-22 09:00:00.000000'
    """
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store only takes aware times")
    u = moment.astimezone(UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}"
        f" {u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}"
    )


def _json(value: Any) -> str | None:
    """A JSON column's value as SQLAlchemy's ``JSON(none_as_null=True)`` binds it on SQLite."""
    return None if value is None else json.dumps(value)


def _at_head(conn: sqlite3.Connection) -> bool:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables.issuperset(_TABLES):
        return False
    versions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    return len(versions) == 1 and str(versions[0][0]) == SCHEMA_HEAD


def _check_rows(
    found: Sequence[CheckResult],
    definitions: dict[tuple[str, str], dict[str, Any]],
    *,
    seen: str,
) -> list[tuple[Any, ...]]:
    """The upsert's rows, one per check id (the last result wins), sorted by id."""
    rows: dict[str, tuple[Any, ...]] = {}
    for result in found:
        definition = definitions.get((result.asset, result.check))
        key = check_id(result.asset, result.check)
        rows[key] = (
            key,
            result.asset,
            result.check,
            result.type,
            _json(definition),
            None if definition is None else definition_hash(definition),
            seen,
            seen,
        )
    return [rows[key] for key in sorted(rows)]


def _result_rows(
    run_id: str, found: Sequence[CheckResult], executed_at: str
) -> list[tuple[Any, ...]]:
    return [
        (
            run_id,
            check_id(result.asset, result.check),
            position,
            result.asset,
            result.check,
            result.type,
            result.status,
            result.value,
            _json(result.threshold),
            result.failing_fraction,
            # Scrubbed again: a message may have been extended after it was made.
            scrub(result.message),
            _json(result.samples),
            result.queries,
            executed_at,
            _json(result.details),
        )
        for position, result in enumerate(found)
    ]
