"""``trustwell serve``: the API, the pages and the scheduler in one process."""

from __future__ import annotations

from pathlib import Path

import typer

from trustwell.cli.common import ProjectOption, load_project_or_exit


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
    uvicorn.run(app, host=host, port=port, log_level="warning")
