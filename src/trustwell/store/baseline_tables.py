"""Stored drift baselines: a reference distribution saved once, compared with many times.

``trustwell baseline save NAME`` writes one row per save: the next version of
that name, the asset, column and filter it was computed from, whether the
column is numeric, and its aggregates (rows per value, JSON) with the time
(and, when a run saved it, the run) they came from. A ``drift`` check with
``reference: {baseline: NAME}`` reads the latest version: no reference rows
are read again.
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.columns import UTCDateTime, id_type, json_type, metadata

baselines = sa.Table(
    "baselines",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),  # 1, 2, … per name
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("column_name", sa.String(400), nullable=False),
    sa.Column("where_sql", sa.Text(), nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),  # numeric | categorical
    sa.Column("integer", sa.Boolean(), nullable=False),  # an integer column (NumPy's bin rule)
    sa.Column("rows", sa.BigInteger(), nullable=False),  # non-null values counted
    sa.Column("distinct_values", sa.Integer(), nullable=False),
    sa.Column("aggregates", json_type(), nullable=False),  # {"values": [[value, rows], …]}
    sa.Column("run_id", sa.String(64), nullable=True),
    sa.Column("saved_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("name", "version", name="uq_baselines_name_version"),
)
