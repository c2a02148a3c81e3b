"""Incidents, their assets, fingerprints, people, timeline, action items,
post-mortems, stakeholder reports and the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column(
            "number",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detection_source", sa.String(length=20), nullable=False),
        sa.Column("root_asset", sa.String(length=400), nullable=False),
        sa.Column("drill", sa.Boolean(), nullable=False),
        sa.Column("commander", sa.String(length=200), nullable=True),
        sa.Column("runbook", sa.String(length=200), nullable=True),
        sa.Column("occurred_at", _when(), nullable=True),
        sa.Column("declared_at", _when(), nullable=False),
        sa.Column("acknowledged_at", _when(), nullable=True),
        sa.Column("resolved_at", _when(), nullable=True),
        sa.Column("closed_at", _when(), nullable=True),
        sa.Column("dismissed_at", _when(), nullable=True),
        sa.Column("cause", sa.String(length=40), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("dismiss_reason", sa.Text(), nullable=True),
        sa.Column("declared_by", sa.String(length=200), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_at", _when(), nullable=True),
        sa.Column("last_update_at", _when(), nullable=True),
        sa.Column("next_update_at", _when(), nullable=True),
        sa.Column("reminded_at", _when(), nullable=True),
        sa.Column("updated_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_root_asset", ["root_asset"], unique=False)
        batch_op.create_index("ix_incidents_status", ["status"], unique=False)

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("channel_type", sa.String(length=20), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("recipient", sa.String(length=300), nullable=True),
        sa.Column(
            "payload",
            _json(),
            nullable=False,
        ),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _when(), nullable=False),
        sa.Column("claimed_until", _when(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "action_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("due_at", _when(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("done_at", _when(), nullable=True),
        sa.Column("reminded_at", _when(), nullable=True),
        sa.Column("jira_key", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident"],
            ["incidents.number"],
            name=op.f("fk_action_items_incident_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index("ix_action_items_status", ["status"], unique=False)

    op.create_table(
        "incident_assets",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("impact", sa.String(length=12), nullable=False),
        sa.Column("added_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident"],
            ["incidents.number"],
            name=op.f("fk_incident_assets_incident_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_assets")),
        sa.UniqueConstraint("incident", "asset", name="uq_incident_assets_incident_asset"),
    )
    with op.batch_alter_table("incident_assets", schema=None) as batch_op:
        batch_op.create_index("ix_incident_assets_asset", ["asset"], unique=False)

    op.create_table(
        "incident_fingerprints",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("check_name", sa.String(length=400), nullable=True),
        sa.Column("open_key", sa.String(length=64), nullable=True),
        sa.Column("first_failed_at", _when(), nullable=False),
        sa.Column("last_failed_at", _when(), nullable=False),
        sa.Column("last_passed_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident"],
            ["incidents.number"],
            name=op.f("fk_incident_fingerprints_incident_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_fingerprints")),
        sa.UniqueConstraint("incident", "fingerprint", name="uq_incident_fingerprints_incident_fp"),
        sa.UniqueConstraint("open_key", name=op.f("uq_incident_fingerprints_open_key")),
    )
    op.create_table(
        "participants",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("since", _when(), nullable=False),
        sa.Column("until", _when(), nullable=True),
        sa.Column("assigned_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident"],
            ["incidents.number"],
            name=op.f("fk_participants_incident_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index("ix_participants_incident", ["incident"], unique=False)

    op.create_table(
        "postmortems",
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("updated_at", _when(), nullable=False),
        sa.Column("completed_at", _when(), nullable=True),
        sa.Column("completed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident"],
            ["incidents.number"],
            name=op.f("fk_postmortems_incident_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident", name=op.f("pk_postmortems")),
    )
    op.create_table(
        "reports",
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("occurred_at", _when(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident"], ["incidents.number"], name=op.f("fk_reports_incident_incidents")
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_reports")),
    )
    op.create_table(
        "timeline",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("incident", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("public_text", sa.Text(), nullable=True),
        sa.Column(
            "data",
            _json(),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["incident"],
            ["incidents.number"],
            name=op.f("fk_timeline_incident_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline")),
    )
    with op.batch_alter_table("timeline", schema=None) as batch_op:
        batch_op.create_index("ix_timeline_incident_at", ["incident", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timeline", schema=None) as batch_op:
        batch_op.drop_index("ix_timeline_incident_at")

    op.drop_table("timeline")
    op.drop_table("reports")
    op.drop_table("postmortems")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_incident")

    op.drop_table("participants")
    op.drop_table("incident_fingerprints")
    with op.batch_alter_table("incident_assets", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_assets_asset")

    op.drop_table("incident_assets")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_action_items_status")

    op.drop_table("action_items")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next_attempt_at")

    op.drop_table("outbox")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status")
        batch_op.drop_index("ix_incidents_root_asset")

    op.drop_table("incidents")
