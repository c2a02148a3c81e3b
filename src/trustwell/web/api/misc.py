"""``/api/v1/actions``, ``/api/v1/metrics`` and ``/api/v1/outbox`` (list, retry dead)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from trustwell.web.api.lookups import PageDep, audit
from trustwell.web.api.models import CONFLICT, ERRORS, NOT_FOUND, ActionIn, ActionOut
from trustwell.web.deps import Admin, ProjectDep, Responder, StoreDep, Viewer
from trustwell.web.errors import ApiError

router = APIRouter(responses=ERRORS)

ActionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
OutboxId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/actions", tags=["actions"], response_model=list[ActionOut])
def list_actions(
    _: Viewer,
    store: StoreDep,
    page: PageDep,
    response: Response,
    open: Annotated[bool, Query(description="only items still open")] = False,
) -> list[dict[str, Any]]:
    """Action items: open ones first by due date, then the rest newest first."""
    from trustwell.incidents.actions import list_actions

    items = list_actions(store, open_only=open)
    response.headers["X-Total-Count"] = str(len(items))
    return [item.to_json() for item in page.slice(items)]


@router.post(
    "/actions", tags=["actions"], status_code=201, response_model=ActionOut, responses=NOT_FOUND
)
def add_action(principal: Responder, body: ActionIn, store: StoreDep) -> dict[str, Any]:
    """Add an action item, of an incident (on its timeline) or on its own (audit trail)."""
    import sqlalchemy as sa

    from trustwell.incidents.actions import add_action, get_action_or_raise
    from trustwell.incidents.records import parse_incident_id

    number = parse_incident_id(body.incident) if body.incident else None
    item_id = add_action(store, number, body.title, body.owner, body.due_at, principal.name)
    if number is None:
        audit(store, principal.name, "action.added", f"#{item_id}", {"title": body.title})

    def read(conn: sa.Connection) -> dict[str, Any]:
        return get_action_or_raise(conn, item_id).to_json()

    return store.read(read)


@router.post(
    "/actions/{id}/done",
    tags=["actions"],
    response_model=ActionOut,
    responses={**NOT_FOUND, **CONFLICT},
)
def close_action(
    principal: Responder,
    id: ActionId,
    store: StoreDep,
    status: Annotated[Literal["done", "cancelled"], Query()] = "done",
) -> dict[str, Any]:
    """Close an open action item as done (or ``?status=cancelled``); 409 if it is closed."""
    from trustwell.incidents.actions import close_action

    item = close_action(store, id, principal.name, status=status)
    if item.incident is None:
        audit(store, principal.name, f"action.{status}", f"#{id}")
    return item.to_json()


@router.get("/metrics", tags=["metrics"])
def incident_metrics(
    _: Viewer,
    store: StoreDep,
    project: ProjectDep,
    since: Annotated[
        str | None,
        Query(max_length=40, description="YYYY-MM-DD (project timezone) or an ISO timestamp"),
    ] = None,
) -> dict[str, Any]:
    """The JSON of ``trustwell metrics``: TTD/TTA/TTR, recurrence, detection sources."""
    from trustwell.clock import parse_since
    from trustwell.metrics.service import incident_metrics

    start = None
    if since is not None:
        try:
            start = parse_since(since, project.settings.timezone)
        except (ValueError, OverflowError):
            raise ApiError(
                422, "invalid", f"since: {since!r} is not a date (YYYY-MM-DD) or an ISO timestamp"
            ) from None
    return incident_metrics(store, project, since=start)


@router.get("/outbox", tags=["outbox"])
def outbox(
    _: Admin,
    store: StoreDep,
    status: Annotated[Literal["pending", "sent", "dead"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Outgoing messages, newest first (``trustwell outbox``); admins only."""
    from trustwell.notify.outbox import outbox_rows

    return [row.to_json() for row in outbox_rows(store, status, limit=limit)]


@router.post("/outbox/{id}/retry", tags=["outbox"], responses={**NOT_FOUND, **CONFLICT})
def retry_outbox(principal: Admin, id: OutboxId, store: StoreDep) -> dict[str, Any]:
    """Requeue a dead message, due at once (``trustwell outbox retry``); admins only.

    404 for an unknown id, 409 when the message is not dead. The requeue is on
    the audit trail under the token's name.
    """
    from trustwell.notify.outbox_rows import outbox_row, retry_dead

    row = outbox_row(store, id)
    if row is None:
        raise ApiError(404, "not_found", f"no outbox message {id}")
    if not retry_dead(store, [id], actor=principal.name):
        raise ApiError(409, "conflict", f"outbox message {id} is {row.status}, not dead")
    requeued = outbox_row(store, id)
    assert requeued is not None  # rows are never deleted
    return requeued.to_json()
