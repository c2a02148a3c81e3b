"""The incident room's forms: every incident action of the CLI, as a POST.

Each form needs a responder (or admin) session and the session's CSRF token;
anything else is refused with 403 before anything changes. A successful
action redirects (303) back to the incident with a flash message; an action
the lifecycle refuses shows the domain's message on the incident page (409),
a request that cannot be carried out as asked shows it with 422.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from trustwell.web.deps import get_project, get_store
from trustwell.web.pages.incident_pages import incident_room
from trustwell.web.pages.rendering import csrf_refused, error_page
from trustwell.web.pages.security import Visitor, csrf_ok, redirect_with_flash, visitor_of

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

router = APIRouter(include_in_schema=False)

#: An action: (store, project, incident id, form, visitor) -> the flash message.
Action = Callable[["Store", "Project", str, FormData, Visitor], str]


class FormProblem(ValueError):
    """A form field is missing or malformed (422, shown on the page)."""


def text(form: FormData, name: str, *, required: bool = True, label: str | None = None) -> str:
    value = form.get(name)
    value = value.strip() if isinstance(value, str) else ""
    if required and not value:
        raise FormProblem(f"{label or name.replace('_', ' ').capitalize()} is required.")
    return value


def local_datetime(value: str, zone: str) -> datetime | None:
    """``2026-11-22T11:00`` from a datetime-local field, in the project's zone."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FormProblem(f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def local_day_end(value: str, zone: str) -> datetime | None:
    """A due date from a date field: the end of that day in the project's zone."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise FormProblem(f"{value!r} is not a date (YYYY-MM-DD).") from None
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(zone))


async def perform(request: Request, ident: str, action: Action) -> Response:
    """Check role and CSRF, run ``action``, and answer as the module doc says."""
    from trustwell.engines import EngineError
    from trustwell.incidents.actions import ActionItemError, ActionItemNotFound
    from trustwell.incidents.diagnostics import UnsafeDiagnostic
    from trustwell.incidents.model import IllegalTransition
    from trustwell.incidents.postmortem import PostmortemError
    from trustwell.incidents.records import IncidentNotFound
    from trustwell.incidents.service import IncidentError
    from trustwell.web.api.lookups import incident_number

    visitor = visitor_of(request)
    form = await request.form()
    if not visitor.can("responder"):
        who = (
            f"{visitor.principal.name} is a {visitor.principal.role}"
            if visitor.principal
            else "you are not logged in"
        )
        return error_page(
            request, visitor, 403, "Not allowed", f"This needs the responder role; {who}."
        )
    if not csrf_ok(request, visitor, form):
        return csrf_refused(request, visitor)
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        incident_number(ident)
        message = action(get_store(request), get_project(request), ident, form, visitor)
    except IncidentNotFound as exc:
        return error_page(request, visitor, 404, "Incident not found", str(exc))
    except IllegalTransition as exc:
        return incident_room(request, visitor, ident, error=str(exc), status=409, form=fields)
    except (
        IncidentError,
        ActionItemError,
        ActionItemNotFound,
        PostmortemError,
        FormProblem,
        UnsafeDiagnostic,
        EngineError,
    ) as exc:
        return incident_room(request, visitor, ident, error=str(exc), status=422, form=fields)
    from trustwell.incidents.records import incident_id, parse_incident_id

    return redirect_with_flash(
        request, f"/incidents/{incident_id(parse_incident_id(ident))}", message
    )


# --- the actions -------------------------------------------------------------------


def _ack(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
    from trustwell.incidents.service import acknowledge

    done = acknowledge(store, project, ident, actor=visitor.name)
    return f"{done.id} acknowledged."


def _status(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
    from trustwell.incidents.service import set_status

    done = set_status(store, project, ident, text(form, "status"), actor=visitor.name)
    return f"{done.id} is now {done.status}."


def _update(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
    from trustwell.incidents.service import post_update

    zone = project.settings.timezone
    done = post_update(
        store,
        project,
        ident,
        message=text(form, "message", label="The internal update"),
        public=text(form, "public", required=False) or None,
        eta=local_datetime(text(form, "eta", required=False), zone),
        actor=visitor.name,
    )
    return f"Update posted on {done.id}."


def _assign(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
    from trustwell.incidents.service import assign

    done = assign(store, project, ident, commander=text(form, "commander"), actor=visitor.name)
    return f"{done.commander} is now the Incident Commander of {done.id}."


def _severity(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
    from trustwell.incidents.service import change_severity

    done = change_severity(
        store,
        project,
        ident,
        severity=text(form, "severity"),
        reason=text(form, "reason", required=False) or None,
        actor=visitor.name,
    )
    return f"{done.id} is now {done.severity}."


def _resolve(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
    from trustwell.incidents.service import resolve

    done = resolve(
        store,
        project,
        ident,
        cause=text(form, "cause"),
        summary=text(form, "summary"),
        actor=visitor.name,
    )
    return f"{done.id} resolved."


def _dismiss(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
    from trustwell.incidents.service import dismiss

    done = dismiss(store, project, ident, reason=text(form, "reason"), actor=visitor.name)
    return f"{done.id} dismissed."


def _postmortem(
    store: Store, project: Project, ident: str, form: FormData, visitor: Visitor
) -> str:
    """Draft, save the edited text, or save and complete the post-mortem."""
    from trustwell.incidents.postmortem import (
        complete_postmortem,
        create_or_update_draft,
        load_edited,
        postmortem_path,
    )
    from trustwell.incidents.service import get_incident

    incident = get_incident(store, ident)
    intent = text(form, "intent", required=False) or "draft"
    if intent == "draft":
        create_or_update_draft(store, project, incident.id, visitor.name)
        return f"Post-mortem of {incident.id} drafted."
    body = text(form, "body", label="The post-mortem text").replace("\r\n", "\n") + "\n"
    path = postmortem_path(project, incident.id)
    if not path.is_file():
        create_or_update_draft(store, project, incident.id, visitor.name)
    path.write_text(body, encoding="utf-8")
    load_edited(store, project, incident.id)
    if intent == "complete":
        complete_postmortem(store, project, incident.id, visitor.name)
        return f"Post-mortem of {incident.id} completed."
    return f"Post-mortem of {incident.id} saved."


def _add_action(
    store: Store, project: Project, ident: str, form: FormData, visitor: Visitor
) -> str:
    from trustwell.incidents.actions import add_action
    from trustwell.incidents.records import parse_incident_id

    item = add_action(
        store,
        parse_incident_id(ident),
        text(form, "title", label="The action item's title"),
        text(form, "owner", required=False) or None,
        local_day_end(text(form, "due", required=False), project.settings.timezone),
        actor=visitor.name,
    )
    return f"Action item #{item} added."


def _close_action(item: int) -> Action:
    def close(store: Store, project: Project, ident: str, form: FormData, visitor: Visitor) -> str:
        from trustwell.incidents.actions import close_action
        from trustwell.incidents.records import parse_incident_id

        status = text(form, "status", required=False) or "done"
        # The service refuses another incident's item, for the API too.
        done = close_action(
            store, item, visitor.name, status=status, incident=parse_incident_id(ident)
        )
        return f"Action item #{done.id} {done.status}."

    return close


def _diagnostics(
    store: Store, project: Project, ident: str, form: FormData, visitor: Visitor
) -> str:
    from trustwell.config.errors import ProjectError
    from trustwell.incidents.diagnostics import record_diagnostics, run_diagnostics
    from trustwell.incidents.records import parse_incident_id
    from trustwell.incidents.runbooks import get_runbook, load_runbooks
    from trustwell.incidents.service import IncidentError, get_incident

    incident = get_incident(store, ident)
    try:
        runbook = get_runbook(load_runbooks(project), incident.runbook or "")
    except ProjectError as exc:
        raise IncidentError(f"the runbooks cannot be read: {exc}") from None
    asset = project.asset(incident.root_asset)
    if runbook is None or asset is None:
        raise IncidentError(f"{incident.id} has no runbook to run against a known asset")
    results = run_diagnostics(project, runbook, asset)
    record_diagnostics(store, parse_incident_id(incident.id), visitor.name, results)
    return f"Ran {len(results)} diagnostic step(s) of {runbook.id}; results are on the timeline."


# --- routes ------------------------------------------------------------------------

_ACTIONS: dict[str, Action] = {
    "ack": _ack,
    "status": _status,
    "updates": _update,
    "commander": _assign,
    "severity": _severity,
    "resolve": _resolve,
    "dismiss": _dismiss,
    "postmortem": _postmortem,
    "actions": _add_action,
    "diagnostics": _diagnostics,
}


@router.post("/incidents/{ident}/actions/{item}/close")
async def close_action_item(request: Request, ident: str, item: int) -> Response:
    return await perform(request, ident, _close_action(item))


@router.post("/incidents/{ident}/{action}")
async def incident_action(request: Request, ident: str, action: str) -> Response:
    chosen = _ACTIONS.get(action)
    if chosen is None:
        visitor = visitor_of(request)
        return error_page(request, visitor, 404, "Not found", f"There is no action {action!r}.")
    return await perform(request, ident, chosen)
