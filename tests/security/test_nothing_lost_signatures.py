"""Webhook signatures cover a timestamp: the receiver documented in docs/notifications.md,
run as written, takes a real delivery and refuses tampered, forged and replayed ones."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from nothing_lost_support import DOCS, HOOK_SECRET, hook_settings, python_block, queue

from trustwell.notify.outbox import DeliveryReport, deliver_due, outbox_rows
from trustwell.store import Store


@pytest.fixture
def documented_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, Any]]]:
    """The receiver of docs/notifications.md, exactly as written, on a free port."""
    monkeypatch.setenv("HOOK_SECRET", HOOK_SECRET)
    notifications = DOCS / "notifications.md"
    namespace: dict[str, Any] = {"__name__": "documented_receiver"}
    exec(python_block(notifications, "def verify("), namespace)
    exec(python_block(notifications, "class Hook("), namespace)
    server = ThreadingHTTPServer(("127.0.0.1", 0), namespace["Hook"])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", namespace
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class Recorder(httpx.BaseTransport):
    """Sends over real HTTP and keeps each request as it went out, to replay it."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sent: list[tuple[dict[str, str], bytes, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.sent.append((dict(request.headers), request.read(), response.status_code))
        return response


def test_the_documented_receiver_takes_a_real_delivery_and_refuses_replays_and_tampering(
    sqlite_store: Store, documented_receiver: tuple[str, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("TRUSTWELL_NOW", raising=False)  # signed at the real time
    url, receiver = documented_receiver
    settings = hook_settings(url, secret=HOOK_SECRET)
    [key] = queue(sqlite_store, 1)
    recorder = Recorder()

    assert deliver_due(sqlite_store, settings, transport=recorder) == DeliveryReport(sent=1)
    [(headers, body, status)] = recorder.sent
    assert status == 204 and receiver["seen"] == {key}
    timestamp = int(headers["x-trustwell-timestamp"])
    assert abs(time.time() - timestamp) < 60
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(HOOK_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["x-trustwell-signature"] == f"sha256={expected}"

    def post(changed_headers: dict[str, str], content: bytes) -> int:
        sent = {k: v for k, v in changed_headers.items() if k not in ("content-length", "host")}
        return httpx.post(url, headers=sent, content=content, timeout=10).status_code

    tampered = json.dumps({**json.loads(body), "event": "incident.resolved"}).encode()
    assert post(headers, tampered) == 401
    restamped = {**headers, "x-trustwell-timestamp": str(timestamp + 1)}
    assert post(restamped, body) == 401  # a fresh timestamp needs a fresh signature
    unsigned = {k: v for k, v in headers.items() if k != "x-trustwell-signature"}
    assert post(unsigned, body) == 401
    # The same request replayed six minutes later is refused by the tolerance.
    verify, as_received = receiver["verify"], httpx.Headers(headers)  # case-insensitive
    assert verify(HOOK_SECRET.encode(), as_received, body, now=timestamp + 60) is True
    assert verify(HOOK_SECRET.encode(), as_received, body, now=timestamp + 360) is False
    assert receiver["seen"] == {key}  # nothing above was taken for an event


def test_a_delivery_signed_too_long_ago_is_refused_by_the_documented_receiver_and_retried(
    sqlite_store: Store, documented_receiver: tuple[str, dict[str, Any]]
) -> None:
    url, receiver = documented_receiver
    settings = hook_settings(url, secret=HOOK_SECRET)
    captured_at = datetime.now(UTC) - timedelta(minutes=10)  # e.g. a request held back
    [key] = queue(sqlite_store, 1, at=captured_at)

    assert deliver_due(sqlite_store, settings, captured_at) == DeliveryReport(retried=1)
    assert receiver["seen"] == set()
    [row] = outbox_rows(sqlite_store)
    assert row.status == "pending"  # refused is a failure like any other: it is retried,
    assert deliver_due(sqlite_store, settings) == DeliveryReport(sent=1)  # signed anew, now
    assert receiver["seen"] == {key}
