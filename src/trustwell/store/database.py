"""Opening the store: URLs, SQLite settings, and short transactions that retry.

A store is SQLite (the default, a file in the project) or PostgreSQL. Opening
it verifies it before anything else runs: the URL is of a supported kind, the
database answers, its schema is one this trustwell knows (migrated to the
newest if older) and, unless the caller only reads, it takes a write. Any
failure is one :class:`StoreError` that names the file or the URL with its
password masked; the CLI turns it into exit code 2. Work is done in short
transactions through :meth:`Store.write` and :meth:`Store.read`,
which take a function of a connection: a transaction that lost a race for the
database (SQLite busy beyond its timeout, a PostgreSQL deadlock or
serialization failure) is rolled back and run again from the start.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

from trustwell.store import sqlite_setup
from trustwell.store.errors import StoreError
from trustwell.store.sqlite_setup import BUSY_TIMEOUT_MS, RETRIES
from trustwell.store_url import mask_store_url, store_url_problem

T = TypeVar("T")

__all__ = [
    "BUSY_TIMEOUT_MS",
    "RETRIES",
    "Store",
    "StoreError",
    "is_retryable",
    "open_store",
    "resolve_url",
]
_RETRY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_READ_ONLY_HINTS = ("read-only transaction", "readonly database", "read-only database")


@dataclass
class Store:
    """An open store: an engine plus the transaction helpers services use."""

    engine: sa.Engine
    url: str  # the resolved URL, password hidden

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def write(self, work: Callable[[sa.Connection], T]) -> T:
        """Run ``work`` in one write transaction and commit; retry it if the database was busy.

        On SQLite the transaction starts with ``BEGIN IMMEDIATE``, so it holds the
        write lock from its first statement and never fails half-way to upgrade
        a read lock. ``work`` must not commit, and may be called more than once.
        """
        return self._transaction(work, write=True)

    def read(self, work: Callable[[sa.Connection], T]) -> T:
        """Run ``work`` in one read-only transaction (rolled back at the end)."""
        return self._transaction(work, write=False)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def _transaction(self, work: Callable[[sa.Connection], T], *, write: bool) -> T:
        def once() -> T:
            with self.engine.connect() as conn:
                conn = conn.execution_options(trustwell_write=write)
                with conn.begin() as tx:
                    value = work(conn)
                    if not write:
                        tx.rollback()
                return value

        try:
            return _with_retries(once)
        except sa.exc.OperationalError as exc:
            # The server went away, refused us, or stayed locked past every retry: one
            # StoreError naming the store (HTTP 503, exit code 2), never a traceback.
            text = " ".join(str(exc.orig).split())
            raise StoreError(f"the store {self.url} cannot be used: {text}") from None


def is_retryable(exc: sa.exc.DBAPIError) -> bool:
    """True for errors that mean "another transaction was in the way; try again"."""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def resolve_url(url: str, root: Path) -> URL:
    """Make a store URL concrete: SQLite paths relative to ``root``, psycopg for PostgreSQL.

    Raises :class:`StoreError` for a URL that is not ``sqlite:///…`` or ``postgresql://…``.

    >>> resolve_url("sqlite:///.trustwell/trustwell.db", Path("/p")).database
    '/p/.trustwell/trustwell.db'
    """
    problem = store_url_problem(url)
    if problem:
        raise StoreError(problem)
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreError(f"cannot read the store URL {mask_store_url(url)!r}") from None
    if parsed.get_backend_name() in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        if not path.is_absolute():
            path = root / path
        return parsed.set(database=str(path))
    return parsed


def open_store(url: str, root: Path, *, writable: bool = True) -> Store:
    """Open (creating and migrating if needed) the store at ``url``, and verify it.

    Relative SQLite paths are relative to the project folder ``root`` and the
    folder is created. PostgreSQL URLs (``postgresql+psycopg://user:pw@host/db``)
    must name an existing database. Opening runs ``alembic upgrade head`` unless
    the schema is already current, then (with ``writable``, the default) takes a
    write that it rolls back, so a read-only file or database fails here rather
    than after a run's checks. Raises :class:`StoreError`.

    >>> store = open_store("sqlite:///.trustwell/trustwell.db", Path("my-project"))
    """
    from trustwell.store.migrate import SchemaMismatch, upgrade_to_head

    resolved = resolve_url(url, root)
    sqlite = resolved.get_backend_name() == "sqlite"
    shown = (
        (resolved.database or ":memory:")
        if sqlite
        else resolved.render_as_string(hide_password=True)
    )
    try:
        engine = (
            _sqlite_engine(resolved) if sqlite else sa.create_engine(resolved, pool_pre_ping=True)
        )
    except OSError as exc:  # the SQLite file's folder cannot be made
        raise StoreError(f"cannot create the store {shown}: {exc.strerror or exc}") from None
    store = Store(engine=engine, url=shown)
    try:
        _with_retries(lambda: upgrade_to_head(engine))
        if writable:
            _with_retries(lambda: _probe_write(engine))
    except SchemaMismatch as exc:
        engine.dispose()
        raise StoreError(f"the store {shown} {exc}") from None
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise StoreError(_explain(exc, shown, resolved.password, sqlite=sqlite)) from None
    except BaseException:
        engine.dispose()
        raise
    return store


def _probe_write(engine: sa.Engine) -> None:
    """A write that changes nothing, rolled back: fails on a read-only file or database."""
    with engine.connect() as conn:
        conn = conn.execution_options(trustwell_write=True)
        with conn.begin() as tx:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = version_num"))
            tx.rollback()


def _explain(exc: sa.exc.DBAPIError, shown: str, password: str | None, *, sqlite: bool) -> str:
    """One line saying what is wrong with the store, without the driver's traceback."""
    text = " ".join(str(exc.orig).split())
    if password:
        text = text.replace(password, "***")
    lowered = text.lower()
    if any(hint in lowered for hint in _READ_ONLY_HINTS):
        return f"the store {shown} is read-only ({text}): trustwell must write to it"
    if sqlite and "not a database" in lowered:
        return f"the store {shown} is not a SQLite database ({text})"
    return f"cannot open the store {shown}: {text}"


def _with_retries(action: Callable[[], T]) -> T:
    for attempt in range(RETRIES + 1):
        try:
            return action()
        except sa.exc.OperationalError as exc:
            if attempt == RETRIES or not is_retryable(exc):
                raise
        time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")  # pragma: no cover


def _sqlite_engine(url: URL) -> sa.Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        sqlite_setup.configure(dbapi_connection, in_memory=in_memory)

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("trustwell_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
