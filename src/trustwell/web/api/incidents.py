"""``/api/v1/incidents``: the incident JSON of the CLI, and every incident action.

Each action calls the same service function as ``trustwell incident …``, with
the token's name as the actor, and answers with the incident as it is now.
Domain errors are mapped in :mod:`trustwell.web.errors`: an illegal
transition is 409 ``illegal_transition``, a refused value 422 ``invalid``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.types import DecoratedCallable

from trustwell.incidents.document import IncidentDocument
from trustwell.incidents.model import STATUS_WORDS
from trustwell.web.api.lookups import IncidentDep, PageDep
from trustwell.web.api.models import (
    CONFLICT,
    ERRORS,
    NOT_FOUND,
    ActionOut,
    AssignIn,
    DeclareIn,
    DismissIn,
    ResolveIn,
    Severity,
    SeverityIn,
    StatusIn,
    UpdateIn,
)
from trustwell.web.deps import ProjectDep, Responder, StoreDep, Viewer

router = APIRouter(tags=["incidents"], responses=ERRORS)


def action(path: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """``POST /incidents/{id}/<path>``: answers with the incident as it is now."""
    return router.post(
        f"/incidents/{{id}}/{path}",
        response_model=IncidentDocument,
        responses={**NOT_FOUND, **CONFLICT},
    )


def _json(snapshot: Any) -> dict[str, Any]:
    from trustwell.incidents.document import incident_json

    return incident_json(snapshot)


@router.get("/incidents", response_model=list[IncidentDocument])
def list_incidents(
    _: Viewer,
    store: StoreDep,
    page: PageDep,
    response: Response,
    status: Annotated[
        str | None,
        Query(
            description="open (every status before resolved), active (open but not yet "
            "monitoring) or one lifecycle status, as `trustwell incident list --status`",
            examples=list(STATUS_WORDS),
            max_length=40,
        ),
    ] = None,
    severity: Annotated[Severity | None, Query()] = None,
) -> list[dict[str, Any]]:
    """Incidents, newest first, as ``trustwell incident list --format json``."""
    from trustwell.incidents.service import incident_page

    total, page_items = incident_page(
        store, status, severity=severity, limit=page.limit, offset=page.offset
    )
    response.headers["X-Total-Count"] = str(total)
    return [_json(item) for item in page_items]


@router.get("/incidents/{id}", response_model=IncidentDocument, responses=NOT_FOUND)
def get_incident(_: Viewer, incident: IncidentDep, store: StoreDep) -> dict[str, Any]:
    """One incident, as ``trustwell incident show ID --format json``."""
    from trustwell.incidents.service import get_incident

    return _json(get_incident(store, incident))


@router.post("/incidents", status_code=201, response_model=IncidentDocument)
def declare_incident(
    principal: Responder, body: DeclareIn, store: StoreDep, project: ProjectDep
) -> dict[str, Any]:
    """Declare an incident by hand (detection source ``manual``)."""
    from trustwell.incidents.service import declare

    return _json(
        declare(
            store,
            project,
            asset=body.asset,
            title=body.title,
            actor=principal.name,
            severity=body.severity,
            occurred_at=body.occurred_at,
        )
    )


@action("ack")
def acknowledge(
    principal: Responder, incident: IncidentDep, store: StoreDep, project: ProjectDep
) -> dict[str, Any]:
    """Acknowledge: the Commander has seen it."""
    from trustwell.incidents.service import acknowledge

    return _json(acknowledge(store, project, incident, actor=principal.name))


@action("status")
def set_status(
    principal: Responder,
    incident: IncidentDep,
    body: StatusIn,
    store: StoreDep,
    project: ProjectDep,
) -> dict[str, Any]:
    """Move along the lifecycle; an illegal transition is a 409."""
    from trustwell.incidents.service import set_status

    return _json(set_status(store, project, incident, body.status, actor=principal.name))


@action("updates")
def post_update(
    principal: Responder,
    incident: IncidentDep,
    body: UpdateIn,
    store: StoreDep,
    project: ProjectDep,
) -> dict[str, Any]:
    """A status update: internal text, optional public text and ETA."""
    from trustwell.incidents.service import post_update

    return _json(
        post_update(
            store,
            project,
            incident,
            message=body.message,
            actor=principal.name,
            public=body.public,
            eta=body.eta,
        )
    )


@action("assign")
def assign(
    principal: Responder,
    incident: IncidentDep,
    body: AssignIn,
    store: StoreDep,
    project: ProjectDep,
) -> dict[str, Any]:
    """Hand the Incident Commander role over and/or change the experts."""
    from trustwell.incidents.service import assign

    return _json(
        assign(
            store,
            project,
            incident,
            commander=body.commander,
            add_smes=body.add_smes,
            remove_smes=body.remove_smes,
            actor=principal.name,
        )
    )


@action("severity")
def change_severity(
    principal: Responder,
    incident: IncidentDep,
    body: SeverityIn,
    store: StoreDep,
    project: ProjectDep,
) -> dict[str, Any]:
    """Change the severity; the change and its reason go on the timeline."""
    from trustwell.incidents.service import change_severity

    return _json(
        change_severity(
            store,
            project,
            incident,
            severity=body.severity,
            actor=principal.name,
            reason=body.reason,
        )
    )


@action("resolve")
def resolve(
    principal: Responder,
    incident: IncidentDep,
    body: ResolveIn,
    store: StoreDep,
    project: ProjectDep,
) -> dict[str, Any]:
    """Resolve with a root-cause category and a summary."""
    from trustwell.incidents.service import resolve

    return _json(
        resolve(
            store, project, incident, cause=body.cause, summary=body.summary, actor=principal.name
        )
    )


@action("dismiss")
def dismiss(
    principal: Responder,
    incident: IncidentDep,
    body: DismissIn,
    store: StoreDep,
    project: ProjectDep,
) -> dict[str, Any]:
    """Dismiss: a false positive, an expected change or a duplicate."""
    from trustwell.incidents.service import dismiss

    return _json(dismiss(store, project, incident, reason=body.reason, actor=principal.name))


@router.post(
    "/incidents/{id}/actions/{item}/done",
    tags=["actions"],
    response_model=ActionOut,
    responses={**NOT_FOUND, **CONFLICT},
)
def close_incident_action(
    principal: Responder,
    incident: IncidentDep,
    item: Annotated[int, Path(ge=1, le=2**31 - 1)],
    store: StoreDep,
    status: Annotated[Literal["done", "cancelled"], Query()] = "done",
) -> dict[str, Any]:
    """Close one of the incident's action items, as the incident page does; another
    incident's item is a 404, a closed one a 409."""
    from trustwell.incidents.actions import close_action
    from trustwell.incidents.records import parse_incident_id

    closed = close_action(
        store, item, principal.name, status=status, incident=parse_incident_id(incident)
    )
    return closed.to_json()
