"""Migration 0008: a 0007 store keeps its lineage and gains the table of stored event keys."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from test_migration_0007 import migrate

from trustwell.store import open_store
from trustwell.store.database import resolve_url
from trustwell.store.lineage_tables import lineage_datasets
from trustwell.store.migrate import SCHEMA_HEAD, current_revision

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_upgrading_a_0007_store_adds_lineage_events_and_downgrading_drops_only_it(
    store_url: str, project_root: Path
) -> None:
    (project_root / ".trustwell").mkdir()
    engine = sa.create_engine(resolve_url(store_url, project_root))
    try:
        with engine.begin() as conn:
            migrate(conn, "0007")
            conn.execute(
                lineage_datasets.insert().values(
                    namespace="s3://lake", name="orders", first_seen=T0, last_seen=T0
                )
            )
        store = open_store(store_url, project_root)  # migrates to the head
        try:
            with store.engine.connect() as conn:
                assert current_revision(conn) == SCHEMA_HEAD == "0012"
                assert "lineage_events" in sa.inspect(conn).get_table_names()
        finally:
            store.close()
        with engine.begin() as conn:
            migrate(conn, "0007", down=True)
            assert "lineage_events" not in sa.inspect(conn).get_table_names()
            names = conn.execute(sa.select(lineage_datasets.c.name)).scalars().all()
            assert names == ["orders"]
    finally:
        engine.dispose()
