"""``POST /api/v1/unsubscribe``: stop notices to an address, as the CLI and the e-mail link do.

``{"email", "assets": [...], "reports": [...], "all": false}``: about these
assets (stored subscriptions are deleted; an address listed in YAML gets an
opt-out), about these reports of the address, or everything. It takes the
reporter role, like subscribing: whoever may subscribe an address may
unsubscribe one. Audited; idempotent (the answer lists only what changed now).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from trustwell.web.api.models import ERRORS, NOT_FOUND, UnsubscribedOut, UnsubscribeIn
from trustwell.web.deps import ProjectDep, Reporter, StoreDep
from trustwell.web.errors import ApiError

router = APIRouter(tags=["subscriptions"], responses=ERRORS)


@router.post("/unsubscribe", response_model=UnsubscribedOut, responses=NOT_FOUND)
def unsubscribe(
    principal: Reporter, body: UnsubscribeIn, store: StoreDep, project: ProjectDep
) -> dict[str, Any]:
    """Stop notices to an address about assets, about reports, or all of them."""
    from trustwell.status.subscriptions import unsubscribe_address

    if not (body.assets or body.reports or body.all):
        raise ApiError(422, "invalid", 'say what to stop: "assets", "reports" or "all": true')
    done = unsubscribe_address(
        store,
        project,
        body.email,
        assets=body.assets,
        reports=body.reports,
        everything=body.all,
        actor=principal.name,
    )
    return {
        "email": done.email,
        "assets": done.assets,
        "reports": done.reports,
        "all": done.everything,
    }
