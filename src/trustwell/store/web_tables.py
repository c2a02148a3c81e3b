"""Tables of the web service: API tokens, page sessions, subscriptions, the
audit log of writes outside incidents, and scheduler job claims.

A token is stored only as its SHA-256 hash. A job claim is a row whose primary
key names one scheduled slot ("schedule:marts.kpi:2026-11-22T09:00Z"): the
process whose insert succeeds runs it, so several ``serve`` processes on one
store never run the same job twice.
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.tables import UTCDateTime, id_type, json_type, metadata

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),  # viewer reporter responder admin
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("last_used_at", UTCDateTime(), nullable=True),
    sa.Column("revoked_at", UTCDateTime(), nullable=True),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),  # sha256 of the cookie value
    sa.Column(
        "token_id", id_type(), sa.ForeignKey("api_tokens.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("email", sa.String(300), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.UniqueConstraint("asset", "email", name="uq_subscriptions_asset_email"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(60), nullable=False),  # e.g. token.created, run.triggered
    sa.Column("target", sa.String(400), nullable=True),
    sa.Column("data", json_type(), nullable=True),
    sa.Index("ix_audit_log_at", "at"),
)

job_claims = sa.Table(
    "job_claims",
    metadata,
    sa.Column("job", sa.String(300), primary_key=True),
    sa.Column("claimed_at", UTCDateTime(), nullable=False),
    sa.Column("claimed_by", sa.String(200), nullable=False),
)
