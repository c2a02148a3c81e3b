"""Tables of the web service: API tokens, page sessions, subscriptions, the
audit log of writes outside incidents, and scheduler job claims.

A token is stored only as its SHA-256 hash. A job claim is a row whose primary
key names one scheduled slot ("schedule:marts.kpi:2026-11-22T09:00Z"): the
process whose insert succeeds runs it, so several ``serve`` processes on one
store never run the same job twice.
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.columns import UTCDateTime, id_type, json_type, metadata

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

# --- hardening (migration 0004) ------------------------------------------------

# Addresses that people typed into a form. An address given by an anonymous
# visitor receives nothing but its confirmation message until ``confirmed_at``
# is set; ``opted_out_at`` stops every notice to it. Addresses from project
# files (subscribers, people) are trusted without a row here.
email_addresses = sa.Table(
    "email_addresses",
    metadata,
    sa.Column("email", sa.String(300), primary_key=True),  # lower-cased
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("confirmed_at", UTCDateTime(), nullable=True),
    sa.Column("confirmed_by", sa.String(200), nullable=True),  # a person, or "link"
    sa.Column("confirmation_sent_at", UTCDateTime(), nullable=True),  # at most one a day
    sa.Column("opted_out_at", UTCDateTime(), nullable=True),
)

# Keys the service generates once and keeps in the store, so that signed links
# and anonymous CSRF tokens survive restarts and are shared by every process.
app_secrets = sa.Table(
    "app_secrets",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

# One row per delivery channel: when it started failing (NULL while healthy),
# so that /healthz and /metrics can alert on a channel down for too long.
channel_health = sa.Table(
    "channel_health",
    metadata,
    sa.Column("channel", sa.String(100), primary_key=True),
    sa.Column("failing_since", UTCDateTime(), nullable=True),
    sa.Column("consecutive_failures", sa.Integer(), nullable=False),
    sa.Column("last_failure_at", UTCDateTime(), nullable=True),
    sa.Column("last_success_at", UTCDateTime(), nullable=True),
    sa.Column("last_error", sa.Text(), nullable=True),
)

# --- opt-outs (migration 0005) ----------------------------------------------------

# An address declared under an asset's ``subscribers:`` in YAML that asked to
# hear no more about that asset (stored subscriptions are simply deleted).
asset_opt_outs = sa.Table(
    "asset_opt_outs",
    metadata,
    sa.Column("asset", sa.String(400), primary_key=True),
    sa.Column("email", sa.String(300), primary_key=True),  # lower-cased
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("by", sa.String(200), nullable=False),  # a person, or "link"
)
