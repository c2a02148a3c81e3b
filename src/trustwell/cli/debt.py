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
    """The ranked items, then the totals per team, as Rich tables, never cut to the width."""
    from trustwell import display
    from trustwell.debt.model import interest_label

    if not found.items:
        typer.echo("No data-quality debt.")
        return
    header = ["#", "interest/wk", "principal", "team", "kind", "asset", "since", "due", "title"]
    rows = [
        [
            str(rank),
            interest_label(item, found.today),
            _points(item.principal),
            item.team or "unowned",
            item.kind,
            item.asset or display.MISSING,
            _since(item, found),
            _due(item, found),
            item.title,
        ]
        for rank, item in enumerate(found.items, start=1)
    ]
    _print_table("Data-quality debt, ranked by interest", header, rows)
    total = found.total
    teams = [
        [team, str(t.items), _points(t.principal), _points(t.interest)]
        for team, t in [*found.teams.items(), ("total", total)]
    ]
    _print_table("Totals per team", ["team", "items", "principal", "interest/wk"], teams)


def _print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    """One Rich table, as wide as its longest cells need (a pipe gets whole lines)."""
    from rich.console import Console
    from rich.table import Table

    typer.echo(title)
    table = Table(*header)
    for column in table.columns:
        column.no_wrap = True
    for row in rows:
        table.add_row(*row)
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    needed = sum(widths) + 3 * len(widths) + 1
    console = Console(highlight=False)
    console.width = max(console.width, needed)
    console.print(table)


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
