"""Tables of the lineage store: datasets, jobs, runs and the edges between datasets.

What the pipelines report (OpenLineage events, dbt manifests) lands here;
declared ``upstream:`` lists stay in YAML and are merged with these edges by
:mod:`trustwell.lineage.service`. A dataset is an OpenLineage ``namespace`` +
``name``; ``asset`` names the trustwell asset it was mapped to when it was
recorded, or is NULL for a lineage-only node. An edge goes from an upstream
dataset to a downstream one and is kept once per ``origin`` (``yaml``,
``openlineage``, ``dbt``), with when it was first and last seen and the run
that last reported it.
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.columns import UTCDateTime, id_type, metadata

lineage_datasets = sa.Table(
    "lineage_datasets",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("namespace", sa.String(1000), nullable=False),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("asset", sa.String(400), nullable=True),  # NULL: a lineage-only node
    sa.Column("first_seen", UTCDateTime(), nullable=False),
    sa.Column("last_seen", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("namespace", "name", name="uq_lineage_datasets_namespace_name"),
)

lineage_jobs = sa.Table(
    "lineage_jobs",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("namespace", sa.String(1000), nullable=False),
    sa.Column("name", sa.String(1000), nullable=False),
    sa.Column("first_seen", UTCDateTime(), nullable=False),
    sa.Column("last_seen", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("namespace", "name", name="uq_lineage_jobs_namespace_name"),
)

lineage_runs = sa.Table(
    "lineage_runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # the reporter's run id (a uuid)
    sa.Column(
        "job_id", id_type(), sa.ForeignKey("lineage_jobs.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("origin", sa.String(20), nullable=False),
    sa.Column("state", sa.String(20), nullable=True),  # START, COMPLETE, FAIL, … when known
    sa.Column("event_time", UTCDateTime(), nullable=True),  # of the latest event seen
    sa.Column("first_seen", UTCDateTime(), nullable=False),
    sa.Column("last_seen", UTCDateTime(), nullable=False),
)

lineage_edges = sa.Table(
    "lineage_edges",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column(
        "source_id",
        id_type(),
        sa.ForeignKey("lineage_datasets.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "target_id",
        id_type(),
        sa.ForeignKey("lineage_datasets.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("origin", sa.String(20), nullable=False),  # yaml | openlineage | dbt
    sa.Column(
        "job_id", id_type(), sa.ForeignKey("lineage_jobs.id", ondelete="SET NULL"), nullable=True
    ),
    # The run that last reported the edge.
    sa.Column(
        "run_id",
        sa.String(64),
        sa.ForeignKey("lineage_runs.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("first_seen", UTCDateTime(), nullable=False),
    sa.Column("last_seen", UTCDateTime(), nullable=False),
    sa.UniqueConstraint(
        "source_id", "target_id", "origin", name="uq_lineage_edges_source_id_target_id_origin"
    ),
    sa.Index("ix_lineage_edges_target_id", "target_id"),
)

# The OpenLineage events already stored, by idempotency key (see
# ``integrations/openlineage_in/parse.py``): a client's retry, a file ingested
# twice or a batch re-sent stores nothing the second time.
lineage_events = sa.Table(
    "lineage_events",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # sha256 hex
    sa.Column("kind", sa.String(20), nullable=False),  # RunEvent | DatasetEvent | JobEvent
    sa.Column("event_time", UTCDateTime(), nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
)
