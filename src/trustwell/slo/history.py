"""Each SLO of an asset with its budget burn-down, for the asset page's charts.

Reads the same stored results as :func:`trustwell.slo.service.asset_slos`
(one history read per check the SLO counts) and draws nothing:
:mod:`trustwell.slo.burndown` computes the points, the page draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from trustwell.durations import parse_duration
from trustwell.slo.burndown import BudgetPoint, check_burndown, freshness_burndown
from trustwell.slo.compute import Observation, Sample
from trustwell.slo.service import MAX_RESULTS, SloReport, _report, _stored_names

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store


@dataclass(frozen=True)
class SloBurndown:
    """One SLO now (:class:`SloReport`) and its budget left over its window."""

    report: SloReport
    points: list[BudgetPoint]


def slo_burndowns(store: Store, project: Project, asset: str, now: datetime) -> list[SloBurndown]:
    """Every SLO of ``asset`` with its burn-down over the window ending at ``now``."""
    from trustwell.errors import NotFound
    from trustwell.store.service import check_history

    found = project.asset(asset)
    if found is None:
        raise NotFound(f"no asset {asset!r} in the project")
    out = []
    for slo in found.slos:
        window = parse_duration(slo.window)
        objective = float(slo.objective)
        entries = [
            e
            for name in _stored_names(found, slo)
            for e in check_history(store, found.name, name, MAX_RESULTS)
            if e.executed_at <= now
        ]
        if slo.check is not None:
            samples = [Sample(e.executed_at, e.status == "pass") for e in entries]
            points = check_burndown(samples, objective, window, now)
        else:
            assert slo.freshness is not None
            obs = [Observation(e.executed_at, e.value) for e in entries if e.value is not None]
            limit = parse_duration(slo.freshness)
            points = freshness_burndown(obs, limit, objective, window, now)
        out.append(SloBurndown(_report(store, found, slo, now), points))
    return out
