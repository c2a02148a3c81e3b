"""``/api/v1/assets``: assets with their state, details, check history and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from trustwell.web.api.lookups import AssetDep, PageDep
from trustwell.web.api.models import (
    ERRORS,
    LIMITED,
    NOT_FOUND,
    AssetOut,
    AssetState,
    SubscriptionIn,
    SubscriptionOut,
    TrustOut,
)
from trustwell.web.deps import ProjectDep, Reporter, StoreDep, Viewer

if TYPE_CHECKING:
    from trustwell.status.state import AssetDetail
    from trustwell.status.state import AssetState as State

router = APIRouter(tags=["assets"], responses=ERRORS)

Filter = Annotated[str | None, Query(max_length=400)]


def _when(moment: datetime | None) -> str | None:
    from trustwell.clock import isoformat

    return isoformat(moment) if moment else None


def state_json(state: State) -> dict[str, Any]:
    """One asset as ``GET /api/v1/assets`` lists it."""
    return {
        "asset": state.asset,
        "state": state.state,
        "tier": state.tier,
        "owner": state.owner,
        "description": state.description,
        "use_cases": list(state.use_cases),
        "last_run_at": _when(state.last_run_at),
        "failing": list(state.failing),
        "warnings": list(state.warnings),
        "incident": state.incident,
        "reason": state.reason,
    }


def detail_json(detail: AssetDetail) -> dict[str, Any]:
    """``GET /api/v1/assets/{name}``: the state plus checks, lineage, incidents, subscribers."""
    return {
        **state_json(detail.state),
        "schedule": detail.schedule,
        "consumers": list(detail.consumers),
        "upstream": list(detail.upstream),
        "downstream": list(detail.downstream),
        "subscribers": list(detail.subscribers),
        "checks": [
            {
                "name": check.name,
                "type": check.type,
                "latest": check.latest.to_json() if check.latest else None,
                "values": [{"at": _when(at), "value": value} for at, value in check.values],
                "statuses": [{"at": _when(at), "status": status} for at, status in check.statuses],
            }
            for check in detail.checks
        ],
        "incidents": [
            {
                "id": incident.id,
                "status": incident.status,
                "severity": incident.severity,
                "title": incident.title,
                "impact": incident.impact,
                "declared_at": _when(incident.declared_at),
                "resolved_at": _when(incident.resolved_at),
            }
            for incident in detail.incidents
        ],
    }


@router.get("/assets", response_model=list[AssetOut])
def list_assets(
    _: Viewer,
    store: StoreDep,
    project: ProjectDep,
    page: PageDep,
    response: Response,
    state: Annotated[AssetState | None, Query()] = None,
    owner: Filter = None,
    use_case: Filter = None,
    q: Annotated[
        str | None, Query(max_length=400, description="in the name or description, any case")
    ] = None,
) -> list[dict[str, Any]]:
    """Every asset with its state (declaration order); filters combine with AND."""
    from trustwell.status.state import asset_states

    needle = q.strip().lower() if q else None
    chosen = [
        s
        for s in asset_states(store, project)
        if (state is None or s.state == state)
        and (owner is None or s.owner == owner)
        and (use_case is None or use_case in s.use_cases)
        and (not needle or needle in f"{s.asset}\n{s.description or ''}".lower())
    ]
    response.headers["X-Total-Count"] = str(len(chosen))
    return [state_json(s) for s in page.slice(chosen)]


@router.get("/assets/{name}", responses=NOT_FOUND)
def get_asset(_: Viewer, asset: AssetDep, store: StoreDep, project: ProjectDep) -> dict[str, Any]:
    """The asset page as JSON: state, checks with history, lineage, incidents, subscribers."""
    from trustwell.status.detail import asset_detail

    return detail_json(asset_detail(store, project, asset.name))


@router.get("/assets/{name}/trust", response_model=TrustOut, responses=NOT_FOUND)
def asset_trust(
    _: Viewer,
    asset: AssetDep,
    store: StoreDep,
    project: ProjectDep,
    use_case: Annotated[str | None, Query(max_length=400, description="only this use case")] = None,
) -> dict[str, Any]:
    """The trust document: badge, reason, use cases, score with its parts, SLOs (SPEC 5).

    Certification is evaluated first (a changed decision is stored), as by
    ``trustwell certify``. An unknown use case is a 404 naming the nearest one.
    """
    from trustwell.certification.trust import trust_document
    from trustwell.clock import now

    return trust_document(store, project, asset.name, now(), use_case)


@router.get("/assets/{name}/results", responses=NOT_FOUND)
def asset_results(
    _: Viewer,
    asset: AssetDep,
    store: StoreDep,
    check: Annotated[str | None, Query(max_length=400, description="one check's name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[dict[str, Any]]:
    """Stored results of the asset's checks, newest first (``trustwell history``)."""
    from trustwell.store import history, last_results

    if check is not None:
        declared = {c.display_name for c in asset.checks}
        if check not in declared and check not in last_results(store, asset.name):
            from trustwell.config.errors import did_you_mean
            from trustwell.web.errors import ApiError

            hint = did_you_mean(check, declared)
            raise ApiError(404, "not_found", f"{asset.name} has no check '{check}'{hint}")
    return [entry.to_json() for entry in history(store, asset.name, check=check, limit=limit)]


@router.get("/assets/{name}/subscriptions", responses=NOT_FOUND)
def list_subscriptions(
    _: Viewer, asset: AssetDep, store: StoreDep, project: ProjectDep
) -> list[str]:
    """Who is told when the asset becomes untrustworthy (YAML subscribers first)."""
    from trustwell.status.subscriptions import subscribers

    return subscribers(store, project, asset.name)


@router.post(
    "/assets/{name}/subscriptions",
    status_code=201,
    response_model=SubscriptionOut,
    responses={
        **NOT_FOUND,
        **LIMITED,
        200: {"model": SubscriptionOut, "description": "already subscribed"},
    },
)
def add_subscription(
    request: Request,
    principal: Reporter,
    asset: AssetDep,
    body: SubscriptionIn,
    store: StoreDep,
    project: ProjectDep,
    response: Response,
) -> dict[str, Any]:
    """Subscribe an email address to the asset: 201 when new, 200 when it already was.

    The caller is signed in (a token), so the address is trusted at once.
    Rate-limited per token and per asset (``limits:``): 429 with Retry-After.
    """
    from trustwell.status.subscriptions import subscribe, subscribers
    from trustwell.web.limits import check_subscription

    check_subscription(request, caller=principal.name, asset=asset.name)
    outcome = subscribe(store, project, asset.name, body.email, principal.name, vouched=True)
    if not outcome.created:
        response.status_code = 200
    return {
        "asset": asset.name,
        "email": body.email,
        "created": outcome.created,
        "subscribers": subscribers(store, project, asset.name),
    }
