"""Real servers on 127.0.0.1 for the notification tests: an HTTP receiver (webhooks and
Slack), a Jira REST fake, and an SMTP sink. Started and stopped by fixtures in conftest.py."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client killed mid-request (the crash test) is expected, not an error


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    owner: HTTPServerBase

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            self.rfile.read(length) if length else b"",
        )
        status, body = self.owner.handle(request)
        data = json.dumps(body).encode() if body is not None else b""
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = _serve


class HTTPServerBase:
    """A threaded HTTP server on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        handler = type("Handler", (_Handler,), {"owner": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.lock = threading.Lock()
        self.requests: list[Request] = []

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def handle(self, request: Request) -> tuple[int, Any]:
        raise NotImplementedError


class Receiver(HTTPServerBase):
    """Records every request; answers from ``script`` (status codes) first, then 200.

    ``hang_on=N`` makes the N-th request (1-based) wait until :meth:`release`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.script: deque[int] = deque()
        self.hang_on: int | None = None
        self.hanging = threading.Event()
        self.released = threading.Event()

    def handle(self, request: Request) -> tuple[int, Any]:
        with self.lock:
            self.requests.append(request)
            number = len(self.requests)
            status = self.script.popleft() if self.script else 200
        if number == self.hang_on:
            self.hanging.set()
            self.released.wait(30)
        return status, {"ok": status < 300}

    def release(self) -> None:
        self.released.set()

    def stop(self) -> None:
        self.release()
        super().stop()

    def deliveries(self) -> list[str]:
        """The X-Trustwell-Delivery header of every request received, in order."""
        return [r.headers.get("x-trustwell-delivery", "") for r in self.requests]


@dataclass
class Issue:
    key: str
    fields: dict[str, Any]
    status: str = "Open"
    comments: list[str] = field(default_factory=list)


#: The fake's workflow: from a status, the transitions offered.
WORKFLOW = {
    "Open": [("11", "Start", "In Progress"), ("21", "Resolve", "Resolved")],
    "In Progress": [("21", "Resolve", "Resolved"), ("41", "Won't do", "Won't Do")],
    "Resolved": [("31", "Close", "Closed"), ("51", "Reopen", "In Progress")],
    "Closed": [],
    "Won't Do": [],
}


class JiraFake(HTTPServerBase):
    """The few Jira REST v2 endpoints trustwell uses, with Bearer token auth."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.issues: dict[str, Issue] = {}

    def handle(self, request: Request) -> tuple[int, Any]:
        with self.lock:
            self.requests.append(request)
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return 401, {"errorMessages": ["unauthorized"]}
            return self._route(request)

    def _route(self, request: Request) -> tuple[int, Any]:
        path = request.path.split("?", 1)[0]
        if request.method == "POST" and path == "/rest/api/2/issue":
            fields = request.json()["fields"]
            key = f"{fields['project']['key']}-{len(self.issues) + 1}"
            self.issues[key] = Issue(key, fields)
            return 201, {"id": str(len(self.issues)), "key": key}
        if request.method == "GET" and path == "/rest/api/2/search":
            label = re.search(r'labels = "([^"]+)"', _unquote(request.path))
            wanted = label.group(1) if label else None
            found = [i for i in self.issues.values() if wanted in i.fields.get("labels", [])]
            return 200, {"issues": [{"key": i.key} for i in found]}
        match = re.fullmatch(r"/rest/api/2/issue/([A-Z]+-\d+)(/transitions|/comment)?", path)
        if not match or match.group(1) not in self.issues:
            return 404, {"errorMessages": ["not found"]}
        issue, tail = self.issues[match.group(1)], match.group(2)
        if tail == "/transitions" and request.method == "GET":
            options = [
                {"id": i, "name": name, "to": {"name": to}}
                for i, name, to in WORKFLOW[issue.status]
            ]
            return 200, {"transitions": options}
        if tail == "/transitions" and request.method == "POST":
            wanted_id = request.json()["transition"]["id"]
            target = next((to for i, _, to in WORKFLOW[issue.status] if i == wanted_id), None)
            if target is None:
                return 400, {"errorMessages": ["transition not allowed"]}
            issue.status = target
            return 204, None
        if tail == "/comment" and request.method == "POST":
            issue.comments.append(request.json()["body"])
            return 201, {"id": str(len(issue.comments))}
        if tail is None and request.method == "PUT":
            issue.fields.update(request.json()["fields"])
            return 204, None
        return 405, None


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


class SMTPSink:
    """An aiosmtpd server on a free port of 127.0.0.1 that keeps every message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
