"""Runs, check identities and results.

Revision ID: 0001
Revises:
Create Date: 2026-01-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create ``runs``, ``checks`` and ``results``."""
    op.create_table(
        "runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("started_at", _when(), nullable=False),
        sa.Column("finished_at", _when(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("trigger", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_project_started_at", "runs", ["project", "started_at"])

    op.create_table(
        "checks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("asset", sa.String(400), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("definition", _json(), nullable=True),
        sa.Column("definition_hash", sa.String(64), nullable=True),
        sa.Column("first_seen", _when(), nullable=False),
        sa.Column("last_seen", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_checks"),
        sa.UniqueConstraint("asset", "name", name="uq_checks_asset_name"),
    )

    op.create_table(
        "results",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("check_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asset", sa.String(400), nullable=False),
        sa.Column("check_name", sa.String(400), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", _json(), nullable=True),
        sa.Column("failing_fraction", sa.Float(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("samples", _json(), nullable=True),
        sa.Column("queries", sa.Integer(), nullable=False),
        sa.Column("executed_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_results"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_results_run_id_runs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["check_id"], ["checks.id"], name="fk_results_check_id_checks"),
    )
    op.create_index("ix_results_asset_executed_at", "results", ["asset", "executed_at"])
    op.create_index("ix_results_check_id_executed_at", "results", ["check_id", "executed_at"])
    op.create_index("ix_results_run_id", "results", ["run_id"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("results")
    op.drop_table("checks")
    op.drop_table("runs")
