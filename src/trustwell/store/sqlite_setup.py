"""How every connection to a SQLite store is set up, without SQLAlchemy.

One function for the SQLAlchemy engine (:mod:`trustwell.store.database`) and
for :mod:`trustwell.store.quick`, so both writers wait for each other the same
way and write with the same durability.
"""

from __future__ import annotations

import sqlite3
import time

BUSY_TIMEOUT_MS = 30_000  # how long SQLite waits for another writer before giving up
RETRIES = 8  # whole-transaction retries after the wait above (or a PG deadlock)


def configure(connection: sqlite3.Connection, *, in_memory: bool) -> None:
    """Set the PRAGMAs of a store connection: wait for writers, enforce keys, WAL.

    The connection must be in autocommit mode (``isolation_level = None``): the
    callers issue ``BEGIN`` themselves.
    """
    cursor = connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            _wal(cursor)
            cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster
    finally:
        cursor.close()


def is_busy(error: sqlite3.Error) -> bool:
    """True for "another transaction was in the way; try again"."""
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text


def _wal(cursor: sqlite3.Cursor) -> None:
    """Switch to WAL (persistent in the file); another process may hold a lock briefly."""
    for attempt in range(RETRIES + 1):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if attempt == RETRIES or "locked" not in str(exc).lower():
                raise
            time.sleep(0.05 * 2**attempt)
