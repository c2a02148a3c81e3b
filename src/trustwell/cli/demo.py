"""``trustwell demo [DIR]``: build the pilot warehouse and play the story, from the silent
failure to the resolved incident, its post-mortem draft and the metrics."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from trustwell.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK

DEFAULT_DIR = Path("trustwell-demo")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)


def demo_command(
    directory: Path = typer.Argument(
        DEFAULT_DIR, metavar="[DIR]", help="Where to build the demo project."
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild a demo that already exists."),
) -> None:
    """Build a demo project (DuckDB warehouse, checks) and watch trustwell catch a failure
    and run the incident it opens to resolution."""
    from rich.console import Console

    from trustwell.demo import folder, story

    try:
        folder.prepare(directory, force=force)
    except folder.FolderInUse as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_INVALID) from None
    try:
        story.tell(directory, Console(highlight=False))
    except story.StoryError as exc:
        print(f"error: the demo did not play as expected: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_FAILED) from None
    raise typer.Exit(EXIT_OK)
