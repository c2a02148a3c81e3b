"""Incident metrics, pure: TTD/TTA/TTR, recurrence, detection sources (SPEC section 3).

Input is a list of :class:`MetricIncident` (what the service reads from the
store), output the JSON document of ``trustwell metrics --format json``. Every
decision the SPEC leaves open is written down in ``docs/metrics.md``.

>>> doc = compute_metrics([])
>>> doc["incidents"], doc["ttd"], doc["internal_detection_share"]
(0, {'median_seconds': None, 'p90_seconds': None}, None)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from trustwell.durations import parse_duration

DETECTION_SOURCES = ("check", "anomaly", "report", "manual", "external")
#: Sources that are not "internal": a stakeholder found the problem first.
EXTERNAL_DETECTION = frozenset({"report"})
SEVERITIES = ("SEV-1", "SEV-2", "SEV-3")
RECURRENCE_WINDOW = timedelta(days=90)
#: The ``by_team`` key of incidents whose root asset has no owner.
NO_TEAM = "unowned"
#: Cause categories that say nothing about the cause, so never make a match.
_UNINFORMATIVE_CAUSES = frozenset({"unknown"})
_RESOLVED_STATES = frozenset({"resolved", "closed"})
_EXCLUDED_STATES = frozenset({"dismissed"})


@dataclass(frozen=True)
class MetricIncident:
    """What metrics need to know of one incident."""

    id: str  # "INC-7"
    severity: str  # SEV-1 | SEV-2 | SEV-3
    team: str | None  # owner team of the root asset
    month: str  # "YYYY-MM" of declared_at in the project's timezone
    detection_source: str  # check | anomaly | report | manual | external
    occurred_at: datetime | None
    declared_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    cause: str | None
    root_asset: str
    fingerprints: tuple[str, ...] = ()
    drill: bool = False
    status: str = "declared"

    @property
    def counts(self) -> bool:
        """Drills and dismissed incidents (not a data problem) are left out of metrics."""
        return not self.drill and self.status not in _EXCLUDED_STATES

    @property
    def is_resolved(self) -> bool:
        """Resolved (or closed after it): a reopened incident is not resolved any more."""
        return self.status in _RESOLVED_STATES and self.resolved_at is not None

    @property
    def ttd(self) -> float | None:
        return _seconds(self.occurred_at, self.declared_at)

    @property
    def tta(self) -> float | None:
        return _seconds(self.declared_at, self.acknowledged_at)

    @property
    def ttr(self) -> float | None:
        return _seconds(self.declared_at, self.resolved_at) if self.is_resolved else None


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


# --- percentiles ------------------------------------------------------------------


def quantile(values: Iterable[float], q: float) -> float | None:
    """The ``q`` quantile by linear interpolation between closest ranks, None for no values.

    This is numpy's default (``method="linear"``, Hyndman & Fan type 7) and
    ``statistics.quantiles(method="inclusive")``: the median of an even count
    is the mean of the two middle values, and p90 of one value is that value.

    >>> quantile([10, 20, 30, 40], 0.9)
    37.0
    >>> quantile([], 0.5) is None
    True
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is not between 0 and 1")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    a, b = float(ordered[low]), float(ordered[high])
    # Clamped: a + f*(b-a) may round past b, and a quantile never leaves [a, b].
    return min(max(a + (position - low) * (b - a), a), b)


def summary(values: Sequence[float]) -> dict[str, float | None]:
    """``{"median_seconds", "p90_seconds"}`` of some durations in seconds."""
    return {"median_seconds": quantile(values, 0.5), "p90_seconds": quantile(values, 0.9)}


# --- recurrence -------------------------------------------------------------------


def recurring_ids(incidents: Iterable[MetricIncident]) -> frozenset[str]:
    """Ids of the incidents that repeat one resolved in the 90 days before they were declared.

    A repeat shares a fingerprint with the earlier incident, or has the same
    root asset and the same (informative) root-cause category. The earlier
    incident must be resolved (or closed), with ``resolved_at`` before the
    later one's ``declared_at`` and at most 90 days before it. Drills and
    dismissed incidents neither recur nor make others recur.
    """
    counted = [i for i in incidents if i.counts]
    resolved = [i for i in counted if i.is_resolved]
    found: set[str] = set()
    for incident in counted:
        for earlier in resolved:
            if earlier.id != incident.id and _repeats(incident, earlier):
                found.add(incident.id)
                break
    return frozenset(found)


def _repeats(incident: MetricIncident, earlier: MetricIncident) -> bool:
    assert earlier.resolved_at is not None  # is_resolved
    gap = incident.declared_at - earlier.resolved_at
    if not timedelta(0) < gap <= RECURRENCE_WINDOW:
        return False
    if set(incident.fingerprints) & set(earlier.fingerprints):
        return True
    return (
        incident.root_asset == earlier.root_asset
        and incident.cause is not None
        and incident.cause not in _UNINFORMATIVE_CAUSES
        and incident.cause == earlier.cause
    )


# --- the document -----------------------------------------------------------------


def compute_metrics(
    incidents: Sequence[MetricIncident], *, since: datetime | None = None
) -> dict[str, Any]:
    """The metrics document of SPEC section 3.

    ``incidents`` should be the whole history: incidents declared before
    ``since`` are not reported but still make later ones recurring. Drills and
    dismissed incidents are left out of every figure.
    """
    recurring = recurring_ids(incidents)
    reported = [i for i in incidents if i.counts and (since is None or i.declared_at >= since)]
    document = _bucket(reported, recurring)
    document["by_severity"] = _grouped(
        reported, recurring, lambda i: i.severity, always=SEVERITIES, order=_severity_order
    )
    document["by_team"] = _grouped(reported, recurring, lambda i: i.team or NO_TEAM)
    months = _month_range(i.month for i in reported)
    document["by_month"] = _grouped(reported, recurring, lambda i: i.month, always=months)
    return document


def _bucket(incidents: Sequence[MetricIncident], recurring: frozenset[str]) -> dict[str, Any]:
    sources = dict.fromkeys(DETECTION_SOURCES, 0)
    for incident in incidents:
        sources[incident.detection_source] = sources.get(incident.detection_source, 0) + 1
    internal = sum(n for source, n in sources.items() if source not in EXTERNAL_DETECTION)
    return {
        "incidents": len(incidents),
        "ttd": summary([t for i in incidents if (t := i.ttd) is not None]),
        "tta": summary([t for i in incidents if (t := i.tta) is not None]),
        "ttr": summary([t for i in incidents if (t := i.ttr) is not None]),
        "recurring": sum(1 for i in incidents if i.id in recurring),
        "detection_sources": sources,
        "internal_detection_share": internal / len(incidents) if incidents else None,
    }


def _grouped(
    incidents: Sequence[MetricIncident],
    recurring: frozenset[str],
    key: Callable[[MetricIncident], str],
    *,
    always: Sequence[str] = (),
    order: Callable[[str], Any] = str,
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[MetricIncident]] = {name: [] for name in always}
    for incident in incidents:
        groups.setdefault(key(incident), []).append(incident)
    return {name: _bucket(groups[name], recurring) for name in sorted(groups, key=order)}


def _severity_order(severity: str) -> tuple[int, str]:
    known = severity in SEVERITIES
    return (SEVERITIES.index(severity) if known else len(SEVERITIES), severity)


def _month_range(months: Iterable[str]) -> list[str]:
    """Every month from the first to the last given, so a quiet month shows as zero."""
    present = sorted(set(months))
    if not present:
        return []
    year, month = (int(part) for part in present[0].split("-"))
    last = present[-1]
    every: list[str] = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        every.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return every


# --- occurred_at ------------------------------------------------------------------


def estimate_occurred_at(
    check_type: str | None,
    max_age: timedelta | str | None,
    latest_value_time: datetime | None,
    history: Sequence[tuple[datetime, str]],
    declared_at: datetime,
    *,
    given: datetime | None = None,
) -> datetime:
    """When the data went bad, as SPEC section 3 estimates it.

    - ``given`` (what a reporter or a person says) wins;
    - freshness: the moment ``MAX(column) + max_age`` passed;
    - any other check: its last passing run before the failure (the latest
      moment the data was known good), else its first failing run;
    - otherwise (reports, manual declarations, no history): ``declared_at``.

    ``history`` is the check's runs as ``(executed_at, status)``; runs after
    ``declared_at`` are ignored. An estimate is never later than ``declared_at``.

    >>> from datetime import UTC
    >>> t = datetime(2026, 11, 2, 6, tzinfo=UTC)
    >>> estimate_occurred_at("freshness", "26h", t, [], t + timedelta(hours=30)).isoformat()
    '2026-11-03T08:00:00+00:00'
    """
    if given is not None:
        return given
    estimate = declared_at
    if check_type == "freshness" and max_age is not None and latest_value_time is not None:
        age = parse_duration(max_age) if isinstance(max_age, str) else max_age
        estimate = latest_value_time + age
    elif check_type is not None:
        estimate = _from_history(history, declared_at) or declared_at
    return min(estimate, declared_at)


def _from_history(
    history: Sequence[tuple[datetime, str]], declared_at: datetime
) -> datetime | None:
    runs = sorted((at, status) for at, status in history if at <= declared_at)
    failing = [i for i, (_, status) in enumerate(runs) if status == "fail"]
    if not failing:
        return None
    last_failure = failing[-1]
    # The failure is the streak of failing runs ending with the last one.
    passed = [at for at, status in runs[:last_failure] if status == "pass"]
    if passed:
        return passed[-1]
    return runs[failing[0]][0]
