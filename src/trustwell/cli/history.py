"""``trustwell history ASSET``: the stored results of an asset's checks, newest first."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustwell.cli.common import (
    OutputFormat,
    ProjectOption,
    fail_invalid,
    load_project_or_exit,
)

if TYPE_CHECKING:
    from rich.console import Console

    from trustwell.store.service import HistoryEntry


def register(app: typer.Typer) -> None:
    """Add ``trustwell history`` to the app."""
    app.command("history")(history_command)


def history_command(
    asset: Annotated[str, typer.Argument(help="The asset whose results to show.")],
    check: Annotated[
        str | None, typer.Option("--check", "-c", help="Only this check (its name).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="How many results at most.")
    ] = 50,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Show the stored results of an asset's checks, newest first."""
    from trustwell.config.errors import nearest_names_hint
    from trustwell.store import history, open_store

    loaded = load_project_or_exit(project)
    declared = loaded.asset(asset)
    if declared is None:
        names = [a.name for a in loaded.assets]
        raise fail_invalid(f"error: unknown asset '{asset}'{nearest_names_hint(asset, names)}")
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        entries = history(store, asset, check=check, limit=limit)
    finally:
        store.close()
    if check is not None and not entries:
        # A check renamed or removed keeps its history; only a name never seen is an error.
        known = [c.display_name for c in declared.checks]
        if check not in known:
            hint = nearest_names_hint(check, known)
            raise fail_invalid(f"error: unknown check '{check}' on asset '{asset}'{hint}")
    if format is OutputFormat.json:
        typer.echo(history_json(entries))
    else:
        from rich.console import Console

        print_history(entries, Console(highlight=False), asset=asset, check=check)


def history_json(entries: Sequence[HistoryEntry]) -> str:
    """The JSON document of ``--format json``: a list of result objects, newest first.

    >>> history_json([])
    '[]'
    """
    return json.dumps([entry.to_json() for entry in entries], indent=2)


def print_history(
    entries: Sequence[HistoryEntry], console: Console, *, asset: str, check: str | None = None
) -> None:
    """Print the results as a table (time, check, status, value, message)."""
    from rich.table import Table

    from trustwell.cli.output import STYLES
    from trustwell.clock import isoformat

    subject = asset if check is None else f"{asset} {check}"
    if not entries:
        console.print(f"no results stored for {subject} yet", markup=False)
        return
    table = Table(title=f"history of {subject}", title_justify="left")
    for column in ("time", "check", "status", "value", "message"):
        table.add_column(column, overflow="fold", no_wrap=column == "time")
    for entry in entries:
        value = "" if entry.value is None else f"{entry.value:,.6g}"
        style = STYLES.get(entry.status, "")
        table.add_row(
            isoformat(entry.executed_at),
            entry.check,
            f"[{style}]{entry.status}[/]" if style else entry.status,
            value,
            entry.message,
        )
    console.print(table)
