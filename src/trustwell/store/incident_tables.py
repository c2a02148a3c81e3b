"""Incident tables: incidents, their assets, fingerprints, people, timeline,
action items, post-mortems, stakeholder reports and the outbox.

The timeline is append-only and doubles as the audit trail (who, what, when).
"One open incident per fingerprint" is enforced by the database: a
fingerprint's ``open_key`` is set while its incident is open and cleared when
it ends, and ``open_key`` is unique (NULLs never collide).
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.columns import UTCDateTime, id_type, json_type, metadata


def _incident_fk() -> sa.ForeignKey:
    return sa.ForeignKey("incidents.number", ondelete="CASCADE")


incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("number", id_type(), primary_key=True, autoincrement=True),  # INC-<number>
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("detection_source", sa.String(20), nullable=False),
    sa.Column("root_asset", sa.String(400), nullable=False),
    sa.Column("drill", sa.Boolean(), nullable=False),
    sa.Column("commander", sa.String(200), nullable=True),
    sa.Column("runbook", sa.String(200), nullable=True),
    sa.Column("occurred_at", UTCDateTime(), nullable=True),
    sa.Column("declared_at", UTCDateTime(), nullable=False),
    sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
    sa.Column("resolved_at", UTCDateTime(), nullable=True),
    sa.Column("closed_at", UTCDateTime(), nullable=True),
    sa.Column("dismissed_at", UTCDateTime(), nullable=True),
    sa.Column("cause", sa.String(40), nullable=True),
    sa.Column("summary", sa.Text(), nullable=True),
    sa.Column("dismiss_reason", sa.Text(), nullable=True),
    sa.Column("declared_by", sa.String(200), nullable=True),
    sa.Column("escalation_level", sa.Integer(), nullable=False),
    sa.Column("escalated_at", UTCDateTime(), nullable=True),
    sa.Column("last_update_at", UTCDateTime(), nullable=True),  # last stakeholder update
    sa.Column("next_update_at", UTCDateTime(), nullable=True),  # promised next update
    sa.Column("reminded_at", UTCDateTime(), nullable=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_incidents_status", "status"),
    sa.Index("ix_incidents_root_asset", "root_asset"),
)

incident_assets = sa.Table(
    "incident_assets",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("incident", id_type(), _incident_fk(), nullable=False),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("impact", sa.String(12), nullable=False),  # root | upstream | downstream
    sa.Column("added_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("incident", "asset", name="uq_incident_assets_incident_asset"),
    sa.Index("ix_incident_assets_asset", "asset"),
)

incident_fingerprints = sa.Table(
    "incident_fingerprints",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("incident", id_type(), _incident_fk(), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("check_name", sa.String(400), nullable=True),
    # = fingerprint while the incident is open, NULL after: unique, so a second
    # open incident for the same problem cannot exist, whatever races.
    sa.Column("open_key", sa.String(64), nullable=True, unique=True),
    sa.Column("first_failed_at", UTCDateTime(), nullable=False),
    sa.Column("last_failed_at", UTCDateTime(), nullable=False),
    sa.Column("last_passed_at", UTCDateTime(), nullable=True),
    sa.UniqueConstraint("incident", "fingerprint", name="uq_incident_fingerprints_incident_fp"),
)

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("incident", id_type(), _incident_fk(), nullable=False),
    sa.Column("person", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),  # commander | sme | reporter
    sa.Column("since", UTCDateTime(), nullable=False),
    sa.Column("until", UTCDateTime(), nullable=True),  # set when handed over
    sa.Column("assigned_by", sa.String(200), nullable=True),
    sa.Index("ix_participants_incident", "incident"),
)

timeline = sa.Table(
    "timeline",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("incident", id_type(), _incident_fk(), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),  # a person, or "trustwell"
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),  # internal text
    sa.Column("public_text", sa.Text(), nullable=True),  # shown to stakeholders
    sa.Column("data", json_type(), nullable=True),
    sa.Index("ix_timeline_incident_at", "incident", "at"),
)

action_items = sa.Table(
    "action_items",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("incident", id_type(), _incident_fk(), nullable=True),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column("due_at", UTCDateTime(), nullable=True),
    sa.Column("status", sa.String(12), nullable=False),  # open | done | cancelled
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("done_at", UTCDateTime(), nullable=True),
    sa.Column("reminded_at", UTCDateTime(), nullable=True),
    sa.Column("jira_key", sa.String(60), nullable=True),
    sa.Index("ix_action_items_status", "status"),
)

postmortems = sa.Table(
    "postmortems",
    metadata,
    sa.Column("incident", id_type(), _incident_fk(), primary_key=True),
    sa.Column("body", sa.Text(), nullable=False),  # Markdown
    sa.Column("status", sa.String(12), nullable=False),  # draft | complete
    sa.Column("path", sa.String(1000), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("completed_at", UTCDateTime(), nullable=True),
    sa.Column("completed_by", sa.String(200), nullable=True),
)

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("reference", sa.String(20), primary_key=True),
    sa.Column("asset", sa.String(400), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("urgency", sa.String(10), nullable=False),  # low | normal | high
    sa.Column("contact", sa.String(300), nullable=False),
    sa.Column("occurred_at", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("incident", id_type(), sa.ForeignKey("incidents.number"), nullable=True),
    sa.Column("outcome", sa.String(10), nullable=False),  # opened | linked
    # migration 0004: who sent it (for abuse handling), and whether the
    # reporter asked to hear no more about it
    sa.Column("client_address", sa.String(100), nullable=True),
    sa.Column("unsubscribed_at", UTCDateTime(), nullable=True),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", id_type(), primary_key=True, autoincrement=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("channel", sa.String(100), nullable=False),  # a channel name, or "email"
    sa.Column("channel_type", sa.String(20), nullable=False),  # slack webhook email jira
    sa.Column("event", sa.String(60), nullable=False),  # e.g. incident.declared
    sa.Column("incident", id_type(), nullable=True),
    sa.Column("recipient", sa.String(300), nullable=True),  # an address, for email
    sa.Column("payload", json_type(), nullable=False),
    sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
    sa.Column("status", sa.String(10), nullable=False),  # pending | sent | dead
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
    sa.Column("claimed_until", UTCDateTime(), nullable=True),  # a deliverer's lease
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("sent_at", UTCDateTime(), nullable=True),
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)
