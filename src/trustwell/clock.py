"""The one place trustwell reads the time.

Everything that needs "now" calls :func:`now`, which honours ``TRUSTWELL_NOW``
(an ISO-8601 timestamp) so that freshness, rotations and deadlines can be
tested at any moment.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO-8601 timestamp; a value without a zone is UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def now() -> datetime:
    """The current time as an aware UTC datetime (``TRUSTWELL_NOW`` wins)."""
    fixed = os.environ.get("TRUSTWELL_NOW")
    if fixed:
        return parse_timestamp(fixed).astimezone(UTC)
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """UTC, second precision, with a ``Z``: the form every output uses."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_since(text: str, timezone: str) -> datetime:
    """A date is the start of that day in the project's timezone; a timestamp is itself.

    >>> parse_since("2026-11-01", "Europe/Berlin").isoformat()
    '2026-11-01T00:00:00+01:00'
    """
    from zoneinfo import ZoneInfo

    stripped = text.strip()
    if len(stripped) == 10:
        day = date.fromisoformat(stripped)
        return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))
    return parse_timestamp(stripped)


def clock_time(moment: datetime, now: datetime, timezone: str) -> str:
    """``09:00`` on the same day as ``now`` in ``timezone``, else ``Sat 21 Nov 09:00``."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")
