"""``/api/v1/runs``: run assets' checks now, as ``trustwell run --asset`` does.

The endpoint is a plain ``def``: FastAPI runs it in its threadpool, so a long
run never blocks the event loop. The run is recorded with the token's name as
its actor, opens or updates incidents like any run, and is on the audit trail.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from trustwell.web.api.lookups import audit
from trustwell.web.api.models import ERRORS, RunIn, RunOut
from trustwell.web.deps import ProjectDep, Responder, StoreDep

router = APIRouter(tags=["runs"], responses=ERRORS)


@router.post("/runs", status_code=201, response_model=RunOut)
def trigger_run(
    principal: Responder, body: RunIn, store: StoreDep, project: ProjectDep
) -> dict[str, Any]:
    """Run the named assets' checks now; answers with the run (``trustwell run --format json``)."""
    from trustwell.checks.service import run_project, select_assets

    names = list(dict.fromkeys(body.assets))
    assets = select_assets(project, names)
    audit(store, principal.name, "run.triggered", ",".join(names)[:400], {"assets": names})
    return run_project(project, assets, actor=principal.name, trigger="api").to_json()
