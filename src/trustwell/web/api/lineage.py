"""``GET /api/v1/lineage``: an asset's lineage, the same document as ``trustwell lineage``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from trustwell.web.api.models import ERRORS, NOT_FOUND
from trustwell.web.deps import ProjectDep, StoreDep, Viewer

router = APIRouter(tags=["lineage"], responses=ERRORS)


@router.get("/lineage", responses=NOT_FOUND)
def get_lineage(
    _: Viewer,
    store: StoreDep,
    project: ProjectDep,
    asset: Annotated[str, Query(min_length=1, max_length=400, description="the asset's name")],
    direction: Annotated[
        Literal["upstream", "downstream"], Query(description="upstream or downstream")
    ],
    depth: Annotated[int | None, Query(ge=1, le=1000, description="at most this many hops")] = None,
) -> dict[str, Any]:
    """The nodes upstream or downstream of ``asset`` (hop distance, tier, owner, consumers,
    state) and the edges between them with the origins that reported each."""
    from trustwell.lineage.report import lineage_document

    return lineage_document(store, project, asset, direction, depth)
