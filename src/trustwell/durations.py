"""Durations as people write them in project files: ``90m``, ``26h``, ``2d``.

Every duration in a project (``max_age``, ``ack_within``, ``update_every``, a
rotation's ``every``, a warehouse ``timeout``) is a span of time that must pass,
so it is longer than 0 and at most :data:`MAX_DURATION` (100 years): beyond that
no real deadline exists, and Python's dates overflow soon after.
"""

from __future__ import annotations

import re
from datetime import timedelta

MAX_DURATION = timedelta(days=36500)  # 100 years
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$")


class DurationOutOfRange(ValueError):
    """A well-formed duration that is 0 or longer than :data:`MAX_DURATION`."""

    def __init__(self, text: str, reason: str) -> None:
        self.reason = reason  # "must be longer than 0", "must be at most 100 years (36500d)"
        super().__init__(f"{text!r} {reason}")


def parse_duration(text: str) -> timedelta:
    """Parse ``90m``, ``26h``, ``2d``, ``1d12h`` or ``1w`` into a timedelta.

    Raises ValueError when ``text`` is not a duration, and its subclass
    :class:`DurationOutOfRange` when it is 0 or longer than 100 years.

    >>> parse_duration("1d12h")
    datetime.timedelta(days=1, seconds=43200)
    """
    if not isinstance(text, str) or not _WHOLE.match(text):
        raise ValueError(
            f"{text!r} is not a duration: write a number and a unit (s, m, h, d, w), e.g. '26h'"
        )
    # Summed as floats and bounded before timedelta() sees them: 99999999999999999999d
    # would otherwise raise OverflowError, which nothing expects.
    seconds = sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(text))
    if seconds > MAX_DURATION.total_seconds():
        raise DurationOutOfRange(text, f"must be at most 100 years ({MAX_DURATION.days}d)")
    value = timedelta(seconds=seconds)
    if value <= timedelta(0):  # 0s, or less than the microsecond a timedelta keeps
        raise DurationOutOfRange(text, "must be longer than 0")
    return value


def humanize(seconds: float) -> str:
    """A short human form with the two largest units: ``2d 3h``, ``45m``, ``12s``."""
    remaining = round(abs(seconds))
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    text = " ".join(parts[:2]) or "0s"
    return f"-{text}" if seconds < 0 else text
