"""Certification decisions: one row per change of an asset's state or reasons for a use case.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
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
        "certification_decisions",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("use_case", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        *(
            sa.Column(name, _json(), nullable=False)
            for name in ("reasons", "missing", "outcomes", "run_ids", "result_ids", "incident_ids")
        ),
        sa.Column("rule_version", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certification_decisions")),
    )
    op.create_index(
        "ix_certification_decisions_asset_use_case",
        "certification_decisions",
        ["asset", "use_case"],
    )


def downgrade() -> None:
    op.drop_index("ix_certification_decisions_asset_use_case", "certification_decisions")
    op.drop_table("certification_decisions")
