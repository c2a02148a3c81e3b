"""``trustwell anomaly backtest ASSET``: what the asset's anomaly checks would have fired."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import OutputFormat, ProjectOption, load_project_or_exit


def register(app: typer.Typer) -> None:
    """Add ``trustwell anomaly`` (and ``anomaly backtest``) to the app."""
    group = typer.Typer(
        name="anomaly",
        help="Anomaly checks: replay their stored history.",
        no_args_is_help=True,
    )
    group.command("backtest")(backtest_command)
    app.add_typer(group)


def backtest_command(
    asset: Annotated[str, typer.Argument(help="The asset whose anomaly checks to replay.")],
    check: Annotated[
        str | None, typer.Option("--check", help="Only this anomaly check (its name).")
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Judge every stored result of the asset's anomaly checks against only the results
    before it, with the parameters declared now, and list what would have fired."""
    from trustwell.checks.anomaly_backtest import backtest
    from trustwell.checks.outcome import fmt
    from trustwell.clock import isoformat
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        reports = backtest(store, loaded, asset, check)
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps({"asset": asset, "checks": [r.to_json() for r in reports]}, indent=2))
        return
    for report in reports:
        judged = report.results - report.learning
        typer.echo(
            f"{report.asset} {report.check.display_name}: {len(report.fired)} of {judged}"
            f" judged results would have fired ({report.learning} while learning)"
        )
        for fired in report.fired:
            where = "above" if fired.direction == "up" else "below"
            typer.echo(
                f"  {isoformat(fired.executed_at)}  {fmt(fired.value)} {where}"
                f" [{fmt(fired.low)}, {fmt(fired.high)}] (expected {fmt(fired.expected)})"
            )
