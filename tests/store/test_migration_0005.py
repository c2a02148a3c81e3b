"""Migration 0005: addresses named people gave before the upgrade still hear; strangers' do not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from trustwell.store import open_store
from trustwell.store.database import resolve_url
from trustwell.store.incident_tables import incidents, reports, timeline
from trustwell.store.migrate import MIGRATIONS
from trustwell.store.web_tables import email_addresses, subscriptions

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def migrate_to(conn: sa.Connection, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


def test_upgrading_trusts_what_named_people_gave_and_not_anonymous_visitors(
    store_url: str, project_root: Path
) -> None:
    (project_root / ".trustwell").mkdir()
    engine = sa.create_engine(resolve_url(store_url, project_root))
    try:
        with engine.begin() as conn:
            migrate_to(conn, "0004")
            for email, by in (("ops@acme.test", "rita"), ("x@example.org", "anonymous")):
                conn.execute(
                    subscriptions.insert().values(
                        asset="a", email=email, created_at=T0, created_by=by
                    )
                )
            conn.execute(
                incidents.insert().values(
                    number=1, title="t", severity="SEV-3", status="declared",
                    detection_source="report", root_asset="a", drill=False,
                    declared_at=T0, escalation_level=0, updated_at=T0,
                )
            )  # fmt: skip
            for reference, contact, actor in (
                ("RPT-API001", "CFO@acme.test", "rita"),  # sent with a token
                ("RPT-ANON01", "y@example.org", "y@example.org"),  # the form, anonymously
            ):
                conn.execute(
                    reports.insert().values(
                        reference=reference, asset="a", description="d", urgency="low",
                        contact=contact, created_at=T0, incident=1, outcome="opened",
                    )
                )  # fmt: skip
                conn.execute(
                    timeline.insert().values(
                        incident=1, at=T0, actor=actor, kind="report", text="r",
                        data={"reference": reference},
                    )
                )  # fmt: skip
    finally:
        engine.dispose()
    store = open_store(store_url, project_root)  # migrates to the head
    try:
        rows = store.read(
            lambda conn: conn.execute(
                sa.select(email_addresses.c.email, email_addresses.c.confirmed_by).order_by(
                    email_addresses.c.email
                )
            ).all()
        )
    finally:
        store.close()
    assert rows == [("cfo@acme.test", "rita"), ("ops@acme.test", "rita")]
