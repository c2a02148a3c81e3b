"""``/api/v1/reports``: the stakeholder report, answered at once with a reference.

A report on an asset (or a dashboard it feeds) that already has an open
incident on it or upstream is linked to that incident; otherwise it opens one
with detection source ``report``. Either way the answer is 201 with the
reference, the incident (``{"id", "status"}``) and a plain-language message.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Path, Request

from trustwell.web.api.models import ERRORS, LIMITED, NOT_FOUND, ReportCreated, ReportIn
from trustwell.web.deps import ProjectDep, Reporter, StoreDep, Viewer
from trustwell.web.errors import ApiError

if TYPE_CHECKING:
    from trustwell.incidents.reports import ReportView

router = APIRouter(tags=["reports"], responses=ERRORS)

Reference = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,40}$", description="RPT-7KQ2ZD")]


@router.post("/reports", status_code=201, response_model=ReportCreated, responses=LIMITED)
def submit_report(
    request: Request, principal: Reporter, body: ReportIn, store: StoreDep, project: ProjectDep
) -> dict[str, Any]:
    """Report a suspected data problem; linked to a known incident or opening one.

    The caller is signed in (a token), so the contact is trusted at once.
    Rate-limited per token and per asset (``limits:``): 429 with Retry-After,
    nothing stored.
    """
    from trustwell.incidents.reports import resolve_reported_asset, submit_report
    from trustwell.web.limits import check_report, client_of

    try:
        asset = resolve_reported_asset(project, body.asset)
    except ValueError:
        asset = None  # unknown: refused below with the nearest name, counted per caller only
    check_report(request, caller=principal.name, asset=asset)
    try:
        outcome = submit_report(
            store,
            project,
            asset=body.asset,
            description=body.description,
            urgency=body.urgency,
            contact=body.contact,
            occurred_at=body.occurred_at,
            actor=principal.name,
            vouched=True,
            client_address=client_of(request),
        )
    except ValueError as exc:  # an unknown asset (with a "did you mean"), an empty text
        raise ApiError(422, "invalid", str(exc)) from None
    incident = outcome.incident
    return {
        "reference": outcome.reference,
        "incident": {"id": incident.id, "status": incident.status} if incident else None,
        "linked": outcome.linked,
        "message": outcome.message,
    }


@router.get("/reports/{reference}", responses=NOT_FOUND)
def get_report(_: Viewer, reference: Reference, store: StoreDep) -> dict[str, Any]:
    """A report and how its incident moved: public texts only, never the contact."""
    from trustwell.incidents.reports import get_report

    return report_json(get_report(store, reference))


def report_json(view: ReportView) -> dict[str, Any]:
    from trustwell.clock import isoformat

    def when(moment: datetime | None) -> str | None:
        return isoformat(moment) if moment else None

    incident = view.incident
    latest = incident.latest_public_update if incident else None
    return {
        "reference": view.reference,
        "asset": view.asset,
        "description": view.description,
        "urgency": view.urgency,
        "created_at": when(view.created_at),
        "outcome": view.outcome,
        "incident": None
        if incident is None
        else {
            "id": incident.id,
            "status": incident.status,
            "severity": incident.severity,
            "title": incident.title,
            "latest_public_update": latest.public_text if latest else None,
            "next_update_at": when(incident.next_update_at),
            "resolved_at": when(incident.resolved_at),
        },
        "status_history": [
            {
                "at": when(entry.at),
                "status": (entry.data or {}).get("to"),
                "public_text": entry.public_text,
            }
            for entry in view.status_history
        ],
    }
