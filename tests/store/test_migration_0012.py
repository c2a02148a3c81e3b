"""Migration 0012: a 0011 store keeps its incremental states and gains the key bitmaps' table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from test_migration_0007 import migrate

from trustwell.store import open_store
from trustwell.store.database import resolve_url
from trustwell.store.migrate import SCHEMA_HEAD, current_revision
from trustwell.store.state_tables import incremental_assets

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_upgrading_a_0011_store_adds_incremental_bitmaps_and_downgrading_drops_only_it(
    store_url: str, project_root: Path
) -> None:
    (project_root / ".trustwell").mkdir()
    engine = sa.create_engine(resolve_url(store_url, project_root))
    head = {"spec": "created_at|day|count", "state_keys": [], "distinct_counts": {"k": 3}}
    try:
        with engine.begin() as conn:
            migrate(conn, "0011")
            conn.execute(incremental_assets.insert().values(asset="orders", updated_at=T0, **head))
        store = open_store(store_url, project_root)  # migrates to the head
        try:
            with store.engine.connect() as conn:
                assert current_revision(conn) == SCHEMA_HEAD == "0012"
                assert "incremental_bitmaps" in sa.inspect(conn).get_table_names()
        finally:
            store.close()
        with engine.begin() as conn:
            migrate(conn, "0011", down=True)
            assert "incremental_bitmaps" not in sa.inspect(conn).get_table_names()
            kept = conn.execute(sa.select(incremental_assets.c.distinct_counts)).scalars().all()
            assert kept == [{"k": 3}]
    finally:
        engine.dispose()
