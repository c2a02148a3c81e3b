"""Bring a store's schema to the newest migration, safely from many processes at once.

Opening a store that is already at :data:`SCHEMA_HEAD` costs one small query
and does not import Alembic. Otherwise the migration runs inside one
transaction that holds the database's write lock (SQLite ``BEGIN IMMEDIATE``,
a PostgreSQL advisory lock), and the version is read again under that lock: a
second process opening a fresh store waits, then finds the work done.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

# The newest revision in migrations/versions (a test keeps the two in step); kept
# in schema_head so that the fast run path reads it without SQLAlchemy.
from trustwell.store.schema_head import SCHEMA_HEAD

__all__ = [
    "MIGRATIONS",
    "SCHEMA_HEAD",
    "SchemaMismatch",
    "current_revision",
    "script_head",
    "upgrade_to_head",
]

MIGRATIONS = Path(__file__).parent / "migrations"

# Any constant: "trustwell" in ASCII, so other tools can tell whose lock it is.
_PG_LOCK_KEY = 0x7472757374776C6C


class SchemaMismatch(Exception):
    """The store's schema is a revision this trustwell does not know (a newer trustwell's)."""


def current_revision(conn: sa.Connection) -> str | None:
    """The revision recorded in ``alembic_version``, or None for an empty database."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


def script_head() -> str | None:
    """The head revision of the migration scripts shipped in the package."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade_to_head(engine: sa.Engine) -> bool:
    """Migrate the database behind ``engine`` to the newest schema.

    Returns True when migrations ran, False when the schema was already current.
    The caller's engine must begin SQLite transactions with ``BEGIN IMMEDIATE``
    when the ``trustwell_write`` execution option is set (as :func:`open_store` does).
    """
    with engine.connect() as conn:
        at_head = current_revision(conn) == SCHEMA_HEAD
        conn.rollback()
    if at_head:
        return False
    with engine.connect() as conn:
        conn = conn.execution_options(trustwell_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            revision = current_revision(conn)
            if revision == SCHEMA_HEAD:
                return False
            if revision is not None and revision not in _known_revisions():
                raise SchemaMismatch(
                    f"has schema revision {revision}, which this trustwell (schema {SCHEMA_HEAD})"
                    " does not know: upgrade trustwell"
                )
            _run_alembic(conn)
    return True


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def _run_alembic(conn: sa.Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn  # env.py migrates on this locked connection
    command.upgrade(config, "head")
