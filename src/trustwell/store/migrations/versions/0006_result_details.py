"""Result details: the type-specific facts of a check's result, as JSON.

``results.details`` holds what a check type reports beside its value (the
offending values of ``accepted_values``, the differences a ``schema`` check
found, the newest timestamp of ``freshness``; drift bins and anomaly bands
later). Nullable: results stored before have none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    details = sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )
    op.add_column("results", sa.Column("details", details, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("details")
