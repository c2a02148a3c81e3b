"""The SLO budget burn-down, pure: 100 % at the window's start, today's budget left at its end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustwell.slo.burndown import POINTS, check_burndown, freshness_burndown, moments
from trustwell.slo.compute import Observation, Sample, check_budget, freshness_budget

NOW = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = timedelta(days=28)


def test_moments_span_the_window_from_its_start_to_now() -> None:
    found = moments(WINDOW, NOW)
    assert len(found) == POINTS
    assert (found[0], found[-1]) == (NOW - WINDOW, NOW)


def test_check_burndown_starts_full_steps_down_at_each_failure_and_ends_at_budget_left() -> None:
    # one result a day, two of them failed: 26 of 28 passed
    samples = [Sample(NOW - timedelta(days=d, hours=1), d not in (20, 3)) for d in range(28)]
    points = check_burndown(samples, 0.9, WINDOW, NOW)
    assert points[0].budget_left == 1.0
    lefts = [p.budget_left for p in points]
    assert lefts == sorted(lefts, reverse=True)  # budget is only ever spent
    oracle = check_budget(samples, 0.9, WINDOW, NOW).budget_left
    assert points[-1].budget_left == pytest.approx(oracle)
    assert oracle == pytest.approx(1 - (2 / 28) / 0.1)
    # after the first failure (20 days ago) and before the second, half the spend is seen
    middle = [p for p in points if NOW - timedelta(days=19) < p.at < NOW - timedelta(days=4)]
    assert middle and all(p.budget_left == pytest.approx(1 - (1 / 28) / 0.1) for p in middle)


def test_overspent_budget_goes_below_zero_and_a_100_percent_objective_has_none() -> None:
    samples = [Sample(NOW - timedelta(days=d), d % 2 == 0) for d in range(1, 11)]
    assert check_burndown(samples, 0.99, WINDOW, NOW)[-1].budget_left < 0
    strict = check_burndown(samples, 1.0, WINDOW, NOW)
    assert {p.budget_left for p in strict} == {1.0, -1.0}
    assert strict[-1].budget_left == check_budget(samples, 1.0, WINDOW, NOW).budget_left


def test_no_result_in_the_window_draws_nothing() -> None:
    old = [Sample(NOW - timedelta(days=40), False)]
    assert check_burndown(old, 0.9, WINDOW, NOW) == []
    assert freshness_burndown([], timedelta(hours=26), 0.99, WINDOW, NOW) == []


def test_freshness_burndown_ends_where_the_freshness_budget_stands() -> None:
    window = timedelta(days=2)
    # 48h ago the data was 20h old: fresh for 6h, then stale 18h; a load 24h ago
    obs = [
        Observation(NOW - timedelta(hours=48), 20 * 3600.0),
        Observation(NOW - timedelta(hours=24), 0.0),
    ]
    limit = timedelta(hours=26)
    points = freshness_burndown(obs, limit, 0.5, window, NOW)
    oracle = freshness_budget(obs, limit, 0.5, window, NOW).budget_left
    assert oracle is not None
    assert points[-1].budget_left == pytest.approx(oracle)
    assert points[0].budget_left == 1.0
    # nothing is spent once the data is fresh again: flat over the last 24 hours
    last_day = [p.budget_left for p in points if p.at >= NOW - timedelta(hours=24)]
    assert max(last_day) == pytest.approx(min(last_day))
