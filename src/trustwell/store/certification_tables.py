"""The certification decisions: one row each time an asset's state or reasons change.

A row is written only when the state or the reasons differ from the latest
stored row for that asset and use case, so the table is the history of
changes, and its latest row per (asset, use case) is the current state.
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.columns import UTCDateTime, id_type, json_type, metadata

certification_decisions = sa.Table(
    "certification_decisions",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("use_case", sa.String(200), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),  # certified|at_risk|revoked|uncertified
    sa.Column("since", UTCDateTime(), nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.Column("reasons", json_type(), nullable=False),
    sa.Column("missing", json_type(), nullable=False),
    sa.Column("outcomes", json_type(), nullable=False),
    sa.Column("run_ids", json_type(), nullable=False),
    sa.Column("result_ids", json_type(), nullable=False),
    sa.Column("incident_ids", json_type(), nullable=False),
    sa.Column("rule_version", sa.String(20), nullable=False),
    sa.Index("ix_certification_decisions_asset_use_case", "asset", "use_case"),
)
