"""``trustwell serve``: the API, the pages and the scheduler in one process.

uvicorn's own access log is off (it prints query strings, where signed links
carry their tokens); trustwell's (``trustwell.access``, one line per request,
no token, cookie or body) goes to stderr instead. uvicorn's proxy-header
handling is off too: ``X-Forwarded-For`` is honoured only from the proxies
named in ``limits.trusted_proxies`` (:mod:`trustwell.web.limits`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from trustwell.cli.common import ProjectOption, load_project_or_exit

if TYPE_CHECKING:
    import uvicorn


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    project: Path = ProjectOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    no_scheduler: bool = typer.Option(
        False, "--no-scheduler", help="Serve only; run no scheduled checks or ticks."
    ),
) -> None:
    """Serve the status page, the incident pages, the API and the scheduler."""
    import uvicorn

    from trustwell.web.app import create_app

    load_project_or_exit(project)  # invalid project: exit 2 with every problem, as everywhere
    app = create_app(project, scheduler=not no_scheduler)
    log_access_to_stderr()
    uvicorn.Server(uvicorn_config(app, host, port)).run()


def uvicorn_config(app: Any, host: str, port: int, **overrides: Any) -> uvicorn.Config:
    """How ``serve`` runs uvicorn (tests start the same server in a thread)."""
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,  # ours replaces it: see the module doc
        "proxy_headers": False,  # limits.trusted_proxies decides, not uvicorn
        **overrides,
    }
    return uvicorn.Config(app, **options)


def log_access_to_stderr() -> None:
    """Send ``trustwell.access`` lines to stderr (once, however often it is called)."""
    import logging
    import sys

    logger = logging.getLogger("trustwell.access")
    if not any(getattr(h, "trustwell_access", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s access %(message)s"))
        handler.trustwell_access = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
