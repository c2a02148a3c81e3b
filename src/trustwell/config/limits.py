"""``limits:`` in ``trustwell.yml``: how much the public forms and the web service accept.

Every key has a default, so a project without ``limits:`` is protected too::

    limits:
      reports_per_client: 5/10m        # reports (form and API) from one client
      reports_per_asset: 20/1h         # reports on one asset, from everyone
      subscriptions_per_client: 10/1h  # subscriptions (form and API) from one client
      subscriptions_per_asset: 50/1h   # subscriptions to one asset, from everyone
      max_body: 1MiB                   # any request body
      trusted_proxies: [10.0.0.5]      # honour X-Forwarded-For from these (IPs or CIDRs)

A rate is ``COUNT/WINDOW`` (a duration such as ``10m``), or ``off``. Pure: no I/O.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trustwell.durations import humanize, parse_duration

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\S+)\s*$")
_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]i?B|B)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}
#: A window longer than a week or a count above this keeps too much in memory
#: for what a form needs; either is almost certainly a typo.
MAX_WINDOW = timedelta(days=7)
MAX_COUNT = 10_000
MIN_BODY, MAX_BODY = 1024, 1024**3


@dataclass(frozen=True)
class Rate:
    """``count`` requests per sliding ``window``."""

    count: int
    window: timedelta

    def __str__(self) -> str:
        return f"{self.count} per {humanize(self.window.total_seconds())}"


def parse_rate(text: str | bool) -> Rate | None:
    """``"5/10m"`` → ``Rate(5, 10 minutes)``; ``off`` → None; ValueError otherwise.

    YAML reads a bare ``off`` as false, which means off too.

    >>> parse_rate("5/10m")
    Rate(count=5, window=datetime.timedelta(seconds=600))
    """
    if text is False or (isinstance(text, str) and text.strip().lower() == "off"):
        return None
    match = _RATE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{text!r} is not a rate: write a count and a window, e.g. '5/10m', or off"
        )
    count = int(match.group(1))
    window = parse_duration(match.group(2))
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(
            f"{text!r}: the count must lie between 1 and {MAX_COUNT:,} (write off for no limit)"
        )
    if not timedelta(seconds=1) <= window <= MAX_WINDOW:
        raise ValueError(f"{text!r}: the window must lie between 1s and 7d")
    return Rate(count, window)


def parse_size(value: str | int) -> int:
    """``"1MiB"`` → 1048576 bytes (also ``512KiB``, ``2MB``, or a plain number of bytes).

    >>> parse_size("64MiB")
    67108864
    """
    text = str(value)
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a size: write a number and a unit, e.g. '1MiB'")
    size = int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()]
    if not MIN_BODY <= size <= MAX_BODY:
        raise ValueError(f"{text!r}: the size must lie between 1KiB and 1GiB")
    return size


class Limits(BaseModel):
    """The ``limits:`` section (see the module doc)."""

    # Built on first use: a run validates through a few root models (~0.08 s CPU less).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    reports_per_client: str | bool = "5/10m"
    reports_per_asset: str | bool = "20/1h"
    subscriptions_per_client: str | bool = "10/1h"
    subscriptions_per_asset: str | bool = "50/1h"
    max_body: str | int = "1MiB"
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator(
        "reports_per_client",
        "reports_per_asset",
        "subscriptions_per_client",
        "subscriptions_per_asset",
    )
    @classmethod
    def _rate(cls, value: str | bool) -> str | bool:
        parse_rate(value)
        return value

    @field_validator("max_body")
    @classmethod
    def _size(cls, value: str | int) -> str | int:
        parse_size(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/8)"
                ) from None
        return value

    def rate(self, name: str) -> Rate | None:
        """The parsed rate of one key (``reports_per_client``…); None when ``off``."""
        value: str | bool = getattr(self, name)
        return parse_rate(value)

    @property
    def max_body_bytes(self) -> int:
        return parse_size(self.max_body)

    @property
    def proxies(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies)
