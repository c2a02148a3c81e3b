"""Durations as people write them in project files: ``90m``, ``26h``, ``2d``."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$")


def parse_duration(text: str) -> timedelta:
    """Parse ``90m``, ``26h``, ``2d``, ``1d12h`` or ``1w`` into a timedelta.

    >>> parse_duration("1d12h")
    datetime.timedelta(days=1, seconds=43200)
    """
    if not isinstance(text, str) or not _WHOLE.match(text):
        raise ValueError(
            f"{text!r} is not a duration: write a number and a unit (s, m, h, d, w), e.g. '26h'"
        )
    seconds = sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(text))
    return timedelta(seconds=seconds)


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
