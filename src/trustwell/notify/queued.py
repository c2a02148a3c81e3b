"""What one action queued in the outbox, said without anyone's address.

``incident update`` tells the person who posted it who will hear about it:
the channels by name, and only how many e-mail addresses (a subscriber from
the status page is anonymous to the responder: their address is never shown).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from trustwell.store.incident_tables import outbox


@dataclass(frozen=True)
class Queued:
    """The channels (``name (type)``) and the number of e-mail addresses notified."""

    channels: tuple[str, ...]
    emails: int

    def text(self) -> str:
        """``ops (webhook), #data (slack) and 3 e-mail addresses``, or ``nobody``."""
        parts = list(self.channels)
        if self.emails:
            parts.append(f"{self.emails} e-mail address{'' if self.emails == 1 else 'es'}")
        if not parts:
            return "nobody"
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def last_outbox_id(conn: sa.Connection) -> int:
    """The newest outbox row now (0 if none): what is queued later is the action's."""
    return int(conn.execute(sa.select(sa.func.max(outbox.c.id))).scalar() or 0)


def queued_after(conn: sa.Connection, after: int, incident: int, event: str) -> Queued:
    """The messages of ``event`` for ``incident`` queued after outbox row ``after``."""
    rows = conn.execute(
        sa.select(outbox.c.channel, outbox.c.channel_type, outbox.c.recipient)
        .where(outbox.c.id > after, outbox.c.incident == incident, outbox.c.event == event)
        .order_by(outbox.c.id)
    ).all()
    channels = [f"{r.channel} ({r.channel_type})" for r in rows if r.channel_type != "email"]
    emails = {r.recipient.lower() for r in rows if r.channel_type == "email" and r.recipient}
    return Queued(tuple(dict.fromkeys(channels)), len(emails))
