"""Helpers of test_nothing_lost.py: a webhook receiver that can be down, a warehouse that
only counts who knocks, a live ``trustwell serve``, and a walk through simulated time.

Kept out of conftest.py (tests/security is shared by several modules) and named
uniquely so that the test module imports it by name.
"""

from __future__ import annotations

import random
import re
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from threaded_server import serve_in_thread
from trustwell.config.models import ProjectSettings
from trustwell.notify.messages import OutgoingMessage
from trustwell.notify.outbox import DeliveryReport, deliver_due, enqueue, outbox_rows
from trustwell.store import Store

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HOOK_SECRET = "hook-s3cret-value"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@dataclass(frozen=True)
class Received:
    """One request the receiver answered, and how."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def delivery(self) -> str:
        return self.headers.get("x-trustwell-delivery", "")


class HookReceiver:
    """An HTTP endpoint on 127.0.0.1 that answers 503 while ``down``, else 204."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = 503 if owner.down else 204
                with owner.lock:
                    owner.received.append(
                        Received(status, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.down = False
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def accepted(self) -> list[str]:
        """The X-Trustwell-Delivery of every request answered 2xx, in order."""
        return [r.delivery for r in self.received if r.status < 300]

    def refused(self) -> int:
        return sum(1 for r in self.received if r.status >= 300)

    def __enter__(self) -> HookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class KnockCounter:
    """A TCP port that accepts connections, counts them and hangs up: a warehouse that
    proves whether anyone tried to query it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.knocks = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.knocks += 1
            connection.close()

    def __enter__(self) -> KnockCounter:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self.thread.join(5)
        self.sock.close()


def hook_settings(url: str, **channel: Any) -> ProjectSettings:
    """A project whose only channel is the webhook ``ops``."""
    return ProjectSettings.model_validate(
        {"name": "acme", "channels": {"ops": {"type": "webhook", "url": url, **channel}}}
    )


def queue(store: Store, count: int, at: datetime = T0, channel: str = "ops") -> list[str]:
    """``count`` webhook messages queued at ``at``; their dedupe keys."""
    messages = [
        OutgoingMessage(
            channel=channel,
            channel_type="webhook",
            event="incident.updated",
            incident="INC-1",
            recipient=None,
            subject=f"update {n}",
            text=f"update {n}",
            payload={
                "event": "incident.updated",
                "incident": {"id": "INC-1", "status": "investigating", "update": n},
            },
            discriminator=f"{at.isoformat()}#{n}",
        )
        for n in range(count)
    ]
    store.write(lambda conn: enqueue(conn, messages, at))
    return [m.dedupe_key for m in messages]


def next_due(store: Store) -> datetime | None:
    """The earliest time a pending message is due, or None when none is pending."""
    return min((r.next_attempt_at for r in outbox_rows(store, "pending")), default=None)


def walk(
    store: Store,
    settings: ProjectSettings,
    *,
    until: datetime,
    seed: int,
    before_each: Callable[[datetime], None] = lambda _now: None,
) -> list[tuple[datetime, DeliveryReport]]:
    """Deliver at each moment a message falls due, as ``tick`` would, until nothing is
    pending or ``until`` passes; ``before_each(now)`` sets the world up for that moment."""
    rng = random.Random(seed)
    steps: list[tuple[datetime, DeliveryReport]] = []
    now: datetime | None = T0
    while now is not None and now <= until:
        before_each(now)
        steps.append((now, deliver_due(store, settings, now, rng=rng)))
        now = next_due(store)
    return steps


def python_block(markdown: Path, containing: str) -> str:
    """The first ```python block of ``markdown`` that contains ``containing``."""
    blocks = re.findall(r"```python\n(.*?)```", markdown.read_text(encoding="utf-8"), re.S)
    return next(block for block in blocks if containing in block)


@contextmanager
def live_app(project_dir: Path) -> Iterator[str]:
    """``trustwell serve`` (no scheduler) for ``project_dir`` on a free port; its base URL."""
    from trustwell.web.app import create_app

    app = create_app(project_dir, scheduler=False)
    with serve_in_thread(app) as url:
        yield url


def prometheus_samples(text: str) -> Mapping[str, str]:
    """``{'name{labels}': 'value'}`` of an exposition text."""
    return dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
