"""Rich rendering of runs: progress on stderr, the result table at the end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from trustwell.checks.result import CheckResult, RunReport
    from trustwell.checks.service import ProgressListener

STYLES = {"pass": "green", "warn": "yellow", "fail": "bold red", "error": "magenta"}


class ResultPrinter:
    def __init__(self, *, stderr_only: bool = False) -> None:
        self.err = Console(stderr=True)
        self.out = self.err if stderr_only else Console(highlight=False)
        self.plain_out = Console(highlight=False, soft_wrap=True)

    @contextmanager
    def progress(self, assets: int, *, quiet: bool = False) -> Iterator[ProgressListener]:
        """A progress bar over assets on stderr; yields the listener for run_project."""
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        if quiet:
            yield lambda _asset, _results: None
            return
        bar = Progress(
            TextColumn("[bold]checking[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
        )
        with bar:
            task = bar.add_task("", total=assets)

            def advance(asset: str, results: list[CheckResult]) -> None:
                failed = sum(1 for r in results if r.status in ("fail", "error"))
                bar.update(task, advance=1, description=f"{asset} ({failed} failing)")

            yield advance

    def sql(self, asset: str, sql: str, *, to_stdout: bool) -> None:
        console = self.plain_out if to_stdout else self.err
        console.print(f"-- {asset}", style="dim", markup=False)
        console.print(f"{sql};", markup=False)

    def note(self, text: str) -> None:
        self.err.print(text, markup=False)

    def table(self, report: RunReport) -> None:
        table = Table(title=f"trustwell run {report.run_id[:8]}", title_justify="left")
        for column in ("asset", "check", "status", "value", "message"):
            table.add_column(column, overflow="fold")
        for r in report.results:
            value = "" if r.value is None else f"{r.value:,.6g}"
            table.add_row(r.asset, r.check, f"[{STYLES[r.status]}]{r.status}[/]", value, r.message)
        self.out.print(table)
        counts = {s: sum(1 for r in report.results if r.status == s) for s in STYLES}
        summary = ", ".join(f"[{STYLES[s]}]{n} {s}[/]" for s, n in counts.items() if n)
        self.out.print(f"{len(report.results)} checks: {summary or 'none'}")
