"""Whose e-mail may trustwell write to: confirmed addresses, opt-outs, the one confirmation.

- Addresses in project files (an asset's ``subscribers:``, ``people:``, team
  and rotation members written as addresses) are trusted as they are.
- An address given by a signed-in person (a page session, an API token) is
  confirmed at once, by that person.
- An address typed by an anonymous visitor (a report's contact, a
  subscription) gets one confirmation message, at most one a day, and nothing
  else until its signed link is followed.
- An address that opted out of everything gets no subscriber or reporter
  notice, whoever listed it; following a new confirmation link opts it in again.

:func:`deliverable` is the one gate: :func:`trustwell.incidents.service.notify`
passes every planned message through it, so an address that is not trusted
is skipped however it was reached (fail closed). Helpers take the caller's
connection and never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa

from trustwell.store.web_tables import audit_log, email_addresses

if TYPE_CHECKING:
    from trustwell.config.models import Project, ProjectSettings
    from trustwell.notify.outgoing import OutgoingMessage

# Deliberately simple: one @, no spaces, a dot in the domain. Delivery is the real test.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """Trim and lower-case an address; ValueError unless it looks like one.

    >>> normalize_email(" Finance@Acme.test ")
    'finance@acme.test'
    """
    cleaned = email.strip().lower()
    if len(cleaned) > 300 or not _EMAIL.match(cleaned):
        raise ValueError(f"{email.strip()!r} is not an email address")
    return cleaned


#: At most one confirmation message per address in this time.
CONFIRMATION_INTERVAL = timedelta(days=1)

Standing = Literal[
    "confirmed",  # notices go out
    "confirmation_sent",  # its one confirmation message was queued just now
    "confirmation_pending",  # a confirmation went out within a day: none again yet
    "no_email_channel",  # the project sends no e-mail at all
    "not_an_address",  # a name given from Python, not an e-mail address
]


@dataclass(frozen=True)
class AddressStanding:
    """Where an address given in a form stands after it was given."""

    email: str
    standing: Standing

    @property
    def confirmed(self) -> bool:
        return self.standing == "confirmed"


def record_address(
    conn: sa.Connection,
    project: Project,
    email: str,
    *,
    vouched_by: str | None,
    now: datetime,
    about: str,
    reference: str | None = None,
) -> AddressStanding:
    """Note an address typed into a form; confirm it, or queue its confirmation message.

    ``vouched_by`` is the signed-in person who gave it (None: an anonymous
    visitor). A vouched address is confirmed unless it opted out (only its
    owner may undo that, by a confirmation link). Otherwise a confirmation
    message is queued, at most one per :data:`CONFIRMATION_INTERVAL`.
    ``about`` (a label of the project's) and ``reference`` go into that message.
    """
    address = email.strip().lower()
    _ensure_row(conn, address, now)
    row = conn.execute(sa.select(email_addresses).where(email_addresses.c.email == address)).one()
    if row.opted_out_at is None and row.confirmed_at is not None:
        return AddressStanding(address, "confirmed")
    if vouched_by is not None and row.opted_out_at is None:
        conn.execute(
            email_addresses.update()
            .where(email_addresses.c.email == address)
            .values(confirmed_at=now, confirmed_by=vouched_by)
        )
        _audit(conn, now, vouched_by, "address.confirmed", address)
        return AddressStanding(address, "confirmed")
    return AddressStanding(
        address, _ask_confirmation(conn, project, address, now, about, reference)
    )


def confirm_address(conn: sa.Connection, email: str, *, now: datetime, by: str) -> None:
    """The owner of ``email`` asked for notices (a confirmation link): confirm, opt in again."""
    address = email.strip().lower()
    _ensure_row(conn, address, now)
    conn.execute(
        email_addresses.update()
        .where(email_addresses.c.email == address)
        .values(confirmed_at=now, confirmed_by=by, opted_out_at=None)
    )
    _audit(conn, now, by, "address.confirmed", address)


def opt_out(conn: sa.Connection, email: str, *, now: datetime, by: str) -> bool:
    """Stop every subscriber and reporter notice to ``email``; False if it had opted out already."""
    address = email.strip().lower()
    _ensure_row(conn, address, now)
    changed = conn.execute(
        email_addresses.update()
        .where(email_addresses.c.email == address, email_addresses.c.opted_out_at.is_(None))
        .values(opted_out_at=now)
    ).rowcount
    if changed:
        _audit(conn, now, by, "address.opted_out", address)
    return bool(changed)


def deliverable(
    conn: sa.Connection, messages: Sequence[OutgoingMessage], project: Project
) -> list[OutgoingMessage]:
    """``messages`` without the e-mails that must not go out (see the module doc).

    Responders (``people:``, team and rotation members) always get their
    incident mail; any other address needs to be a YAML subscriber or
    confirmed, and not opted out; an opt-out stops every notice.
    """
    responders = responder_addresses(project.settings)
    declared = {s.strip().lower() for a in project.assets for s in a.subscribers}
    wanted = {
        m.recipient.strip().lower() for m in messages if m.channel_type == "email" and m.recipient
    }
    rows = {}
    if wanted:
        rows = {
            row.email: row
            for row in conn.execute(
                sa.select(email_addresses).where(email_addresses.c.email.in_(sorted(wanted)))
            )
        }

    def allowed(message: OutgoingMessage) -> bool:
        if message.channel_type != "email" or not message.recipient:
            return True
        address = message.recipient.strip().lower()
        row = rows.get(address)
        opted_out = row is not None and row.opted_out_at is not None
        if address in responders:
            # A responder's incident mail has no unsubscribe link and always goes;
            # the notices they follow as a subscriber honour their opt-out.
            return not (opted_out and is_notice(message))
        if opted_out:
            return False
        return address in declared or (row is not None and row.confirmed_at is not None)

    return [m for m in messages if allowed(m)]


def is_notice(message: OutgoingMessage) -> bool:
    """A subscriber or reporter notice: the messages that carry an unsubscribe link."""
    headers = message.payload.get("headers")
    return isinstance(headers, dict) and "List-Unsubscribe" in headers


def responder_addresses(settings: ProjectSettings) -> set[str]:
    """Addresses of the people who run incidents, as the project files name them."""
    found = {p.email.strip().lower() for p in settings.people.values() if p.email}
    names: list[str] = list(settings.people)
    for team in settings.teams.values():
        names.extend(team.members)
        if team.lead:
            names.append(team.lead)
    for rotation in settings.oncall.values():
        names.extend(rotation.members)
        names.extend(o.who for o in rotation.overrides)
    found.update(n.strip().lower() for n in names if "@" in n)
    return found


def standing_of(conn: sa.Connection, emails: Iterable[str]) -> dict[str, datetime | None]:
    """``email`` → when it was confirmed (None: not, or opted out), for listings."""
    wanted = sorted({e.strip().lower() for e in emails})
    if not wanted:
        return {}
    found: dict[str, datetime | None] = dict.fromkeys(wanted)
    for row in conn.execute(sa.select(email_addresses).where(email_addresses.c.email.in_(wanted))):
        found[row.email] = row.confirmed_at if row.opted_out_at is None else None
    return found


# --- helpers ---------------------------------------------------------------------------


def _ask_confirmation(
    conn: sa.Connection,
    project: Project,
    address: str,
    now: datetime,
    about: str,
    reference: str | None,
) -> Standing:
    from trustwell.notify.outbox import enqueue
    from trustwell.notify.stakeholders import confirmation_message, email_channel
    from trustwell.store.keys import LINK_KEY, service_key

    if email_channel(project.settings) is None:
        return "no_email_channel"
    # One conditional update decides, so two requests at once send one message.
    claimed = conn.execute(
        email_addresses.update()
        .where(
            email_addresses.c.email == address,
            sa.or_(
                email_addresses.c.confirmation_sent_at.is_(None),
                email_addresses.c.confirmation_sent_at <= now - CONFIRMATION_INTERVAL,
            ),
        )
        .values(confirmation_sent_at=now)
    ).rowcount
    if not claimed:
        return "confirmation_pending"
    message = confirmation_message(
        project.settings,
        address,
        key=service_key(conn, LINK_KEY),
        now=now,
        about=about,
        reference=reference,
    )
    assert message is not None  # an email channel exists
    enqueue(conn, [message], now)
    return "confirmation_sent"


def _ensure_row(conn: sa.Connection, address: str, now: datetime) -> None:
    row = {"email": address, "created_at": now}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        conn.execute(postgresql.insert(email_addresses).values(row).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects import sqlite

        conn.execute(sqlite.insert(email_addresses).values(row).on_conflict_do_nothing())


def _audit(conn: sa.Connection, now: datetime, actor: str, action: str, email: str) -> None:
    conn.execute(
        audit_log.insert().values(at=now, actor=actor, action=action, target=email, data=None)
    )
