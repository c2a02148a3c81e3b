"""The lineage store: datasets, jobs, runs and edges, each edge with its origin.

Edges reported by OpenLineage events and dbt manifests are kept here, once
per (upstream dataset, downstream dataset, origin), with first and last seen
and the run that last reported them; see ``store/lineage_tables.py``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "lineage_datasets",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("namespace", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("asset", sa.String(length=400), nullable=True),
        sa.Column("first_seen", _when(), nullable=False),
        sa.Column("last_seen", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineage_datasets")),
        sa.UniqueConstraint("namespace", "name", name=op.f("uq_lineage_datasets_namespace_name")),
    )
    op.create_table(
        "lineage_jobs",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("namespace", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("first_seen", _when(), nullable=False),
        sa.Column("last_seen", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineage_jobs")),
        sa.UniqueConstraint("namespace", "name", name=op.f("uq_lineage_jobs_namespace_name")),
    )
    op.create_table(
        "lineage_runs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("job_id", _id(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=True),
        sa.Column("event_time", _when(), nullable=True),
        sa.Column("first_seen", _when(), nullable=False),
        sa.Column("last_seen", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["lineage_jobs.id"],
            name=op.f("fk_lineage_runs_job_id_lineage_jobs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineage_runs")),
    )
    op.create_table(
        "lineage_edges",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("source_id", _id(), nullable=False),
        sa.Column("target_id", _id(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("job_id", _id(), nullable=True),
        sa.Column("run_id", sa.String(length=64), nullable=True),
        sa.Column("first_seen", _when(), nullable=False),
        sa.Column("last_seen", _when(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["lineage_datasets.id"],
            name=op.f("fk_lineage_edges_source_id_lineage_datasets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["lineage_datasets.id"],
            name=op.f("fk_lineage_edges_target_id_lineage_datasets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["lineage_jobs.id"],
            name=op.f("fk_lineage_edges_job_id_lineage_jobs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["lineage_runs.id"],
            name=op.f("fk_lineage_edges_run_id_lineage_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineage_edges")),
        sa.UniqueConstraint(
            "source_id",
            "target_id",
            "origin",
            name=op.f("uq_lineage_edges_source_id_target_id_origin"),
        ),
    )
    with op.batch_alter_table("lineage_edges", schema=None) as batch_op:
        batch_op.create_index("ix_lineage_edges_target_id", ["target_id"], unique=False)


def downgrade() -> None:
    op.drop_table("lineage_edges")
    op.drop_table("lineage_runs")
    op.drop_table("lineage_jobs")
    op.drop_table("lineage_datasets")
