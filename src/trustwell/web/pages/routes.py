"""The pages' one router (included by :func:`trustwell.web.app.create_app`).

Static files (one stylesheet) are served by a small route here rather than a
``StaticFiles`` mount, so the app factory needs nothing but this router.
"""

from __future__ import annotations

import re
from importlib.resources import files

from fastapi import APIRouter
from starlette.responses import Response

from trustwell.web.pages import (
    address_pages,
    api_docs,
    auth_pages,
    incident_forms,
    incident_pages,
    report_pages,
    review_page,
    status_pages,
)

router = APIRouter(include_in_schema=False)
for _module in (
    status_pages,
    incident_pages,
    incident_forms,
    report_pages,
    review_page,
    auth_pages,
    address_pages,
    api_docs,
):
    router.include_router(_module.router)

_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(css|svg|png|ico)$")
_TYPES = {
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
}


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """A file of ``trustwell/web/static`` (flat, by name; nothing else is reachable)."""
    match = _STATIC_NAME.match(name)
    resource = files("trustwell.web") / "static" / name
    if match is None or not resource.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(
        resource.read_bytes(),
        media_type=_TYPES[match.group(1)],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
