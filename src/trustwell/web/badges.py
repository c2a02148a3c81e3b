"""``GET /badges/{name}.svg``: the confidence badge a BI dashboard embeds (SPEC 5).

"trust | Trusted" (or Limited, Untrusted) with the reason in its ``<title>``,
from the asset's trust document (:mod:`trustwell.certification.trust`);
``?use_case=U`` for one use case. Who may see it follows the status page:
with ``status_page: public`` (the default) anyone, like the status page
itself; with ``status_page: private`` a viewer's ``Authorization: Bearer``
token or a page session (a token in the query string is not accepted: it
would end up in dashboards' HTML and in logs). A refused caller gets 401
before the asset is looked up, so it learns nothing about what exists.
Answers may be cached for 60 seconds (privately only, on a private page).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from trustwell.web.deps import get_project, get_store
from trustwell.web.errors import ApiError

router = APIRouter(include_in_schema=False)

#: The badge's own policy: nothing runs, nothing loads; the inline attributes are styling.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _allowed(request: Request) -> None:
    """Anyone on a public status page; on a private one a viewer (token or session)."""
    from trustwell.web.deps import api_principal, page_session

    if get_project(request).settings.status_page == "public":
        return
    if request.headers.get("authorization"):
        api_principal(request)  # 401 for a missing or wrong token; every role may view
    elif page_session(request) is None:
        raise ApiError(401, "unauthorized", "this status page is private: send a viewer token")


@router.get("/badges/{name}.svg")
def badge(
    request: Request,
    name: Annotated[str, Path(min_length=1, max_length=400)],
    use_case: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    """The badge of asset ``name`` (404 for an unknown asset or use case)."""
    from trustwell.certification.badge_svg import badge_svg
    from trustwell.certification.trust import trust_document
    from trustwell.clock import now
    from trustwell.redact import scrub

    _allowed(request)
    project = get_project(request)
    document = trust_document(get_store(request), project, name, now(), use_case)
    public = project.settings.status_page == "public"
    return Response(
        badge_svg(document["badge"], scrub(document["reason"])),
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "max-age=60" if public else "private, max-age=60",
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )
