"""``trustwell metrics``: TTD, TTA, TTR, recurrence and detection sources of incidents."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from trustwell.cli.common import (
    OutputFormat,
    ProjectOption,
    fail_invalid,
    load_project_or_exit,
)

# parse_since is in clock: the API's GET /metrics uses it too, and the web imports no CLI.
from trustwell.clock import parse_since

if TYPE_CHECKING:
    from rich.console import Console


def register(app: typer.Typer) -> None:
    """Add ``trustwell metrics`` to the app."""
    app.command("metrics")(metrics_command)


def metrics_command(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only incidents declared from this date (YYYY-MM-DD, in the project's "
            "timezone) or ISO timestamp on.",
        ),
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Show incident metrics: time to detect, acknowledge and resolve; recurrence; sources."""
    from trustwell.metrics.service import incident_metrics
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    start = None
    if since is not None:
        try:
            start = parse_since(since, loaded.settings.timezone)
        except ValueError:
            raise fail_invalid(
                f"error: --since {since!r} is not a date (YYYY-MM-DD) or an ISO timestamp"
            ) from None
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        document = incident_metrics(store, loaded, since=start)
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps(document, indent=2))
    else:
        from rich.console import Console

        print_metrics(document, Console(highlight=False), since=since)


def _duration(value: float | None) -> str:
    from trustwell.durations import humanize

    return "–" if value is None else humanize(value)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _times(bucket: Mapping[str, Any], name: str) -> str:
    figures = bucket[name]
    return f"{_duration(figures['median_seconds'])} / {_duration(figures['p90_seconds'])}"


def print_metrics(document: Mapping[str, Any], console: Console, *, since: str | None) -> None:
    """Print the overall figures, then one table per grouping (severity, team, month)."""
    from rich.table import Table

    scope = f"incidents declared since {since}" if since else "all incidents"
    count = document["incidents"]
    console.print(f"[bold]Incident metrics[/] ({scope}, drills excluded)", soft_wrap=True)
    if count == 0:
        console.print("no incidents to measure", markup=False)
        return
    sources = ", ".join(f"{k} {n}" for k, n in document["detection_sources"].items() if n)
    console.print(
        f"{count} incident{'s' * (count != 1)}, {document['recurring']} recurring; "
        f"detected internally: {_share(document['internal_detection_share'])} ({sources})",
        markup=False,
        soft_wrap=True,
    )
    console.print(
        f"TTD {_times(document, 'ttd')}   TTA {_times(document, 'tta')}   "
        f"TTR {_times(document, 'ttr')}   (median / p90)",
        markup=False,
        soft_wrap=True,
    )
    for key, label in (("by_severity", "severity"), ("by_team", "team"), ("by_month", "month")):
        table = Table(title=f"by {label}", title_justify="left")
        table.add_column(label)
        for column in ("incidents", "TTD median / p90", "TTA median / p90", "TTR median / p90"):
            table.add_column(column, justify="right")
        table.add_column("recurring", justify="right")
        table.add_column("internal", justify="right")
        for name, bucket in document[key].items():
            table.add_row(
                name,
                str(bucket["incidents"]),
                _times(bucket, "ttd"),
                _times(bucket, "tta"),
                _times(bucket, "ttr"),
                str(bucket["recurring"]),
                _share(bucket["internal_detection_share"]),
            )
        console.print(table)
