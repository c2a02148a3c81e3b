"""The band maths of ``anomaly`` on synthetic series, without a database."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from trustwell.checks.anomaly_band import MAD_SCALE, Point, band, bucket_of, replay

MONDAY = datetime(2026, 9, 7, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)
#: Weekly seasonality: a Monday peak and a weekend trough, around 1,000 rows a day.
WEEKLY = (400, 0, 0, 0, 0, -300, -300)
#: Day index -> the injected jump (all after the three weeks a weekly band learns in).
INJECTED = {30: 250, 36: -250, 44: 300, 50: -220, 57: 260}


def synthetic(seed: int = 2026) -> list[Point]:
    """60 daily values: weekly seasonality, a trend of +2 a day, noise, 5 anomalies."""
    rng = random.Random(seed)
    points = []
    for day in range(60):
        at = MONDAY + day * DAY
        value = 1000 + 2 * day + WEEKLY[at.weekday()] + rng.gauss(0, 15) + INJECTED.get(day, 0)
        points.append(Point(at, value))
    return points


def fired(seasonality: str) -> set[int]:
    # Three weeks of history: each weekday bucket holds 3 values before judging starts.
    judged = replay(synthetic(), seasonality=seasonality, min_history=21)  # type: ignore[arg-type]
    return {day for day, j in enumerate(judged) if j.fired is not None}


def test_weekly_seasonality_finds_the_injected_anomalies_and_little_else() -> None:
    found = fired("weekly")
    true_positives = found & set(INJECTED)
    precision = len(true_positives) / len(found)
    recall = len(true_positives) / len(INJECTED)
    assert precision >= 0.8, sorted(found)
    assert recall >= 0.8, sorted(found)


def test_without_seasonality_the_seasonal_peaks_fire() -> None:
    weekly, flat = fired("weekly"), fired("none")
    seasonal_days = {d for d in range(21, 60) if WEEKLY[(MONDAY + d * DAY).weekday()] != 0}
    false_alarms = (flat - set(INJECTED)) & seasonal_days
    assert len(false_alarms) >= 3, sorted(flat)
    assert not false_alarms & weekly  # weekly knows Mondays are high and weekends low


def test_the_method_holds_beyond_one_lucky_seed() -> None:
    good = 0
    for seed in range(40):
        judged = replay(synthetic(seed), seasonality="weekly", min_history=21)
        found = {d for d, j in enumerate(judged) if j.fired is not None}
        hits = found & set(INJECTED)
        good += len(hits) / max(len(found), 1) >= 0.8 and len(hits) / len(INJECTED) >= 0.8
    assert good >= 36


def test_the_band_is_median_plus_minus_sensitivity_times_scaled_mad() -> None:
    past = [Point(MONDAY + i * DAY, v) for i, v in enumerate([10, 12, 11, 13, 9, 50, 11])]
    found = band(past, MONDAY + 7 * DAY, sensitivity=2)
    # median 11; deviations 1, 1, 0, 2, 2, 39, 0 -> MAD 1
    assert found.expected == 11
    assert found.spread == pytest.approx(MAD_SCALE)
    assert (found.low, found.high) == pytest.approx((11 - 2 * MAD_SCALE, 11 + 2 * MAD_SCALE))
    assert found.points == 7 and found.bucket is None
    assert found.verdict(14.0) == "up" and found.verdict(8.0) == "down"
    assert found.verdict(14.0, "down") is None and found.verdict(8.0, "up") is None
    assert found.verdict(11.0) is None


def test_a_mad_of_zero_falls_back_to_the_mean_deviation_then_to_a_tenth_of_a_percent() -> None:
    mostly_equal = [Point(MONDAY + i * DAY, v) for i, v in enumerate([100, 100, 100, 100, 120])]
    assert band(mostly_equal, MONDAY + 5 * DAY).spread == pytest.approx(1.2533 * 4)
    constant = [Point(MONDAY + i * DAY, 1000.0) for i in range(5)]
    found = band(constant, MONDAY + 5 * DAY)
    assert (found.low, found.high) == pytest.approx((997.0, 1003.0))


def test_a_bucket_with_fewer_than_three_values_falls_back_to_all_history() -> None:
    past = [Point(MONDAY + i * DAY, 100.0 + i) for i in range(10)]  # two Mondays only
    found = band(past, MONDAY + 14 * DAY, seasonality="weekly")
    assert (found.bucket, found.points) == (None, 10)
    third_monday = Point(MONDAY + 14 * DAY, 103.0)
    found = band([*past, third_monday], MONDAY + 21 * DAY, seasonality="weekly")
    assert (found.bucket, found.points, found.expected) == ("Monday", 3, 103.0)


def test_daily_buckets_read_the_hour_in_the_warehouse_zone() -> None:
    from zoneinfo import ZoneInfo

    at = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert bucket_of(at, "daily") == "hour 23"
    assert bucket_of(at, "daily", ZoneInfo("Europe/Berlin")) == "hour 00"
    assert bucket_of(at, "weekly", ZoneInfo("Europe/Berlin")) == "Monday"
    assert bucket_of(at, "none") is None


def test_replay_learns_first_and_keeps_flagged_points_out_of_later_baselines() -> None:
    series = [Point(MONDAY + i * DAY, v) for i, v in enumerate([10, 11, 10, 500, 11, 10])]
    judged = replay(series, min_history=3)
    assert [j.band is None for j in judged] == [True, True, True, False, False, False]
    assert [j.fired for j in judged] == [None, None, None, "up", None, None]
    assert judged[5].band is not None and judged[5].band.points == 5  # the 500 is in
    kept_out = replay(series, min_history=3, baseline_ok=[True, True, True, False, True, True])
    assert kept_out[5].band is not None and kept_out[5].band.points == 4
    with pytest.raises(ValueError, match="at least one"):
        band([], MONDAY)


def test_daily_seasonality_compares_each_hour_with_the_same_hour_of_the_last_14_days() -> None:
    # Hourly runs for 20 days: 500 rows at 09:00 (the nightly batch), 50 at other hours.
    rng = random.Random(7)
    start = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    series = [
        Point(start + timedelta(hours=h), (500 if h % 24 == 9 else 50) + rng.gauss(0, 3))
        for h in range(20 * 24)
    ]
    nine = start + timedelta(days=20, hours=9)
    found = band(series, nine, seasonality="daily")
    assert (found.bucket, found.points) == ("hour 09", 14)  # the last 14 days only
    assert found.low < 500 < found.high
    assert found.verdict(50.0) == "down"  # the batch did not land
    flat = band(series, nine)  # without seasonality: the latest 30 hourly values
    assert flat.verdict(500.0) == "up"


def test_the_pooled_floor_is_each_value_against_the_median_of_the_rest_of_its_bucket() -> None:
    import statistics

    from trustwell.checks.anomaly_band import pooled_spread, robust_spread

    rng = random.Random(3)
    for _ in range(200):
        grouped: dict[str | None, list[float]] = {
            b: [float(rng.choice([1, 2, 3, 4.5, 7, 7, 9])) for _ in range(rng.randint(2, 9))]
            for b in ("Monday", "Tuesday")
        }
        by_hand = [
            v - statistics.median(values[:i] + values[i + 1 :])
            for values in grouped.values()
            if len(values) >= 3  # a bucket of two says nothing yet
            for i, v in enumerate(values)
        ]
        expected = robust_spread(by_hand, 0.0) if by_hand else 0.0
        assert pooled_spread(grouped) == pytest.approx(expected)
