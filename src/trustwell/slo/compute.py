"""SLO maths without I/O: attainment, error budget, burn rate, multi-window alerts.

Two kinds of SLI feed the same maths:

* check SLOs count samples: each stored result of the check is one event, good
  when it passed; the error rate over a window is ``failed / total``.
* freshness SLOs measure time: between two freshness observations the data is
  assumed not to change, so its age grows with the clock; the error rate over a
  window is the share of the observed time in which the age was over the limit.

Burn-rate alerting follows the SRE workbook (multi-window, multi-burn-rate):
fast burn is a burn rate of 14.4 over 1 h and over a 5 min short window, slow
burn 6 over 6 h and 30 min. Those windows belong to a 30-day SLO; for another
SLO window they are scaled by ``window / 30 days`` so that each alert still
means the same share of the budget spent (2 % for fast, 5 % for slow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

REFERENCE_WINDOW = timedelta(days=30)
FAST_RATE = 14.4
SLOW_RATE = 6.0
FAST_LONG = timedelta(hours=1)
SLOW_LONG = timedelta(hours=6)
SHORT_DIVISOR = 12  # 5 min of 1 h, 30 min of 6 h


@dataclass(frozen=True)
class Sample:
    """One check result: when it was recorded and whether it passed."""

    at: datetime
    good: bool


@dataclass(frozen=True)
class Observation:
    """One freshness result: when it was taken and the age (seconds) of the newest data."""

    at: datetime
    age_seconds: float


@dataclass(frozen=True)
class Budget:
    """The numbers of one SLO over its window at one instant."""

    attainment: float | None
    budget_left: float | None
    burn_rate: float | None
    met: bool
    burning_fast: bool
    burning_slow: bool


def attainment_of(good: int, total: int) -> float | None:
    """Share of good events; None when there are none."""
    return None if total <= 0 else good / total


def budget_left(attainment: float, objective: float) -> float:
    """Fraction of the error budget left: 1 untouched, 0 spent, negative overspent.

    An objective of 100 % has no budget: 1.0 while nothing failed, else -1.0.
    """
    allowed = 1.0 - objective
    spent = 1.0 - attainment
    if allowed <= 0.0:
        return 1.0 if spent <= 0.0 else -1.0
    return 1.0 - spent / allowed


def burn_rate(error_rate: float, objective: float) -> float:
    """How many times faster than allowed the budget burns (1.0 spends it in the window)."""
    allowed = 1.0 - objective
    if allowed <= 0.0:
        return 0.0 if error_rate <= 0.0 else float("inf")
    return error_rate / allowed


def alert_windows(
    window: timedelta,
) -> tuple[tuple[timedelta, timedelta], tuple[timedelta, timedelta]]:
    """(long, short) windows for the fast and the slow alert, scaled to the SLO window."""
    scale = window / REFERENCE_WINDOW
    fast_long = FAST_LONG * scale
    slow_long = SLOW_LONG * scale
    return (fast_long, fast_long / SHORT_DIVISOR), (slow_long, slow_long / SHORT_DIVISOR)


def sample_error_rate(samples: Sequence[Sample], start: datetime, end: datetime) -> float | None:
    """Share of failed samples with ``start < at <= end``; None without samples."""
    inside = [s for s in samples if start < s.at <= end]
    if not inside:
        return None
    return sum(1 for s in inside if not s.good) / len(inside)


def fresh_time(
    observations: Sequence[Observation], limit: timedelta, start: datetime, end: datetime
) -> tuple[float, float]:
    """(fresh seconds, observed seconds) in ``[start, end]``.

    After an observation at ``t`` with age ``a`` the age at ``u`` is ``a + (u - t)``
    until the next observation. Time before the first observation (or before the
    last one preceding ``start``) is not observed and does not count either way.
    """
    ordered = sorted(observations, key=lambda o: o.at)
    limit_s = limit.total_seconds()
    fresh = observed = 0.0
    for i, obs in enumerate(ordered):
        seg_end = ordered[i + 1].at if i + 1 < len(ordered) else end
        lo = max(obs.at, start)
        hi = min(seg_end, end)
        if hi <= lo:
            continue
        observed += (hi - lo).total_seconds()
        # age at u is age_seconds + (u - obs.at); fresh while u <= obs.at + (limit - age)
        fresh_until = obs.at + timedelta(seconds=limit_s - obs.age_seconds)
        fresh += max(0.0, (min(hi, fresh_until) - lo).total_seconds())
    return fresh, observed


def freshness_error_rate(
    observations: Sequence[Observation], limit: timedelta, start: datetime, end: datetime
) -> float | None:
    """Share of observed time in the window with data older than ``limit``."""
    fresh, observed = fresh_time(observations, limit, start, end)
    return None if observed <= 0.0 else 1.0 - fresh / observed


def _burning(
    rate_at: _RateFn,
    objective: float,
    now: datetime,
    long: timedelta,
    short: timedelta,
    threshold: float,
) -> bool:
    long_rate = rate_at(now - long, now)
    short_rate = rate_at(now - short, now)
    if long_rate is None or short_rate is None:
        return False
    return (
        burn_rate(long_rate, objective) >= threshold
        and burn_rate(short_rate, objective) >= threshold
    )


class _RateFn:
    """Error rate over ``(start, end]`` for one SLI."""

    def __init__(
        self,
        samples: Sequence[Sample] | None = None,
        observations: Sequence[Observation] | None = None,
        limit: timedelta | None = None,
    ) -> None:
        self.samples = samples
        self.observations = observations
        self.limit = limit

    def __call__(self, start: datetime, end: datetime) -> float | None:
        if self.samples is not None:
            return sample_error_rate(self.samples, start, end)
        assert self.observations is not None and self.limit is not None
        return freshness_error_rate(self.observations, self.limit, start, end)


def _budget(rate_at: _RateFn, objective: float, window: timedelta, now: datetime) -> Budget:
    error = rate_at(now - window, now)
    if error is None:
        return Budget(None, None, None, False, False, False)
    attained = 1.0 - error
    (fast_long, fast_short), (slow_long, slow_short) = alert_windows(window)
    return Budget(
        attainment=attained,
        budget_left=budget_left(attained, objective),
        burn_rate=burn_rate(error, objective),
        met=attained >= objective,
        burning_fast=_burning(rate_at, objective, now, fast_long, fast_short, FAST_RATE),
        burning_slow=_burning(rate_at, objective, now, slow_long, slow_short, SLOW_RATE),
    )


def check_budget(
    samples: Sequence[Sample], objective: float, window: timedelta, now: datetime
) -> Budget:
    """Budget of a check SLO from its results."""
    return _budget(_RateFn(samples=samples), objective, window, now)


def freshness_budget(
    observations: Sequence[Observation],
    limit: timedelta,
    objective: float,
    window: timedelta,
    now: datetime,
) -> Budget:
    """Budget of a freshness SLO from its observations."""
    return _budget(_RateFn(observations=observations, limit=limit), objective, window, now)
