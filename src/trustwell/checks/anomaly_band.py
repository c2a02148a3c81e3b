"""The band of an ``anomaly`` check, pure: past values in, a low and a high out.

The band is robust: its centre is the median of the baseline and its
half-width ``sensitivity`` times the spread, the median absolute deviation
(MAD) scaled by 1.4826 (on normally distributed values, one standard
deviation). A value below ``low`` or above ``high`` is an anomaly
(``direction`` can limit that to one side). Outliers in the baseline barely
move a median, so one bad day does not widen the band for the days after it.

With ``seasonality``, the baseline is the past values of the same bucket as
the moment tested: the same hour of the day (``daily``, over the last 14
days) or the same day of the week (``weekly``, over the last 8 weeks). A
bucket with fewer than 3 values falls back to the whole baseline. Without
seasonality (and on that fallback) the baseline is the latest 30 values.
Hours and weekdays are read in the warehouse's time zone (UTC unless it sets
``timezone:``).

Three floors keep a band from being narrower than the data allows: when the
MAD is 0 (over half the values equal) the mean absolute deviation scaled by
1.2533 is used; a bucket's spread is at least that of every value of the
span around the median of the rest of its bucket (three values can lie close
together by chance); and the spread is at least 0.1% of the expected value
(a constant series tolerates 0.3% at the default sensitivity).

:func:`replay` judges a whole series, each point against only the points
before it: the ``trustwell anomaly backtest`` command and the tests use it.
Nothing here touches a database.
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

Seasonality = Literal["none", "daily", "weekly"]
Direction = Literal["both", "up", "down"]

MAD_SCALE = 1.4826  # MAD of a normal distribution -> its standard deviation
MEAN_DEVIATION_SCALE = 1.2533  # mean absolute deviation -> standard deviation (normal)
LATEST = 30  # values in the baseline without seasonality (and on a bucket's fallback)
MIN_RELATIVE_SPREAD = 0.001  # the spread is at least 0.1% of the expected value
MIN_BUCKET = 3  # fewer values in a bucket: fall back to the whole baseline
BUCKET_SPAN: dict[str, timedelta] = {"daily": timedelta(days=14), "weekly": timedelta(weeks=8)}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Point:
    """One past value of the metric and when it was measured (aware)."""

    at: datetime
    value: float


@dataclass(frozen=True)
class Band:
    """Where the metric was expected to be, and from what."""

    low: float
    high: float
    expected: float  # the baseline's median
    spread: float  # the robust standard deviation the width is made of
    points: int  # values in the baseline
    bucket: str | None  # "hour 09", "Monday", or None (no seasonality, or fallen back)

    def verdict(self, value: float, direction: Direction = "both") -> Literal["up", "down"] | None:
        """``up`` above the band, ``down`` below it, None inside (or on the ignored side)."""
        if value > self.high and direction in ("both", "up"):
            return "up"
        if value < self.low and direction in ("both", "down"):
            return "down"
        return None


def robust_spread(values: Sequence[float], centre: float) -> float:
    """1.4826 x MAD; when more than half the values equal the median (MAD 0),
    1.2533 x the mean absolute deviation; 0 when every value is the same."""
    deviations = [abs(v - centre) for v in values]
    mad = statistics.median(deviations)
    if mad > 0:
        return MAD_SCALE * mad
    return MEAN_DEVIATION_SCALE * statistics.fmean(deviations)


def bucket_of(moment: datetime, seasonality: Seasonality, zone: tzinfo | None = None) -> str | None:
    """The bucket of a moment: ``hour 09`` (daily), ``Monday`` (weekly), None (none)."""
    if seasonality == "none":
        return None
    local = moment.astimezone(zone) if zone is not None else moment
    if seasonality == "daily":
        return f"hour {local.hour:02d}"
    return _WEEKDAYS[local.weekday()]


def buckets(
    history: Sequence[Point], at: datetime, seasonality: Seasonality, zone: tzinfo | None = None
) -> dict[str | None, list[float]]:
    """The values of the span before ``at`` (14 days, 8 weeks) by bucket, oldest first."""
    found: dict[str | None, list[float]] = {}
    for p in _since(history, at - BUCKET_SPAN[seasonality]):
        found.setdefault(bucket_of(p.at, seasonality, zone), []).append(p.value)
    return found


def _since(history: Sequence[Point], moment: datetime) -> Sequence[Point]:
    """The points at or after ``moment`` (``history`` is oldest first)."""
    return history[bisect.bisect_left(history, moment, key=lambda p: p.at) :]


def band(
    history: Sequence[Point],
    at: datetime,
    *,
    sensitivity: float = 3.0,
    seasonality: Seasonality = "none",
    zone: tzinfo | None = None,
) -> Band:
    """The band for a value measured at ``at``, from the points before it (at least one).

    ``history`` is oldest first and holds only points before ``at``.

    >>> b = band([Point(t, v) for t, v in past], now)          # doctest: +SKIP
    >>> (b.low, b.expected, b.high)                             # doctest: +SKIP
    (94.0, 100.0, 106.0)
    """
    if not history:
        raise ValueError("a band needs at least one past value")
    bucket = None
    values = [p.value for p in history[-LATEST:]]
    pooled = 0.0
    if seasonality != "none":
        grouped = buckets(history, at, seasonality, zone)
        wanted = bucket_of(at, seasonality, zone)
        if len(grouped.get(wanted, ())) >= MIN_BUCKET:
            bucket, values = wanted, grouped[wanted]
            pooled = pooled_spread(grouped)
    centre = statistics.median(values)
    spread = max(robust_spread(values, centre), pooled, MIN_RELATIVE_SPREAD * abs(centre))
    width = sensitivity * spread
    return Band(centre - width, centre + width, centre, spread, len(values), bucket)


def pooled_spread(grouped: dict[str | None, list[float]]) -> float:
    """The robust spread of every value of the span around the median of the rest of its bucket.

    A floor for one bucket's spread: a bucket holds 3 to a few dozen values,
    and three values can lie close together by chance, which would make a
    band too narrow to hold the next ordinary value. Leaving the value out of
    its own median measures what the band is for: how far a new value lands.
    Buckets of fewer than 3 values are left out.
    """
    residuals = [
        r for values in grouped.values() if len(values) >= MIN_BUCKET for r in _loo(values)
    ]
    return robust_spread(residuals, 0.0) if residuals else 0.0


def _loo(values: list[float]) -> list[float]:
    """Each value minus the median of the others (sorted once: O(n log n), not O(n² log n))."""
    ordered = sorted(values)
    middle, odd = divmod(len(ordered) - 1, 2)
    found = []
    for i, value in enumerate(ordered):
        # the k-th of the others is ordered[k] before position i, ordered[k + 1] from it on
        upper = ordered[middle] if middle < i else ordered[middle + 1]
        if odd:
            median = upper
        else:
            lower = ordered[middle - 1] if middle - 1 < i else ordered[middle]
            median = (lower + upper) / 2
        found.append(value - median)
    return found


@dataclass(frozen=True)
class Judged:
    """One point of a replayed series and what the check would have said of it."""

    point: Point
    band: Band | None  # None while learning
    fired: Literal["up", "down"] | None


def replay(
    series: Sequence[Point],
    *,
    sensitivity: float = 3.0,
    min_history: int = 7,
    seasonality: Seasonality = "none",
    direction: Direction = "both",
    zone: tzinfo | None = None,
    baseline_ok: Sequence[bool] | None = None,
) -> list[Judged]:
    """Judge every point of ``series`` (oldest first) against only the points before it.

    ``baseline_ok[i]`` False keeps point ``i`` out of later baselines (a result
    recorded inside an incident) while it is still judged itself. A point with
    fewer than ``min_history`` usable points before it is learning: never fired.
    """
    judged: list[Judged] = []
    usable: list[Point] = []
    for i, point in enumerate(series):
        if len(usable) < max(min_history, 1):
            judged.append(Judged(point, None, None))
        else:
            found = band(
                usable, point.at, sensitivity=sensitivity, seasonality=seasonality, zone=zone
            )
            judged.append(Judged(point, found, found.verdict(point.value, direction)))
        if baseline_ok is None or baseline_ok[i]:
            usable.append(point)
    return judged
