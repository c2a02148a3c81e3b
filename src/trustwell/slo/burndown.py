"""An SLO's error budget over its current window, pure: the budget burn-down.

The budget of the window ending now is ``1 - objective`` of its events (check
SLOs: results; freshness SLOs: observed seconds). The burn-down says how much
of that budget was left at each moment of the window: 1 at its start, and
the budget left now (``compute.budget_left``) at its end; every failed result
or stale second in between spends some. An objective of 100 % has no budget:
1 while nothing failed, then -1, as :func:`trustwell.slo.compute.budget_left`
says. No data in the window: no points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from trustwell.slo.compute import Observation, Sample, fresh_time

#: Moments of the window the chart is drawn at (start and now included).
POINTS = 57


@dataclass(frozen=True)
class BudgetPoint:
    """The share of the window's error budget left at ``at`` (1 untouched, <0 overspent)."""

    at: datetime
    budget_left: float


def moments(window: timedelta, now: datetime, points: int = POINTS) -> list[datetime]:
    """``points`` evenly spaced moments from the window's start to ``now``."""
    start = now - window
    return [start + window * (i / (points - 1)) for i in range(points)]


def check_burndown(
    samples: Sequence[Sample],
    objective: float,
    window: timedelta,
    now: datetime,
    points: int = POINTS,
) -> list[BudgetPoint]:
    """The burn-down of a check SLO: each failed result in the window spends budget."""
    start = now - window
    inside = [s for s in samples if start < s.at <= now]
    if not inside:
        return []
    allowed = (1.0 - objective) * len(inside)
    return [
        BudgetPoint(t, _left(sum(1 for s in inside if s.at <= t and not s.good), allowed))
        for t in moments(window, now, points)
    ]


def freshness_burndown(
    observations: Sequence[Observation],
    limit: timedelta,
    objective: float,
    window: timedelta,
    now: datetime,
    points: int = POINTS,
) -> list[BudgetPoint]:
    """The burn-down of a freshness SLO: each observed second of stale data spends budget."""
    start = now - window
    _, observed = fresh_time(observations, limit, start, now)
    if observed <= 0.0:
        return []
    allowed = (1.0 - objective) * observed
    out = []
    for t in moments(window, now, points):
        fresh, seen = fresh_time(observations, limit, start, t) if t > start else (0.0, 0.0)
        out.append(BudgetPoint(t, _left(seen - fresh, allowed)))
    return out


def _left(spent: float, allowed: float) -> float:
    if allowed <= 0.0:
        return 1.0 if spent <= 0.0 else -1.0
    return 1.0 - spent / allowed
