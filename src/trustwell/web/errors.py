"""One place that maps errors to HTTP: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with an HTTP status and a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON of every API error; the message is scrubbed of credentials."""
    from trustwell.redact import scrub

    return {"error": {"code": code, "message": scrub(message)}}


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "too_many_requests",
}


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``.

    Every domain error (:class:`trustwell.errors.TrustwellError`) is answered
    from its own ``http_status`` and ``code``, in this one handler: a store that
    cannot be used mid-request is a 503 ``store_unavailable``, an unknown incident
    a 404, an illegal transition a 409, a refused value a 422.
    """
    from trustwell.errors import TrustwellError

    def respond(
        status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> JSONResponse:
        return JSONResponse(error_body(code, message), status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return respond(exc.status, exc.code, exc.message, headers)

    @app.exception_handler(TrustwellError)
    async def _domain(_: Request, exc: TrustwellError) -> JSONResponse:
        if exc.http_status >= 500:
            # Logged scrubbed (the log record factory scrubs), without a traceback: the
            # message says what is wrong, and the caller gets the same line.
            log.error("%s %s: %s", exc.http_status, exc.code, exc)
        return respond(exc.http_status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return respond(422, "invalid", f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return respond(exc.status_code, _CODES.get(exc.status_code, "error"), str(exc.detail))
