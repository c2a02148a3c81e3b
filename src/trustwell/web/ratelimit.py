"""A sliding-window rate limiter and the client address behind proxies. Pure.

The limiter keeps, per key, the times of the hits inside the window (a
sliding log: exact, and small because form limits are small). State lives in
the process: several ``serve`` processes each count on their own, which the
docs say; a shared limiter belongs in the proxy in front.

>>> limiter = SlidingWindowLimiter()
>>> limiter.hit([("report:client:203.0.113.9", Rate(5, timedelta(minutes=10)))], now)
>>> # None: allowed and counted; a Refusal(key, retry_after): refused, nothing counted
"""

from __future__ import annotations

import ipaddress
import math
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from trustwell import clock
from trustwell.config.limits import Rate

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
#: Keys kept at most; beyond, expired keys are dropped, then the oldest ones,
#: so that a flood from many addresses cannot grow the process without bound.
MAX_KEYS = 100_000


@dataclass(frozen=True)
class Refusal:
    """Which key refused, and in how many whole seconds it allows a request again."""

    key: str
    retry_after: int


class SlidingWindowLimiter:
    """Counts hits per key over a sliding window; safe to share between threads."""

    def __init__(
        self, *, now: Callable[[], datetime] = clock.now, max_keys: int = MAX_KEYS
    ) -> None:
        self._now = now  # honours TRUSTWELL_NOW, like every clock of trustwell
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._windows: dict[str, float] = {}
        self._lock = threading.Lock()

    def hit(
        self, limits: Sequence[tuple[str, Rate | None]], now: datetime | None = None
    ) -> Refusal | None:
        """Count one request against every ``(key, rate)``, all or none.

        Returns None when every rate allows it (and records the hit under each
        key), else the :class:`Refusal` of the key that frees up last (nothing
        is recorded). A rate of None (``off``) never refuses.
        """
        moment = (now or self._now()).timestamp()
        active = [(key, rate) for key, rate in limits if rate is not None]
        with self._lock:
            refusals = [
                Refusal(key, wait)
                for key, rate in active
                if (wait := self._wait(key, rate, moment)) is not None
            ]
            if refusals:
                return max(refusals, key=lambda r: r.retry_after)
            for key, rate in active:
                self._hits.setdefault(key, deque()).append(moment)
                self._windows[key] = rate.window.total_seconds()
            if len(self._hits) > self._max_keys:
                self._shrink(moment)
        return None

    def _wait(self, key: str, rate: Rate, moment: float) -> int | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        window = rate.window.total_seconds()
        while hits and hits[0] <= moment - window:
            hits.popleft()
        if len(hits) < rate.count:
            return None
        # The slot frees when the oldest hit that still counts leaves the window.
        oldest = hits[len(hits) - rate.count]
        return max(1, math.ceil(oldest + window - moment))

    def _shrink(self, moment: float) -> None:
        for key in list(self._hits):
            hits = self._hits[key]
            if not hits or hits[-1] <= moment - self._windows.get(key, 0):
                del self._hits[key]
                self._windows.pop(key, None)
        excess = len(self._hits) - int(self._max_keys * 0.9)
        for key in list(self._hits)[: max(excess, 0)]:
            del self._hits[key]
            self._windows.pop(key, None)


def client_address(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The client of a request: the socket peer, unless that is a trusted proxy.

    Behind trusted proxies, ``X-Forwarded-For`` is read from the right: the
    first address that is not a trusted proxy is the client (anything further
    left was written by the client itself and proves nothing).

    >>> client_address("10.0.0.5", "198.51.100.7, 203.0.113.9", [ip_network("10.0.0.0/8")])
    '203.0.113.9'
    >>> client_address("198.51.100.1", "203.0.113.9", [])
    '198.51.100.1'
    """
    if not peer:
        return "unknown"
    if not trusted or not _within(peer, trusted) or not forwarded_for:
        return peer
    nearest = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return nearest  # garbage from further away: the last hop we can vouch for
        if not _within(hop, trusted):
            return hop
        nearest = hop
    return nearest


def _within(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def retry_text(seconds: int) -> str:
    """``10 minutes``, ``1 minute``, ``45 seconds``: how long to wait, as people say it."""
    if seconds >= 3600:
        hours = math.ceil(seconds / 3600)
        return f"{hours} hour{'s' * (hours != 1)}"
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minute{'s' * (minutes != 1)}"
    return f"{seconds} second{'s' * (seconds != 1)}"
