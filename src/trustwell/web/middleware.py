"""ASGI middleware of ``trustwell serve``: the request body cap and the access log.

Both are plain ASGI (no Starlette request object), so they run before
routing, before authentication and before a byte of the body is read.

- :class:`BodyLimit` answers 413 at once when ``Content-Length`` announces more
  than the cap, and counts the bytes of a body without one (chunked) as they
  arrive, answering 413 the moment the cap is passed: a 300 MB upload is never
  read, whoever sends it.
- :class:`AccessLog` writes one line per request to the ``trustwell.access``
  logger: client address, who (the token's or session's name, else
  ``anonymous``), method, path with secret query values removed, status and
  duration. Never a token, a cookie or a body.

Both record the client address (:func:`trustwell.web.ratelimit.client_address`)
in the request's state, where the rate limits read it: one answer per request.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from trustwell.redact import MASK
from trustwell.web.ratelimit import Network, client_address

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("trustwell.access")

CLIENT_KEY = "trustwell_client"  # request.state.trustwell_client: the client address
ACTOR_KEY = "trustwell_actor"  # request.state.trustwell_actor: the caller's name
#: Query values worth keeping in the log; every other value is replaced, since
#: a link's ``token=`` (or anything a later route adds) may be a secret.
_PLAIN_QUERY = frozenset(
    {"q", "state", "team", "use_case", "status", "page", "limit", "check", "asset", "month"}
)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def remember_client(scope: Scope, trusted: Sequence[Network]) -> str:
    """The client address of ``scope``, computed once and kept in its state."""
    state = scope.setdefault("state", {})
    found = state.get(CLIENT_KEY)
    if isinstance(found, str):
        return found
    peer = scope.get("client")
    address = client_address(peer[0] if peer else None, _header(scope, b"x-forwarded-for"), trusted)
    state[CLIENT_KEY] = address
    return address


class BodyLimit:
    """Refuse request bodies over ``default`` bytes (``routes``: path prefix → own cap)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int,
        routes: Mapping[str, int] | None = None,
    ) -> None:
        self.app, self.default = app, default
        # Longest prefix first, so /api/v1/lineage/batch can differ from /api/v1/lineage.
        self.routes = sorted((routes or {}).items(), key=lambda item: -len(item[0]))

    def cap_for(self, path: str) -> int:
        return next((cap for prefix, cap in self.routes if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        cap = self.cap_for(path)
        announced = _header(scope, b"content-length")
        if announced is not None:
            if not announced.strip().isdigit():
                await _refuse(send, path, 400, "bad_request", "Content-Length is not a number")
                return
            if int(announced) > cap:
                await _refuse(send, path, 413, "too_large", _too_large(cap))
                return
        seen, refused, started = 0, False, False

        async def counted_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    refused = True
                    if not started:
                        await _refuse(send, path, 413, "too_large", _too_large(cap))
                    # The app sees a client that went away and stops reading.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # our 413 went out already; the app's late answer is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, guarded_send)


def _too_large(cap: int) -> str:
    size = f"{cap // 1024**2} MiB" if cap % 1024**2 == 0 else f"{cap:,} bytes"
    return f"the request body is larger than {size}, the most this server reads"


async def _refuse(send: Send, path: str, status: int, code: str, message: str) -> None:
    if path.startswith("/api/"):
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        kind = b"application/json"
    else:
        body = f"{message[:1].upper()}{message[1:]}.\n".encode()
        kind = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the unread body makes the connection unusable
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AccessLog:
    """One ``trustwell.access`` line per HTTP request (see the module doc)."""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[Network] = ()) -> None:
        self.app, self.trusted = app, tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        client = remember_client(scope, self.trusted)
        status = 500  # what the server answers when the app raises before starting

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        finally:
            millis = (time.monotonic() - started) * 1000
            actor = scope.get("state", {}).get(ACTOR_KEY) or "anonymous"
            access_log.info(
                '%s %s "%s %s" %d %.0fms',
                client,
                _printable(str(actor)),
                _printable(str(scope.get("method", "-"))),
                loggable_target(scope),
                status,
                millis,
            )


def loggable_target(scope: Scope) -> str:
    """The request's path (as sent, still percent-encoded) and its query, secrets replaced.

    >>> loggable_target({"raw_path": b"/unsubscribe", "query_string": b"token=abc"})
    '/unsubscribe?token=***'
    """
    raw = scope.get("raw_path")
    path = (
        bytes(raw).decode("latin-1")
        if raw
        else quote(str(scope.get("path", "")), safe="/:@!$&'()*+,;=-._~")
    )
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    if not query:
        return _printable(path)
    kept = [
        (key, value if key in _PLAIN_QUERY else MASK)
        for key, value in parse_qsl(query, keep_blank_values=True)
    ]
    return _printable(f"{path}?{urlencode(kept, safe='*')}")


def _printable(text: str) -> str:
    """No line breaks or control characters from a request can forge a log line."""
    return "".join(c if c.isprintable() and c not in '"\\' else f"\\x{ord(c):02x}" for c in text)
