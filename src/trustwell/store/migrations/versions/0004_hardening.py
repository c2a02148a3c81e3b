"""Hardening: confirmed e-mail addresses, stored service keys, channel health,
and the client address and opt-out of stakeholder reports.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "email_addresses",
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("confirmed_at", _when(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=200), nullable=True),
        sa.Column("confirmation_sent_at", _when(), nullable=True),
        sa.Column("opted_out_at", _when(), nullable=True),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_email_addresses")),
    )
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secrets")),
    )
    op.create_table(
        "channel_health",
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("failing_since", _when(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", _when(), nullable=True),
        sa.Column("last_success_at", _when(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_channel_health")),
    )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("client_address", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("unsubscribed_at", _when(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("unsubscribed_at")
        batch.drop_column("client_address")
    op.drop_table("channel_health")
    op.drop_table("app_secrets")
    op.drop_table("email_addresses")
