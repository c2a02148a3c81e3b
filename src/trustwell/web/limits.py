"""Rate limits of the public forms: reports and subscriptions, per caller and per asset.

The routes call :func:`check_report` or :func:`check_subscription` before any
work; a refusal is :class:`RateLimited`, answered 429 with ``Retry-After``
(JSON in the API, a page for the forms), with nothing stored or queued.

The caller is the token's or the session's name when someone is signed in
(so colleagues behind one office address do not share a budget, and a token
cannot dodge it by changing address), else the client address: the socket
peer, or ``X-Forwarded-For`` read from the right when the peer is one of
``limits.trusted_proxies``. Counts are kept per process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from trustwell.web.middleware import remember_client
from trustwell.web.ratelimit import SlidingWindowLimiter, retry_text

if TYPE_CHECKING:
    from trustwell.config.limits import Limits, Rate


class RateLimited(Exception):
    """A request over a rate limit: 429, ``Retry-After: retry_after``."""

    def __init__(self, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.retry_after, self.message = retry_after, message

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def install(app: FastAPI) -> None:
    """A limiter for the application, and the API's answer to :class:`RateLimited`."""
    app.state.limiter = SlidingWindowLimiter()

    @app.exception_handler(RateLimited)
    async def _limited(_: Request, exc: RateLimited) -> JSONResponse:
        body = {"error": {"code": "too_many_requests", "message": exc.message}}
        return JSONResponse(body, status_code=429, headers=exc.headers)


def client_of(request: Request) -> str:
    """The client address of the request (see the module doc)."""
    return remember_client(request.scope, _limits(request).proxies)


def check_report(request: Request, *, caller: str | None, asset: str | None) -> None:
    """Count a report by ``caller`` (None: anonymous) on ``asset``; raise RateLimited if over."""
    _check(request, "report", "reports", caller=caller, asset=asset)


def check_subscription(request: Request, *, caller: str | None, asset: str | None) -> None:
    """Count a subscription by ``caller`` (None: anonymous) to ``asset``; raise RateLimited."""
    _check(request, "subscription", "subscriptions", caller=caller, asset=asset)


def _check(
    request: Request, kind: str, plural: str, *, caller: str | None, asset: str | None
) -> None:
    limits = _limits(request)
    who = f"name:{caller}" if caller else f"address:{client_of(request)}"
    per_client, per_asset = limits.rate(f"{plural}_per_client"), limits.rate(f"{plural}_per_asset")
    wanted: list[tuple[str, Rate | None]] = [(f"{kind}:{who}", per_client)]
    if asset:
        wanted.append((f"{kind}:asset:{asset}", per_asset))
    limiter: SlidingWindowLimiter = request.app.state.limiter
    refused = limiter.hit(wanted)
    if refused is None:
        return
    wait = retry_text(refused.retry_after)
    if refused.key.startswith(f"{kind}:asset:") and per_asset is not None:
        message = (
            f"Too many {plural} for {asset} right now (at most {_per(per_asset, plural)}"
            f" from everyone). Please try again in {wait}."
        )
    else:
        assert per_client is not None  # only an active rate refuses
        message = (
            f"Too many {plural} from you (at most {_per(per_client, plural)})."
            f" Please try again in {wait}."
        )
    raise RateLimited(refused.retry_after, message)


def _per(rate: Rate, plural: str) -> str:
    """``5 reports in 10 minutes``."""
    noun = plural if rate.count != 1 else plural[:-1]
    return f"{rate.count} {noun} in {retry_text(int(rate.window.total_seconds()))}"


def _limits(request: Request) -> Limits:
    from trustwell.web.deps import get_project

    return get_project(request).settings.limits
