"""``trustwell baseline save|list``: stored reference distributions for ``drift`` checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from trustwell.cli.common import FormatArg, OutputFormat, ProjectOption, load_project_or_exit


def register(app: typer.Typer) -> None:
    """Add ``trustwell baseline`` (with ``save`` and ``list``) to the app."""
    group = typer.Typer(
        name="baseline",
        help="Drift baselines: a column's distribution, saved once, compared with by drift checks.",
        no_args_is_help=True,
    )
    group.command("save")(save_command)
    group.command("list")(list_command)
    app.add_typer(group)


def save_command(
    name: Annotated[str, typer.Argument(help="The baseline's name (a new version each save).")],
    asset: Annotated[str, typer.Option("--asset", help="The asset to read.")],
    column: Annotated[str, typer.Option("--column", help="The column whose values to keep.")],
    where: Annotated[
        str | None, typer.Option("--where", help="Only rows matching this SQL condition.")
    ] = None,
    format: FormatArg = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Count the column's rows per value in the warehouse and store them as NAME's next version."""
    from trustwell.checks.baselines import save_baseline
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        saved = save_baseline(store, loaded, name, asset=asset, column=column, where=where)
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps(saved.to_json(), indent=2))
        return
    typer.echo(
        f"saved baseline {saved.name} v{saved.version}: {saved.asset}.{saved.column}"
        f" ({saved.kind}, {saved.rows:,} rows, {saved.distinct:,} distinct values)"
    )


def list_command(format: FormatArg = OutputFormat.text, project: Path = ProjectOption) -> None:
    """List every baseline: its latest version, what it was computed from and when."""
    from trustwell.checks.baselines import list_baselines
    from trustwell.clock import isoformat
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        found = list_baselines(store)
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps([saved.to_json() for saved, _ in found], indent=2))
        return
    if not found:
        save = "trustwell baseline save NAME --asset A --column C"
        typer.echo(f"No baselines yet: save one with `{save}`")
        return
    for saved, versions in found:
        where = f" where {saved.where}" if saved.where else ""
        typer.echo(
            f"{saved.name} v{saved.version} (of {versions})  {saved.asset}.{saved.column}{where}"
            f"  {saved.kind}, {saved.rows:,} rows, {saved.distinct:,} values"
            f"  saved {isoformat(saved.saved_at)}"
        )
