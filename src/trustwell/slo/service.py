"""An asset's SLOs from the stored check results (no new tables): thin over ``compute``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from trustwell.certification.decide import SloEvidence
from trustwell.durations import parse_duration
from trustwell.slo.compute import Budget, Observation, Sample, check_budget, freshness_budget

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project, Slo
    from trustwell.store import Store

MAX_RESULTS = 100_000  # results read per check and window


@dataclass(frozen=True)
class SloReport:
    """One SLO of an asset at one instant."""

    name: str
    objective: float  # 0..1
    window: timedelta
    window_text: str
    attainment: float | None
    budget_left: float | None
    burn_rate: float | None
    met: bool
    burning_fast: bool
    burning_slow: bool
    samples: int


def asset_slos(store: Store, project: Project, asset: str, now: datetime) -> list[SloReport]:
    """Every SLO of ``asset``, computed over its window ending at ``now``."""
    from trustwell.errors import NotFound

    found = project.asset(asset)
    if found is None:
        raise NotFound(f"no asset {asset!r} in the project")
    return [_report(store, found, slo, now) for slo in found.slos]


def _stored_names(asset: Asset, slo: Slo) -> list[str]:
    if slo.check is not None:
        return [
            c.display_name
            for c in asset.checks
            if slo.check in (c.display_name, getattr(c, "name", None))
        ]
    return [c.display_name for c in asset.checks if c.type == "freshness"]


def _report(store: Store, asset: Asset, slo: Slo, now: datetime) -> SloReport:
    from trustwell.store.service import check_history

    window = parse_duration(slo.window)
    objective = float(slo.objective)
    # one stored result before the window keeps a freshness observation running into it
    entries = [
        e
        for name in _stored_names(asset, slo)
        for e in check_history(store, asset.name, name, MAX_RESULTS)
        if e.executed_at <= now
    ]
    if slo.check is not None:
        inside = [e for e in entries if e.executed_at > now - window]
        samples = [Sample(e.executed_at, e.status == "pass") for e in inside]
        budget: Budget = check_budget(samples, objective, window, now)
        count = len(samples)
    else:
        assert slo.freshness is not None
        obs = [Observation(e.executed_at, e.value) for e in entries if e.value is not None]
        limit = parse_duration(slo.freshness)
        budget = freshness_budget(obs, limit, objective, window, now)
        count = sum(1 for o in obs if o.at > now - window)
    return SloReport(
        name=slo.label,
        objective=objective,
        window=window,
        window_text=slo.window,
        attainment=budget.attainment,
        budget_left=budget.budget_left,
        burn_rate=budget.burn_rate,
        met=budget.met,
        burning_fast=budget.burning_fast,
        burning_slow=budget.burning_slow,
        samples=count,
    )


def to_slo_evidence(report: SloReport) -> SloEvidence:
    """What certification reads of one SLO."""
    return SloEvidence(
        name=report.name,
        met=report.met,
        burning_fast=report.burning_fast,
        attainment=report.attainment,
        objective=report.objective,
    )
