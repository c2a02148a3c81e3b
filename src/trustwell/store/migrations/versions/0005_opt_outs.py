"""Opt-outs of YAML subscribers, and the addresses that were trusted before 0004.

``asset_opt_outs`` keeps "no more about this asset" for addresses listed under
an asset's ``subscribers:`` (stored subscriptions are deleted instead).

Since 0004 an address typed into a form hears nothing until it is confirmed.
Addresses that a named person gave before (a subscription made by a signed-in
user or an API token, a report sent through the API) are recorded as
confirmed here, so upgrading does not silence them; addresses typed by
anonymous visitors are not, and must be confirmed like new ones.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_ANONYMOUS = "anonymous"  # the actor of a subscription made on a page without a session


def upgrade() -> None:
    op.create_table(
        "asset_opt_outs",
        sa.Column("asset", sa.String(length=400), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("asset", "email", name=op.f("pk_asset_opt_outs")),
    )
    _trust_earlier_addresses(op.get_bind())


def downgrade() -> None:
    op.drop_table("asset_opt_outs")


def _trust_earlier_addresses(conn: sa.Connection) -> None:
    meta = sa.MetaData()
    subscriptions = sa.Table("subscriptions", meta, autoload_with=conn)
    reports = sa.Table("reports", meta, autoload_with=conn)
    timeline = sa.Table("timeline", meta, autoload_with=conn)
    addresses = sa.Table("email_addresses", meta, autoload_with=conn)
    trusted: dict[str, tuple[Any, str]] = {}
    for email, at, by in conn.execute(
        sa.select(subscriptions.c.email, subscriptions.c.created_at, subscriptions.c.created_by)
    ):
        if by != _ANONYMOUS:
            trusted.setdefault(email.lower(), (at, by))
    # A report's timeline entry names who sent it: the contact itself when the
    # form was used anonymously, a person or token name otherwise.
    senders: dict[str, str] = {}
    for actor, data in conn.execute(
        sa.select(timeline.c.actor, timeline.c.data).where(timeline.c.kind == "report")
    ):
        if isinstance(data, dict) and data.get("reference"):
            senders[str(data["reference"])] = actor
    for reference, contact, at in conn.execute(
        sa.select(reports.c.reference, reports.c.contact, reports.c.created_at)
    ):
        actor = senders.get(reference)
        if actor is not None and actor != contact and "@" in contact:
            trusted.setdefault(contact.strip().lower(), (at, actor))
    known = set(conn.execute(sa.select(addresses.c.email)).scalars())
    now = datetime.now(UTC)
    rows = [
        {
            "email": email,
            "created_at": at or now,
            "confirmed_at": at or now,
            "confirmed_by": str(by)[:200],
            "confirmation_sent_at": None,
            "opted_out_at": None,
        }
        for email, (at, by) in trusted.items()
        if email not in known
    ]
    if rows:
        conn.execute(addresses.insert(), rows)
