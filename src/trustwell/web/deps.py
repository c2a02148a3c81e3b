"""Typed FastAPI dependencies: the project, the store, and who is calling.

The API takes ``Authorization: Bearer <token>``: missing or wrong → 401,
insufficient role → 403, and nothing is changed. Pages use a session cookie
opened by logging in with a token; every form carries the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from trustwell.auth.roles import Principal
from trustwell.web.errors import ApiError

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

SESSION_COOKIE = "trustwell_session"


def get_project(request: Request) -> Project:
    project: Project = request.app.state.project
    return project


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def api_principal(request: Request) -> Principal:
    """The bearer token's principal; 401 when missing or unknown."""
    from trustwell.auth.tokens import authenticate

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>")
    principal = authenticate(get_store(request), token.strip())
    if principal is None:
        raise ApiError(401, "unauthorized", "unknown or revoked token")
    remember_actor(request, principal)
    return principal


def remember_actor(request: Request, principal: Principal) -> None:
    """Name the caller in the request's state, for the access log (never the token)."""
    from trustwell.web.middleware import ACTOR_KEY

    setattr(request.state, ACTOR_KEY, principal.name)


def require(role: str) -> Callable[[Principal], Principal]:
    """A dependency that needs at least ``role`` (403 otherwise)."""

    def check(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
        if not principal.can(role):
            raise ApiError(
                403,
                "forbidden",
                f"this needs the {role} role; {principal.name} is a {principal.role}",
            )
        return principal

    return check


def page_session(request: Request) -> tuple[Principal, str] | None:
    """The logged-in principal and the session's CSRF token, if any."""
    from trustwell.auth.tokens import session_principal

    cookie = request.cookies.get(SESSION_COOKIE)
    found = session_principal(get_store(request), cookie) if cookie else None
    if found is not None:
        remember_actor(request, found[0])
    return found


Viewer = Annotated[Principal, Depends(require("viewer"))]
Reporter = Annotated[Principal, Depends(require("reporter"))]
Responder = Annotated[Principal, Depends(require("responder"))]
Admin = Annotated[Principal, Depends(require("admin"))]
ProjectDep = Annotated["Project", Depends(get_project)]
StoreDep = Annotated["Store", Depends(get_store)]
