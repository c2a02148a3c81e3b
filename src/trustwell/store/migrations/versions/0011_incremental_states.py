"""Incremental checks: per asset its watermark, per partition its mergeable states.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def upgrade() -> None:
    op.create_table(
        "incremental_assets",
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("spec", sa.String(length=800), nullable=False),
        sa.Column("watermark", _json(), nullable=True),
        sa.Column("state_keys", _json(), nullable=False),
        sa.Column("distinct_counts", _json(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("asset", name=op.f("pk_incremental_assets")),
    )
    op.create_table(
        "incremental_partitions",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("partition_key", sa.String(length=200), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("states", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incremental_partitions")),
        sa.UniqueConstraint("asset", "partition_key", name="uq_incremental_partitions_asset"),
    )


def downgrade() -> None:
    op.drop_table("incremental_partitions")
    op.drop_table("incremental_assets")
