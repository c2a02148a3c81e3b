"""``/incidents`` and ``/incidents/ID``: the incident list and the incident room.

Public visitors see severity, status, affected assets and the public updates
only. A session also shows roles, the runbook, the whole timeline, the
post-mortem and action items; a responder (or admin) also gets the forms of
:mod:`.incident_forms`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from trustwell.incidents.model import (
    CAUSE_CATEGORIES,
    SEVERITIES,
    TRANSITIONS,
    IncidentSnapshot,
    Status,
    TimelineEntry,
)
from trustwell.web.deps import get_project, get_store
from trustwell.web.pages.rendering import error_page, render
from trustwell.web.pages.security import Visitor, login_redirect, needs_login, visitor_of

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.incidents.runbooks import Runbook

router = APIRouter(include_in_schema=False)

STATUS_FILTERS = ("open", "all", *(s.value for s in Status))
#: Past this page the offset would overflow the database's integers; no list is that long.
MAX_PAGE = 1_000_000


@router.get("/incidents")
def incidents_list(request: Request, status: str = "open", page: int = 1) -> Response:
    from trustwell.web.pages.queries import PAGE_SIZE, incident_page

    visitor = visitor_of(request)
    if needs_login(visitor):
        return login_redirect(request)
    if status not in STATUS_FILTERS:
        return error_page(
            request,
            visitor,
            400,
            "Unknown filter",
            f"There is no status {status!r}; use one of {', '.join(STATUS_FILTERS)}.",
        )
    page = min(max(1, page), MAX_PAGE)
    found, total = incident_page(get_store(request), status, page)
    return render(
        request,
        "incidents.html",
        visitor,
        {
            "incidents": found,
            "status": status,
            "statuses": STATUS_FILTERS,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "total": total,
        },
    )


@router.get("/incidents/{ident}")
def incident_detail(request: Request, ident: str) -> Response:
    visitor = visitor_of(request)
    if needs_login(visitor):
        return login_redirect(request)
    return incident_room(request, visitor, ident)


def incident_room(
    request: Request,
    visitor: Visitor,
    ident: str,
    *,
    error: str | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> Response:
    """Render ``/incidents/ID``, optionally with an error from a refused action."""
    from trustwell.incidents.records import IncidentNotFound
    from trustwell.incidents.service import get_incident
    from trustwell.web.api.lookups import incident_number

    try:
        incident_number(ident)
        incident = get_incident(get_store(request), ident)
    except IncidentNotFound as exc:
        return error_page(request, visitor, 404, "Incident not found", str(exc))
    context = incident_context(request, visitor, incident)
    context.update({"error": error, "form": form or {}})
    return render(request, "incident.html", visitor, context, status=status)


def visible_timeline(incident: IncidentSnapshot, visitor: Visitor) -> list[TimelineEntry]:
    """Everything for a session; only entries with a public text for the public."""
    if visitor.logged_in:
        return list(incident.timeline)
    return [e for e in incident.timeline if e.public_text]


def incident_context(
    request: Request, visitor: Visitor, incident: IncidentSnapshot
) -> dict[str, Any]:
    project = get_project(request)
    by_impact: dict[str, list[str]] = defaultdict(list)
    for affected in incident.assets:
        by_impact[affected.impact].append(affected.asset)
    latest = incident.latest_public_update
    eta = None
    # An expected fix is news only while the incident is open: once resolved (or
    # dismissed) the last ETA given is history, and showing it would mislead.
    for entry in reversed(incident.timeline if incident.is_open else []):
        if entry.kind == "update" and entry.data and entry.data.get("eta"):
            eta = entry.data["eta"]
            break
    context: dict[str, Any] = {
        "incident": incident,
        "impacts": [
            (k, by_impact[k]) for k in ("root", "upstream", "downstream") if k in by_impact
        ],
        "timeline": list(reversed(visible_timeline(incident, visitor))),
        "latest_public": latest,
        "eta": _parse(eta),
        "runbook": None,
        "postmortem": None,
        "actions": [],
        "responder": visitor.can("responder"),
    }
    if visitor.logged_in:
        context["runbook"] = _runbook(project, incident.runbook)
        from trustwell.incidents.actions import list_actions
        from trustwell.incidents.records import parse_incident_id
        from trustwell.web.pages.queries import postmortem_of

        store = get_store(request)
        context["postmortem"] = postmortem_of(store, project, incident)
        context["actions"] = list_actions(store, incident=parse_incident_id(incident.id))
    if visitor.can("responder"):
        current = Status(incident.status)
        context["next_statuses"] = sorted(
            s.value for s in TRANSITIONS[current] if s not in (Status.resolved, Status.dismissed)
        )
        context["can_resolve"] = Status.resolved in TRANSITIONS[current]
        context["can_dismiss"] = Status.dismissed in TRANSITIONS[current]
        context["can_ack"] = Status.acknowledged in TRANSITIONS[current]
        context["severities"] = SEVERITIES
        context["causes"] = CAUSE_CATEGORIES
        context["people"] = sorted(
            set(project.settings.people)
            | {m for team in project.settings.teams.values() for m in team.members}
        )
    return context


def _parse(value: object) -> datetime | None:
    from trustwell.clock import parse_timestamp

    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        return None


def _runbook(project: Project, runbook_id: str | None) -> Runbook | None:
    """The incident's runbook (None if it has none or the files are broken)."""
    if not runbook_id:
        return None
    from trustwell.config.errors import ProjectError
    from trustwell.incidents.runbooks import get_runbook, load_runbooks

    try:
        return get_runbook(load_runbooks(project), runbook_id)
    except ProjectError:
        return None
