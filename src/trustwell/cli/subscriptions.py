"""``trustwell unsubscribe EMAIL``: stop notices to an address, as its e-mail link does.

There was no subscription command before (subscribing happens on the asset
page, in the API, or under ``subscribers:`` in YAML); this one mirrors
``POST /api/v1/unsubscribe`` and the link at the end of every notice.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import (
    EXIT_INVALID,
    FormatArg,
    OutputFormat,
    ProjectOption,
    actor_name,
    load_project_or_exit,
)
from trustwell.cli.incident_common import ActorOption


def register(app: typer.Typer) -> None:
    app.command("unsubscribe")(unsubscribe_command)


def unsubscribe_command(
    email: Annotated[str, typer.Argument(help="The address to stop writing to.")],
    asset: Annotated[
        list[str] | None, typer.Option("--asset", help="No more about this asset (repeatable).")
    ] = None,
    report: Annotated[
        list[str] | None,
        typer.Option("--report", help="No more about this report, RPT-… (repeatable)."),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="No subscriber or reporter notice at all.")
    ] = False,
    actor: str | None = ActorOption,
    format: FormatArg = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Stop notices to EMAIL about assets, reports, or everything (audited)."""
    from trustwell.incidents.reports import ReportNotFound
    from trustwell.status.subscriptions import unsubscribe_address
    from trustwell.store import open_store

    assets, reports = list(asset or []), list(report or [])
    if not (assets or reports or everything):
        print("error: say what to stop: --asset NAME, --report RPT-… or --all", file=sys.stderr)
        raise typer.Exit(EXIT_INVALID)
    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        done = unsubscribe_address(
            store,
            loaded,
            email,
            assets=assets,
            reports=reports,
            everything=everything,
            actor=actor_name(actor),
        )
    except (ValueError, ReportNotFound) as exc:  # unknown asset (with a hint), bad address
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(EXIT_INVALID) from None
    finally:
        store.close()
    if format is OutputFormat.json:
        document = {
            "email": done.email,
            "assets": done.assets,
            "reports": done.reports,
            "all": done.everything,
        }
        typer.echo(json.dumps(document, indent=2))
        return
    stopped = [*done.assets, *done.reports] + (["everything"] if done.everything else [])
    if stopped:
        typer.echo(f"{done.email} hears no more about: {', '.join(stopped)}")
    else:
        typer.echo(f"nothing changed: {done.email} was not hearing about that")
