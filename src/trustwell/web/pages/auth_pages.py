"""``/login`` (paste an API token, get a session cookie) and ``/logout``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from trustwell.web.deps import get_store
from trustwell.web.pages.rendering import csrf_refused, render
from trustwell.web.pages.security import (
    close_page_session,
    csrf_ok,
    flash,
    safe_next,
    set_session_cookie,
    visitor_of,
)

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    visitor = visitor_of(request)
    return render(request, "login.html", visitor, {"next": safe_next(next), "error": None})


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the token; open a session (HttpOnly, SameSite=Lax, Secure on https)."""
    from trustwell.auth.tokens import authenticate, open_session

    visitor = visitor_of(request)
    form = await request.form()
    if not csrf_ok(request, visitor, form):
        return csrf_refused(request, visitor)
    target = safe_next(str(form.get("next") or "/"))
    token = str(form.get("token") or "").strip()
    store = get_store(request)
    principal = authenticate(store, token) if token else None
    if principal is None:
        return render(
            request,
            "login.html",
            visitor,
            {"next": target, "error": "That token is unknown or has been revoked."},
            status=401,
        )
    cookie, _ = open_session(store, principal)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, cookie)
    flash(request, response, f"Logged in as {principal.name} ({principal.role}).")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    visitor = visitor_of(request)
    form = await request.form()
    if not csrf_ok(request, visitor, form):
        return csrf_refused(request, visitor)
    response = RedirectResponse("/login" if not visitor.public else "/", status_code=303)
    close_page_session(request, response)
    flash(request, response, "Logged out.")
    return response
