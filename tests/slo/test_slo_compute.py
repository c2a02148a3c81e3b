"""SLO maths against hand-computed cases, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustwell.slo.compute import (
    Observation,
    Sample,
    alert_windows,
    attainment_of,
    budget_left,
    burn_rate,
    check_budget,
    fresh_time,
    freshness_budget,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
H = timedelta(hours=1)


def test_attainment_budget_and_burn_by_hand() -> None:
    assert attainment_of(0, 0) is None
    assert attainment_of(99, 100) == pytest.approx(0.99)
    # 99% objective: 1% budget; 99.5% attained spends half of it
    assert budget_left(0.995, 0.99) == pytest.approx(0.5)
    assert budget_left(0.98, 0.99) == pytest.approx(-1.0)
    assert budget_left(1.0, 1.0) == 1.0
    assert budget_left(0.9, 1.0) == -1.0
    assert burn_rate(0.02, 0.99) == pytest.approx(2.0)


def test_alert_windows_scale_with_slo_window() -> None:
    (fl, fs), (sl, ss) = alert_windows(timedelta(days=30))
    assert (fl, fs, sl, ss) == (H, timedelta(minutes=5), 6 * H, timedelta(minutes=30))
    (fl, fs), _ = alert_windows(timedelta(days=15))
    assert (fl, fs) == (H / 2, timedelta(seconds=150))


def test_check_budget_counts_results_in_window() -> None:
    # 10 results over the last 10 days, one failed 5 days ago, one older than the window
    samples = [Sample(NOW - timedelta(days=d), d != 5) for d in range(10)]
    samples.append(Sample(NOW - timedelta(days=40), False))
    b = check_budget(samples, 0.8, timedelta(days=28), NOW)
    assert b.attainment == pytest.approx(0.9)
    assert b.budget_left == pytest.approx(0.5)  # 10% failed of a 20% budget
    assert b.burn_rate == pytest.approx(0.5)
    assert b.met and not b.burning_fast and not b.burning_slow


def test_check_budget_fast_burn_needs_both_windows() -> None:
    window = timedelta(days=30)
    old = [Sample(NOW - timedelta(days=d), True) for d in range(1, 20)]
    recent_fail = [Sample(NOW - timedelta(minutes=m), False) for m in (2, 30)]
    b = check_budget(old + recent_fail, 0.99, window, NOW)
    assert b.burning_fast and b.burning_slow and not b.met
    # a pass in the last 5 minutes cools the short window: no fast burn
    b2 = check_budget(
        [*old, *recent_fail, Sample(NOW - timedelta(minutes=1), True)], 0.9, window, NOW
    )
    assert not b2.burning_fast  # short window 1 fail / 2 = 0.5 -> rate 5 < 14.4
    assert check_budget([], 0.99, window, NOW).attainment is None


def test_fresh_time_grows_age_between_observations() -> None:
    limit = timedelta(hours=26)
    start = NOW - 48 * H
    # at start age 20h: fresh 6h then stale until a load at +24h (age 0): fresh to the end
    obs = [Observation(start, 20 * 3600), Observation(start + 24 * H, 0)]
    fresh, observed = fresh_time(obs, limit, start, NOW)
    assert observed == pytest.approx(48 * 3600)
    assert fresh == pytest.approx((6 + 24) * 3600)


def test_fresh_time_uses_observation_before_window_and_ignores_unobserved() -> None:
    limit = timedelta(hours=26)
    start = NOW - 10 * H
    obs = [Observation(start - 5 * H, 18 * 3600)]  # at start age 23h: fresh 3h, stale 7h
    assert fresh_time(obs, limit, start, NOW) == pytest.approx((3 * 3600, 10 * 3600))
    later = [Observation(NOW - 4 * H, 0)]  # nothing observed before: only 4h count
    assert fresh_time(later, limit, start, NOW) == pytest.approx((4 * 3600, 4 * 3600))


def test_freshness_budget() -> None:
    window = timedelta(days=28)
    start = NOW - window
    # loads every 24h, one 28h gap (576h -> 604h) -> stale for 2h of 672h
    obs = [Observation(start + timedelta(hours=h), 0) for h in range(0, 600, 24)]
    obs += [Observation(start + timedelta(hours=h), 0) for h in range(604, 672, 24)]
    b = freshness_budget(obs, timedelta(hours=26), 0.99, window, NOW)
    assert b.attainment == pytest.approx(1 - 2 / 672)
    assert b.met
    assert b.budget_left == pytest.approx(1 - (2 / 672) / 0.01)
