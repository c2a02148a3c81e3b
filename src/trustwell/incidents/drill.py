"""Drills: a simulated incident walked through the whole workflow.

Everything a real incident does happens (roles from the rotation, runbook,
timeline, messages through the outbox), marked ``[DRILL]`` everywhere and left
out of metrics, so a team can rehearse before the real fire drill.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from trustwell.incidents import service
from trustwell.incidents.model import IncidentSnapshot

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

Step = Callable[[str, IncidentSnapshot], None]


def run_drill(
    store: Store,
    project: Project,
    *,
    asset: str,
    severity: str,
    actor: str,
    on_step: Step | None = None,
) -> IncidentSnapshot:
    """Declare, acknowledge, investigate, update, identify, monitor, resolve and close."""

    def step(label: str, incident: IncidentSnapshot) -> IncidentSnapshot:
        if on_step:
            on_step(label, incident)
        return incident

    incident = step(
        "declared",
        service.declare(
            store,
            project,
            asset=asset,
            severity=severity,
            actor=actor,
            drill=True,
            title=f"Drill: simulated {severity} incident on {asset}",
        ),
    )
    commander = incident.commander or actor
    ident = incident.id
    step("acknowledged", service.acknowledge(store, project, ident, actor=commander))
    step(
        "investigating", service.set_status(store, project, ident, "investigating", actor=commander)
    )
    step(
        "update posted",
        service.post_update(
            store,
            project,
            ident,
            actor=commander,
            message="Drill: checking the runbook's diagnostics.",
            public=f"[DRILL] This is a drill on {asset}: no data is affected.",
        ),
    )
    step("identified", service.set_status(store, project, ident, "identified", actor=commander))
    step("monitoring", service.set_status(store, project, ident, "monitoring", actor=commander))
    step(
        "resolved",
        service.resolve(
            store, project, ident, cause="unknown", summary="Drill completed.", actor=commander
        ),
    )
    return step("closed", service.set_status(store, project, ident, "closed", actor=commander))
