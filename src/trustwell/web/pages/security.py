"""Who is looking at a page, CSRF protection for every form, and flash messages.

A logged-in visitor's forms carry the session's CSRF secret
(:func:`trustwell.auth.tokens.open_session`). An anonymous visitor (the public
status page lets anyone report a problem or subscribe) gets a *signed
double-submit* token instead: a random nonce plus an HMAC of it under a
per-application random secret, sent both as the ``trustwell_csrf`` cookie
(HttpOnly, SameSite=Lax) and as the form's hidden ``csrf_token`` field. A POST
is accepted only when the field equals the cookie and the cookie's signature
holds; another site can neither read the cookie nor forge a signed one. The
secret is a service key kept in the store (:mod:`trustwell.store.keys`), made
on first use and read once per process: a form stays valid across a restart
of ``trustwell serve`` and between several processes serving one store.

Flash messages ("INC-7 acknowledged") ride on a signed, short-lived cookie
from the POST to the page it redirects to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from trustwell.auth.roles import Principal
from trustwell.web.deps import SESSION_COOKIE, get_project, get_store

if TYPE_CHECKING:
    from collections.abc import Mapping

CSRF_COOKIE = "trustwell_csrf"
FLASH_COOKIE = "trustwell_flash"
CSRF_FIELD = "csrf_token"
_SECRET_LOCK = threading.Lock()


@dataclass(frozen=True)
class Visitor:
    """Who asks for a page: a session's principal, or nobody (anonymous)."""

    principal: Principal | None
    csrf: str  # the value every form of this page must echo in ``csrf_token``
    new_csrf_cookie: str | None = None  # an anonymous token to set on the response
    public: bool = True  # the project's status page is public

    @property
    def logged_in(self) -> bool:
        return self.principal is not None

    @property
    def name(self) -> str:
        """The actor written on the timeline for this visitor's changes."""
        return self.principal.name if self.principal else "anonymous"

    def can(self, role: str) -> bool:
        return self.principal is not None and self.principal.can(role)

    @property
    def may_report(self) -> bool:
        """Anyone on a public status page; reporter and up otherwise."""
        return self.public or self.can("reporter")


def app_secret(request: Request) -> bytes:
    """The HMAC key of anonymous CSRF tokens and flash cookies (the store's, cached)."""
    from trustwell.store.keys import PAGE_KEY, load_service_key

    state = request.app.state
    secret: bytes | None = getattr(state, "page_secret", None)
    if secret is None:
        with _SECRET_LOCK:
            secret = getattr(state, "page_secret", None)
            if secret is None:
                secret = load_service_key(get_store(request), PAGE_KEY)
                state.page_secret = secret
    return secret


def _sign(secret: bytes, value: str) -> str:
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def _anonymous_token(secret: bytes) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_sign(secret, nonce)}"


def _signed_ok(secret: bytes, token: str | None) -> bool:
    if not token or "." not in token:
        return False
    nonce, _, signature = token.rpartition(".")
    return hmac.compare_digest(_sign(secret, nonce), signature)


def visitor_of(request: Request) -> Visitor:
    """The visitor of ``request``, with a CSRF token for the page's forms."""
    from trustwell.web.deps import page_session

    public = get_project(request).settings.status_page == "public"
    session = page_session(request)
    if session is not None:
        principal, csrf = session
        return Visitor(principal, csrf, public=public)
    secret = app_secret(request)
    cookie = request.cookies.get(CSRF_COOKIE)
    if _signed_ok(secret, cookie):
        assert cookie is not None
        return Visitor(None, cookie, public=public)
    token = _anonymous_token(secret)
    return Visitor(None, token, new_csrf_cookie=token, public=public)


def csrf_ok(request: Request, visitor: Visitor, form: Mapping[str, object]) -> bool:
    """True when the form's ``csrf_token`` is the visitor's (session or signed cookie)."""
    from trustwell.auth.tokens import csrf_matches

    given = form.get(CSRF_FIELD)
    if not isinstance(given, str) or not given:
        return False
    if visitor.principal is not None:
        return csrf_matches(visitor.csrf, given)
    cookie = request.cookies.get(CSRF_COOKIE)
    return (
        cookie is not None
        and _signed_ok(app_secret(request), cookie)
        and hmac.compare_digest(cookie, given)
    )


def login_redirect(request: Request) -> RedirectResponse:
    """Send the visitor to ``/login`` and back to where they were afterwards."""
    from urllib.parse import quote

    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def needs_login(visitor: Visitor) -> bool:
    """A private status page shows nothing to a visitor without a session."""
    return not visitor.public and not visitor.logged_in


def safe_next(target: str | None) -> str:
    """A local path to go back to after logging in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_csrf_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def set_session_cookie(request: Request, response: Response, cookie: str) -> None:
    from trustwell.auth.tokens import SESSION_TTL

    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def close_page_session(request: Request, response: Response) -> None:
    from trustwell.auth.tokens import close_session

    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        close_session(get_store(request), cookie)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
    )


# --- flash messages -------------------------------------------------------------------


def flash(request: Request, response: Response, message: str, kind: str = "success") -> None:
    """Show ``message`` once on the next page this browser loads."""
    payload = base64.urlsafe_b64encode(f"{kind}\n{message}".encode()).decode()
    response.set_cookie(
        FLASH_COOKIE,
        f"{payload}.{_sign(app_secret(request), payload)}",
        max_age=60,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def read_flash(request: Request) -> tuple[str, str] | None:
    """``(kind, message)`` of a pending flash message, if it is genuine."""
    cookie = request.cookies.get(FLASH_COOKIE)
    if not cookie or not _signed_ok(app_secret(request), cookie):
        return None
    payload = cookie.rpartition(".")[0]
    try:
        kind, _, message = base64.urlsafe_b64decode(payload).decode().partition("\n")
    except (ValueError, UnicodeDecodeError):
        return None
    return (kind if kind in ("success", "error") else "success"), message


def redirect_with_flash(
    request: Request, url: str, message: str, kind: str = "success"
) -> RedirectResponse:
    """303 to ``url`` (after a successful POST) with a one-time message."""
    response = RedirectResponse(url, status_code=303)
    flash(request, response, message, kind)
    return response
