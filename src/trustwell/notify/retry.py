"""When to try a failed message again, and when to give up on it: pure, no I/O.

A failed delivery is retried after capped exponential backoff with full jitter:
a random delay in [1 s, min(cap, 30 s × 2^(failures−1))], so a channel that
comes back is reached within the cap (15 minutes) and many queued messages do
not hammer it in step. A message is given up on (``dead``) only when it has
been failing for longer than its channel's ``retry_for`` window (24 hours by
default) *and* has been tried at least :data:`MIN_ATTEMPTS` times since it was
queued or requeued: a deliverer that was itself down for a day, or an operator
who requeues a dead message, still gets real attempts before anything dies.

>>> t0 = datetime(2026, 11, 24, 9, 0)
>>> gives_up(RetryPolicy(), queued_at=t0, failed_at=t0 + timedelta(hours=23), failures=150)
False
>>> gives_up(RetryPolicy(), queued_at=t0, failed_at=t0 + timedelta(hours=24), failures=190)
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=15)
MIN_BACKOFF = timedelta(seconds=1)  # full jitter may draw ~0: never retry within the same tick
DEFAULT_RETRY_FOR = timedelta(hours=24)
DEFAULT_ALERT_AFTER = timedelta(minutes=15)
#: A message is never given up on after fewer failures than this since it was (re)queued.
MIN_ATTEMPTS = 8
# Bounds of the per-channel settings. Below an hour, an ordinary outage of a chat or mail
# service dead-letters notices again; beyond 30 days a notice is no longer news.
RETRY_FOR_BOUNDS = (timedelta(hours=1), timedelta(days=30))
ALERT_AFTER_MIN = timedelta(minutes=1)
# 2**20 × 30 s is far past any cap: the exponent stops there so that a message retried
# for days (hundreds of failures) never overflows a timedelta.
_MAX_EXPONENT = 20


@dataclass(frozen=True)
class RetryPolicy:
    """How one channel retries: the window, and the backoff's base and cap."""

    retry_for: timedelta = DEFAULT_RETRY_FOR
    base: timedelta = BACKOFF_BASE
    cap: timedelta = BACKOFF_CAP


def backoff_delay(
    failures: int,
    *,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
    rng: random.Random | None = None,
) -> timedelta:
    """Full jitter: uniform in [1 s, min(cap, base × 2^(failures−1))] after ``failures`` failures.

    >>> backoff_delay(1) <= timedelta(seconds=30)
    True
    >>> backoff_delay(10_000) <= timedelta(minutes=15)
    True
    """
    exponent = min(max(failures - 1, 0), _MAX_EXPONENT)
    ceiling = min(cap, base * (1 << exponent))
    draw = rng.random() if rng is not None else random.random()
    return max(MIN_BACKOFF, ceiling * draw)


def gives_up(
    policy: RetryPolicy, *, queued_at: datetime, failed_at: datetime, failures: int
) -> bool:
    """True when a message that has just failed for the ``failures``-th time is dead.

    ``failures`` counts the failed attempts since the message was queued or
    requeued (the outbox's ``attempts``).
    """
    return failures >= MIN_ATTEMPTS and failed_at - queued_at >= policy.retry_for


def next_attempt(
    policy: RetryPolicy,
    *,
    queued_at: datetime,
    failed_at: datetime,
    failures: int,
    rng: random.Random | None = None,
) -> datetime | None:
    """When to try again after a failure, or None when the message is given up on."""
    if gives_up(policy, queued_at=queued_at, failed_at=failed_at, failures=failures):
        return None
    return failed_at + backoff_delay(failures, base=policy.base, cap=policy.cap, rng=rng)
