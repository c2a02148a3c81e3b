"""``trustwell anomaly backtest``: what an asset's anomaly checks would have fired.

Each stored result of an anomaly check is judged again against only the
results stored before it, with the check's parameters as declared now, the
way a run judges its own value: learning until ``min_history`` usable
results, results recorded inside an incident judged but kept out of later
baselines. The store is read once per check
(:func:`trustwell.store.service.flagged_history`); the maths is
:func:`trustwell.checks.anomaly_band.replay`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from trustwell.checks.anomaly_band import Point, replay
from trustwell.checks.types.anomaly import Anomaly, usable
from trustwell.clock import isoformat
from trustwell.config.errors import nearest_names_hint
from trustwell.errors import Invalid, NotFound

if TYPE_CHECKING:
    from datetime import datetime

    from trustwell.config.models import Project
    from trustwell.store import Store

REPLAY_LIMIT = 10_000  # latest stored results replayed per check


class UnknownAnomalyCheck(Invalid):
    """``--check`` names no anomaly check of the asset, or the asset has none."""


class UnknownAsset(NotFound):
    """The asset is not in the project."""


@dataclass(frozen=True)
class Fired:
    """One stored result the check would have failed."""

    executed_at: datetime
    value: float
    low: float
    high: float
    expected: float
    direction: str  # up | down

    def to_json(self) -> dict[str, Any]:
        return {
            "executed_at": isoformat(self.executed_at),
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "expected": self.expected,
            "direction": self.direction,
        }


@dataclass(frozen=True)
class Backtest:
    """The replay of one anomaly check over its stored results."""

    asset: str
    check: Anomaly
    results: int  # stored results with a value of the check's metric
    learning: int  # of them, judged while learning (never fired)
    fired: list[Fired] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        check = self.check
        return {
            "asset": self.asset,
            "check": check.display_name,
            "metric": check.metric_label,
            **check.threshold(),
            "results": self.results,
            "judged": self.results - self.learning,
            "learning": self.learning,
            "fired": [f.to_json() for f in self.fired],
        }


def anomaly_checks(project: Project, asset: str, check: str | None = None) -> list[Anomaly]:
    """The anomaly checks of ``asset`` (only ``check`` if given); errors say what exists."""
    names = [a.name for a in project.assets]
    found = project.asset(asset)
    if found is None:
        raise UnknownAsset(f"unknown asset '{asset}'{nearest_names_hint(asset, names)}")
    chosen = [c for c in found.checks if isinstance(c, Anomaly)]
    if not chosen:
        raise UnknownAnomalyCheck(f"asset '{asset}' has no anomaly check")
    if check is None:
        return chosen
    known = [c.display_name for c in chosen]
    if check not in known:
        hint = nearest_names_hint(check, known)
        raise UnknownAnomalyCheck(f"'{check}' is not an anomaly check of '{asset}'{hint}")
    return [c for c in chosen if c.display_name == check]


def backtest(
    store: Store, project: Project, asset: str, check: str | None = None
) -> list[Backtest]:
    """Replay each chosen anomaly check over its stored results.

    >>> [b.to_json()["fired"] for b in backtest(store, project, "shop.orders")]  # doctest: +SKIP
    [[{'executed_at': '2026-11-22T09:00:00Z', 'value': 20.0, 'low': 91.0, ...}]]
    """
    from trustwell.store.service import flagged_history

    checks = anomaly_checks(project, asset, check)
    zone_name = _timezone(project, asset)
    zone = ZoneInfo(zone_name) if zone_name else None
    reports: list[Backtest] = []
    for chosen in checks:
        flagged = flagged_history(store, asset, chosen.display_name, REPLAY_LIMIT)
        series: list[Point] = []
        keep: list[bool] = []
        for entry, inside in flagged:
            for point in usable([entry], chosen):
                series.append(point)
                keep.append(not inside)
        judged = replay(
            series,
            sensitivity=chosen.sensitivity,
            min_history=chosen.min_history,
            seasonality=chosen.seasonality,
            direction=chosen.direction,
            zone=zone,
            baseline_ok=keep,
        )
        fired = [
            Fired(j.point.at, j.point.value, j.band.low, j.band.high, j.band.expected, j.fired)
            for j in judged
            if j.fired is not None and j.band is not None
        ]
        learning = sum(1 for j in judged if j.band is None)
        reports.append(Backtest(asset, chosen, len(series), learning, fired))
    return reports


def _timezone(project: Project, asset: str) -> str | None:
    """The time zone the asset's warehouse reads timestamps in (None: UTC)."""
    found = project.asset(asset)
    assert found is not None  # anomaly_checks found it
    return project.settings.warehouses[project.warehouse_of(found)].timezone
