"""The store's tables, as SQLAlchemy Core metadata.

The Alembic migrations in ``migrations/versions`` create exactly these tables;
a test compares the two. Times are timezone-aware UTC on every database (see
:class:`UTCDateTime`). Later features (incidents, outbox) add their tables in
new migrations and new ``Table`` objects on the same :data:`metadata`.
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.columns import UTCDateTime, id_type, json_type, metadata

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # RunReport.run_id (a uuid)
    sa.Column("project", sa.String(200), nullable=False),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("finished_at", UTCDateTime(), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # worst result status
    sa.Column("trigger", sa.String(40), nullable=False),  # cli, schedule, api, ...
    sa.Column("actor", sa.String(200), nullable=True),
    sa.Index("ix_runs_project_started_at", "project", "started_at"),
)

checks = sa.Table(
    "checks",
    metadata,
    # uuid5 of (asset, name): the same check keeps its id across runs and stores.
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("definition", json_type(), nullable=True),  # the check as declared
    sa.Column("definition_hash", sa.String(64), nullable=True),  # sha256 of canonical JSON
    sa.Column("first_seen", UTCDateTime(), nullable=False),
    sa.Column("last_seen", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("asset", "name", name="uq_checks_asset_name"),
)

results = sa.Table(
    "results",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column(
        "run_id", sa.String(36), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("check_id", sa.String(36), sa.ForeignKey("checks.id"), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),  # order within the run's report
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("check_name", sa.String(400), nullable=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("value", sa.Float(), nullable=True),
    sa.Column("threshold", json_type(), nullable=True),
    sa.Column("failing_fraction", sa.Float(), nullable=True),
    sa.Column("message", sa.Text(), nullable=False),
    sa.Column("samples", json_type(), nullable=True),
    sa.Column("queries", sa.Integer(), nullable=False),
    sa.Column("executed_at", UTCDateTime(), nullable=False),
    sa.Column("details", json_type(), nullable=True),  # type-specific facts (migration 0006)
    sa.Index("ix_results_asset_executed_at", "asset", "executed_at"),
    sa.Index("ix_results_check_id_executed_at", "check_id", "executed_at"),
    sa.Index("ix_results_run_id", "run_id"),
)

# The incident, lineage and web tables share this metadata; importing them here keeps it whole.
from trustwell.store import baseline_tables as _baseline_tables  # noqa: E402
from trustwell.store import certification_tables as _certification_tables  # noqa: E402
from trustwell.store import incident_tables as _incident_tables  # noqa: E402
from trustwell.store import lineage_tables as _lineage_tables  # noqa: E402
from trustwell.store import state_tables as _state_tables  # noqa: E402
from trustwell.store import web_tables as _web_tables  # noqa: E402

__all__ = ["UTCDateTime", "checks", "id_type", "json_type", "metadata", "results", "runs"]
_ = (
    _baseline_tables,
    _certification_tables,
    _incident_tables,
    _lineage_tables,
    _state_tables,
    _web_tables,
)
