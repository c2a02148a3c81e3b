"""``trustwell debt``: data-quality debt, ranked by interest, with totals per team (SPEC 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustwell.cli.common import OutputFormat, ProjectOption, load_project_or_exit

if TYPE_CHECKING:
    from trustwell.config.errors import ProjectError
    from trustwell.config.models import Project
    from trustwell.debt.model import DebtItem, DebtReport


def register(app: typer.Typer) -> None:
    """Add ``trustwell debt`` to the app."""
    app.command("debt")(debt_command)


def debt_command(
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """List data-quality debt (derived and from debt/*.yml), ranked by interest, per team."""
    from trustwell.debt.service import debt_report
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    hand = load_debt_or_exit(loaded)
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        found = debt_report(store, loaded, hand=hand)
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps(found.to_json(), indent=2))
        return
    print_report(found)


def load_debt_or_exit(project: Project) -> list[DebtItem]:
    """The items of ``debt/*.yml``, or every problem printed and exit 2 (as a bad project)."""
    from trustwell.config.errors import ProjectError
    from trustwell.debt.files import load_debt_items

    try:
        return load_debt_items(project)
    except ProjectError as exc:
        raise fail_debt_files(exc) from None


def fail_debt_files(exc: ProjectError) -> typer.Exit:
    """Print each problem of the debt files as the project loader does; the Exit(2) to raise."""
    from trustwell.cli.common import EXIT_INVALID, print_error

    count = len(exc.problems)
    print_error(f"error: the debt files are invalid ({count} problem{'s' * (count != 1)}):")
    for problem in exc.problems:
        print_error(f"  {problem}")
    return typer.Exit(EXIT_INVALID)


def print_report(found: DebtReport) -> None:
    """The ranked items, then the totals per team, as Rich tables (never cut)."""
    from rich.console import Console
    from rich.table import Table

    from trustwell import display

    console = Console()
    if not found.items:
        console.print("No data-quality debt.")
        return
    items = Table(
        "#", "interest/wk", "team", "kind", "asset", "title", "since", "principal", "due",
        title="Data-quality debt, ranked by interest",
    )  # fmt: skip
    for rank, item in enumerate(found.items, start=1):
        items.add_row(
            str(rank),
            _points(item.interest),
            item.team or "unowned",
            item.kind,
            item.asset or display.MISSING,
            item.title,
            _since(item, found),
            _points(item.principal),
            _due(item, found),
        )
    console.print(items)
    teams = Table("team", "items", "principal", "interest/wk", title="Totals per team")
    for team, totals in found.teams.items():
        teams.add_row(team, str(totals.items), _points(totals.principal), _points(totals.interest))
    total = found.total
    teams.add_row("total", str(total.items), _points(total.principal), _points(total.interest))
    console.print(teams)


def _points(value: float) -> str:
    return f"{value:g}"


def _since(item: DebtItem, found: DebtReport) -> str:
    from trustwell import display

    if item.since is None:
        return display.MISSING
    days = (found.today - item.since.date()).days
    return f"{item.since.date().isoformat()} ({days}d)"


def _due(item: DebtItem, found: DebtReport) -> str:
    from trustwell import display

    if item.due is None:
        return display.MISSING
    return item.due.isoformat() + (" (overdue)" if item.overdue(found.today) else "")
