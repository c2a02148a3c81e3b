"""A real uvicorn server for one test, in a thread, on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve_in_thread(app: Any, *, port: int | None = None, **options: Any) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL.

    ``options`` go to ``uvicorn.Config`` (``log_level`` is ``warning`` unless given);
    ``config`` may be passed whole instead, as ``trustwell serve`` builds it.
    """
    import uvicorn

    port = port or free_port()
    config = options.pop("config", None)
    if config is None:
        # ws="none": no websocket library is imported (their deprecation warnings are errors).
        settings: dict[str, Any] = {"log_level": "warning", "ws": "none"} | options
        config = uvicorn.Config(app, host="127.0.0.1", port=port, **settings)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(20)
