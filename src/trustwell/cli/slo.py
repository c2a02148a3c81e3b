"""``trustwell slo [ASSET]``: attainment, error budget left and burn rate of trust SLOs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from trustwell.cli.common import OutputFormat, ProjectOption, fail_invalid, load_project_or_exit

if TYPE_CHECKING:
    from trustwell.slo.service import SloReport


def register(app: typer.Typer) -> None:
    """Add ``trustwell slo`` to the app."""
    app.command("slo")(slo_command)


def slo_command(
    asset: Annotated[str | None, typer.Argument(help="Only this asset.")] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Show the trust SLOs of the project's assets over their rolling windows."""
    from trustwell import clock
    from trustwell.config.errors import nearest_names_hint
    from trustwell.slo.service import asset_slos
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    names = [a.name for a in loaded.assets]
    if asset is not None and asset not in names:
        raise fail_invalid(f"error: unknown asset '{asset}'{nearest_names_hint(asset, names)}")
    chosen = [asset] if asset else [a.name for a in loaded.assets if a.slos]
    now = clock.now()
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        rows = [(name, r) for name in chosen for r in asset_slos(store, loaded, name, now)]
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps([_json(name, r) for name, r in rows], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("asset", "slo", "objective", "attainment", "budget left", "burn rate", "state")
    for name, r in rows:
        table.add_row(
            name,
            r.name,
            _pct(r.objective),
            _pct(r.attainment),
            _pct(r.budget_left),
            "-" if r.burn_rate is None else f"{r.burn_rate:.2f}x",
            _state(r),
        )
    Console().print(table)


def _state(r: SloReport) -> str:
    if r.attainment is None:
        return "no data"
    if r.burning_fast:
        return "burning fast"
    if r.burning_slow:
        return "burning slow"
    return "met" if r.met else "missed"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.2f}%"


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _json(asset: str, r: SloReport) -> dict[str, Any]:
    return {
        "name": r.name,
        "objective": r.objective,
        "attainment": r.attainment,
        "budget_left": r.budget_left,
        "burn_rate": _finite(r.burn_rate),
        "asset": asset,
        "window": r.window_text,
        "met": r.met,
        "burning_fast": r.burning_fast,
        "burning_slow": r.burning_slow,
        "samples": r.samples,
        "state": _state(r),
    }
