"""``trustwell demo [DIR]``: build the pilot warehouse and play the story, from the silent
failure to the resolved incident, its post-mortem draft and the metrics."""

from __future__ import annotations

from pathlib import Path

import typer

from trustwell.cli.common import EXIT_FAILED, EXIT_OK, fail_invalid, print_error
from trustwell.cli.project_cmds import FolderProjectOption, one_folder

DEFAULT_DIR = Path("trustwell-demo")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)


def demo_command(
    directory: Path | None = typer.Argument(
        None, metavar="[DIR]", help=f"Where to build the demo project (default: {DEFAULT_DIR})."
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild a demo that already exists."),
    no_serve: bool = typer.Option(
        False, "--no-serve", help="Stop after the story instead of serving the status page."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Where to serve the demo."),
    port: int = typer.Option(8000, "--port", help="Port to serve the demo on."),
    project: Path | None = FolderProjectOption,
) -> None:
    """Build a demo project (DuckDB warehouse, checks) and watch trustwell catch a failure
    and run the incident it opens to resolution."""
    from rich.console import Console

    from trustwell.demo import folder, story

    directory = one_folder(directory, project, DEFAULT_DIR)
    try:
        folder.prepare(directory, force=force)
    except folder.FolderInUse as exc:
        raise fail_invalid(f"error: {exc}") from None
    try:
        story.tell(directory, Console(highlight=False))
    except story.StoryError as exc:
        print_error(f"error: the demo did not play as expected: {exc}")
        raise typer.Exit(EXIT_FAILED) from None
    if not no_serve:
        _serve(directory, host, port)
    raise typer.Exit(EXIT_OK)


def _serve(directory: Path, host: str, port: int) -> None:
    """The last chapter: the status page, the incident room and the API, live."""
    import uvicorn

    from trustwell.web.app import create_app

    print(
        f"\nServing the demo at http://{host}:{port}/ (status page, INC-1, /report, /review, "
        f"/docs). Press Ctrl+C to stop; `trustwell demo --no-serve` skips this step.",
        flush=True,
    )
    uvicorn.run(create_app(directory), host=host, port=port, log_level="warning")
