"""Incremental checks: bitmaps of the old rows' keys, for exact distinct counts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "incremental_bitmaps",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("state_key", sa.String(length=64), nullable=False),
        sa.Column("low", sa.String(length=64), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incremental_bitmaps")),
        sa.UniqueConstraint("asset", "state_key", name="uq_incremental_bitmaps_asset"),
    )


def downgrade() -> None:
    op.drop_table("incremental_bitmaps")
