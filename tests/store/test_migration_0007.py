"""Migration 0007: a store from before lineage keeps its runs and gains the empty lineage tables."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from trustwell.store import open_store
from trustwell.store.database import resolve_url
from trustwell.store.migrate import MIGRATIONS, SCHEMA_HEAD, current_revision
from trustwell.store.tables import runs

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LINEAGE = {"lineage_datasets", "lineage_jobs", "lineage_runs", "lineage_edges"}


def migrate(conn: sa.Connection, revision: str, *, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    (command.downgrade if down else command.upgrade)(config, revision)


def test_upgrading_a_0006_store_keeps_its_runs_and_downgrading_drops_only_lineage(
    store_url: str, project_root: Path
) -> None:
    (project_root / ".trustwell").mkdir()
    engine = sa.create_engine(resolve_url(store_url, project_root))
    try:
        with engine.begin() as conn:
            migrate(conn, "0006")
            conn.execute(
                runs.insert().values(
                    id="run-1", project="acme", started_at=T0, finished_at=T0,
                    status="pass", trigger="cli",
                )
            )  # fmt: skip
            assert not LINEAGE & set(sa.inspect(conn).get_table_names())
        store = open_store(store_url, project_root)  # migrates to the head
        try:
            with store.engine.connect() as conn:
                assert current_revision(conn) == SCHEMA_HEAD
                assert set(sa.inspect(conn).get_table_names()) >= LINEAGE
                assert conn.execute(sa.select(runs.c.id)).scalars().all() == ["run-1"]
        finally:
            store.close()
        with engine.begin() as conn:
            migrate(conn, "0006", down=True)
            assert not LINEAGE & set(sa.inspect(conn).get_table_names())
            assert conn.execute(sa.select(runs.c.id)).scalars().all() == ["run-1"]
    finally:
        engine.dispose()
