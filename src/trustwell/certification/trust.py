"""The trust document of an asset (SPEC 5): badge, reason, use cases, score and SLOs.

One JSON document answers "can this data be trusted right now?" for a BI
dashboard, the same from ``GET /api/v1/assets/{name}/trust``, the badge
``/badges/NAME.svg`` and ``trustwell certify ASSET --format json``::

    {"asset", "badge": "trusted|limited|untrusted", "reason",
     "use_cases": {"U": {"state", "since", "reasons", "missing", "outcomes"}},
     "score": {"value", "formula_version", "parts": [{"signal", "weight", "value", "detail"}]},
     "slos": [{"name", "objective", "attainment", "budget_left", "burn_rate", ...}],
     "evaluated_at"}

Certification is evaluated first (:func:`~trustwell.certification.service.evaluate`
stores a decision only when it changed), then the current decisions are read
back, so ``since`` is the stored one. The score is computed from the same kind
of evidence (:mod:`.score`), the badge from both (:mod:`.badge`).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustwell.certification.badge import Badge, UseCaseState, badge_for
from trustwell.certification.evidence import gather_in
from trustwell.certification.score import Score, trust_score
from trustwell.certification.service import StoredDecision, current, evaluate
from trustwell.clock import isoformat
from trustwell.errors import NotFound

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.slo.service import SloReport
    from trustwell.store import Store


def trust_document(
    store: Store, project: Project, asset_name: str, now: datetime, use_case: str | None = None
) -> dict[str, Any]:
    """The trust document of one asset; with ``use_case``, for that use case alone.

    Raises :class:`~trustwell.errors.NotFound` (naming the nearest name) for an
    asset or a use case the project does not declare.
    """
    (document,) = trust_documents(store, project, [asset_name], now, use_case)
    return document


def trust_documents(
    store: Store,
    project: Project,
    asset_names: list[str],
    now: datetime,
    use_case: str | None = None,
) -> list[dict[str, Any]]:
    """The trust documents of ``asset_names``, in that order, after one evaluation."""
    assets = [known_asset(project, name) for name in asset_names]
    if use_case is not None:
        known_use_case(project, use_case)
    evaluate(store, project, [a.name for a in assets], now)
    return [_document(store, project, asset, now, use_case) for asset in assets]


def known_asset(project: Project, name: str) -> Asset:
    """The declared asset ``name``; NotFound with the nearest name otherwise."""
    found = project.asset(name)
    if found is None:
        from trustwell.config.errors import did_you_mean

        known = [a.name for a in project.assets]
        raise NotFound(f"unknown asset '{name}'{did_you_mean(name, known)}")
    return found


def known_use_case(project: Project, name: str) -> None:
    """NotFound with the nearest name when the project declares no use case ``name``."""
    if name not in project.settings.use_cases:
        from trustwell.config.errors import did_you_mean

        known = list(project.settings.use_cases)
        raise NotFound(f"unknown use case '{name}'{did_you_mean(name, known)}")


def _document(
    store: Store, project: Project, asset: Asset, now: datetime, use_case: str | None
) -> dict[str, Any]:
    from trustwell.slo.service import asset_slos, to_slo_evidence

    reports = asset_slos(store, project, asset.name, now) if asset.slos else []
    slos = tuple(to_slo_evidence(r) for r in reports)
    evidence = store.read(lambda conn: gather_in(conn, project, asset, now, slos))
    score = trust_score(evidence)
    decisions = _decisions(store, project, asset, use_case)
    states = [UseCaseState(d.use_case, d.state, d.reasons) for d in decisions]
    badge: Badge = badge_for(asset.name, states, score, evidence.open_incidents, use_case)
    return {
        "asset": asset.name,
        "badge": badge.level,
        "reason": badge.reason,
        "use_cases": {d.use_case: _use_case_json(d) for d in decisions},
        "score": score_json(score),
        "slos": [slo_json(r) for r in reports],
        "evaluated_at": isoformat(now),
    }


def _decisions(
    store: Store, project: Project, asset: Asset, use_case: str | None
) -> list[StoredDecision]:
    """The current decision of each use case the asset takes part in now (or of ``use_case``)."""
    taking_part = {u for u in asset.use_cases if u in project.settings.use_cases}
    return [
        d
        for d in current(store, project, asset.name)
        if d.use_case in taking_part and (use_case is None or d.use_case == use_case)
    ]


def _use_case_json(decision: StoredDecision) -> dict[str, Any]:
    return {
        "state": decision.state,
        "since": isoformat(decision.since),
        "reasons": list(decision.reasons),
        "missing": list(decision.missing),
        "outcomes": list(decision.outcomes),
    }


def score_json(score: Score) -> dict[str, Any]:
    """``{"value", "formula_version", "parts": [{"signal", "weight", "value", "detail"}]}``."""
    return {
        "value": score.value,
        "formula_version": score.formula_version,
        "parts": [asdict(p) for p in score.parts],
    }


def slo_json(report: SloReport) -> dict[str, Any]:
    """One SLO as the trust document lists it (an infinite burn rate is null)."""
    burn = report.burn_rate
    return {
        "name": report.name,
        "objective": report.objective,
        "attainment": report.attainment,
        "budget_left": report.budget_left,
        "burn_rate": None if burn is None or not math.isfinite(burn) else burn,
        "window": report.window_text,
        "met": report.met,
        "burning_fast": report.burning_fast,
    }
