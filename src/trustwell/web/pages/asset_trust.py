"""The asset page's trust part: certification per use case, SLO budget charts, badges.

Certification is the latest stored decision of each use case the asset
names (``certification.service.current``), with every requirement's verdict
and evidence as the rule wrote it; a use case not evaluated yet says so.
The rule's sentences name checks, incidents, runs and SLOs only, never a
check's message or an internal text, so every visitor sees them (see
:mod:`trustwell.status.certified`). Each SLO gets its budget burn-down
(:mod:`trustwell.web.pages.budget_chart`). The trust score is shown with
every part of its formula (``certification.score``), never as a bare number.
The badge snippets are what to paste into a dashboard; ``/badges/ASSET.svg``
itself is ``web/badges.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup

if TYPE_CHECKING:
    from trustwell.certification.score import Score
    from trustwell.config.models import Project
    from trustwell.slo.service import SloReport
    from trustwell.store import Store


@dataclass(frozen=True)
class UseCasePanel:
    """One use case on the asset page."""

    use_case: str
    description: str | None
    state: str
    since: datetime | None  # None: not evaluated yet
    decided_at: datetime | None
    reasons: tuple[str, ...]
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # requirement, verdict, detail


@dataclass(frozen=True)
class SloChart:
    report: SloReport
    chart: Markup


def use_case_panels(store: Store, project: Project, asset: str) -> list[UseCasePanel]:
    """Each use case the asset names (and the project defines) with its latest decision."""
    from trustwell.certification.service import current

    declared = project.asset(asset)
    if declared is None:
        return []
    stored = {d.use_case: d for d in current(store, project, asset)}
    panels = []
    for name in declared.use_cases:
        use_case = project.settings.use_cases.get(name)
        if use_case is None:
            continue
        found = stored.get(name)
        description = use_case.description
        if found is None:
            panels.append(UseCasePanel(name, description, "uncertified", None, None, ()))
            continue
        outcomes = [
            {
                "requirement": str(o.get("requirement", "")),
                "verdict": str(o.get("verdict", "")),
                "detail": str(o.get("detail", "")),
            }
            for o in found.outcomes
        ]
        panels.append(
            UseCasePanel(
                name,
                description,
                found.state,
                found.since,
                found.decided_at,
                found.reasons,
                outcomes,
            )
        )
    return panels


def slo_charts(store: Store, project: Project, asset: str, now: datetime) -> list[SloChart]:
    """Every SLO of the asset with its error-budget chart."""
    from trustwell.slo.history import slo_burndowns
    from trustwell.web.pages.budget_chart import budget_chart

    return [
        SloChart(slo.report, budget_chart(asset, slo))
        for slo in slo_burndowns(store, project, asset, now)
    ]


def asset_score(
    store: Store, project: Project, asset: str, now: datetime, slos: list[SloReport]
) -> Score | None:
    """The asset's trust score with its parts (``certification.score``), read only.

    The SLO reports are the charts' own, so they are not computed twice.
    """
    from trustwell.certification.evidence import gather_in
    from trustwell.certification.score import trust_score
    from trustwell.slo.service import to_slo_evidence

    declared = project.asset(asset)
    if declared is None:
        return None
    evidence_slos = tuple(to_slo_evidence(r) for r in slos)
    evidence = store.read(lambda conn: gather_in(conn, project, declared, now, evidence_slos))
    return trust_score(evidence)


def badge_snippets(project: Project, asset: str, use_cases: list[str]) -> list[tuple[str, str]]:
    """(what for, HTML to paste) for the asset's badge and each use case's badge."""
    base = project.settings.base_url.rstrip("/")
    src = f"{base}/badges/{quote(asset, safe='')}.svg"
    out = [("Badge of the asset", f'<img src="{src}" alt="trust badge">')]
    for name in use_cases:
        link = f"{src}?use_case={quote(name, safe='')}"
        out.append((f"Badge for {name}", f'<img src="{link}" alt="trust badge for {name}">'))
    return out
