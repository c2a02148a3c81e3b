"""Printing runs: a progress bar on a terminal's stderr, then the text report.

Lines are built by :mod:`trustwell.cli.run_text` and printed whole: both
consoles soft-wrap (Rich neither wraps nor crops a line; a terminal folds
long lines itself, a pipe or a CI log gets each line as it is), so an asset
name, a message or a query is never cut to the console's width.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from trustwell.checks.result import CheckResult, RunReport
    from trustwell.checks.service import ProgressListener
    from trustwell.checks.statements import Statement
    from trustwell.config.models import Project

__all__ = ["ResultPrinter", "value_texts"]

ResultKey = tuple[str, str]  # (asset, check), as trustwell.cli.run_text keys values


def _console(*, stderr: bool) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _surely_not_a_terminal() -> bool:
    """True when Rich would find stderr no terminal, told without importing Rich.

    Rich asks ``isatty()`` unless ``TTY_COMPATIBLE`` or ``FORCE_COLOR`` says
    otherwise (it also says no in Jupyter and IDLE, never yes).
    """
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return False
    try:
        return not sys.stderr.isatty()
    except ValueError:  # closed
        return True


class ResultPrinter:
    """Where a run's output goes: ``out`` for the report, ``err`` for everything else.

    The consoles are made on first use: ``run --format json`` in a pipe prints
    its document with ``sys.stdout`` and never imports Rich.
    """

    def __init__(self, *, stderr_only: bool = False) -> None:
        self.stderr_only = stderr_only

    @cached_property
    def err(self) -> Console:
        return _console(stderr=True)

    @cached_property
    def out(self) -> Console:
        return self.err if self.stderr_only else _console(stderr=False)

    @contextmanager
    def progress(self, assets: int, *, quiet: bool = False) -> Iterator[ProgressListener]:
        """A progress bar over assets on stderr; yields the listener for run_project.

        Only on a terminal: in a pipe or a CI log a bar is noise (and Rich
        would print its last frame).
        """
        if quiet or _surely_not_a_terminal() or not self.err.is_terminal:
            yield lambda _asset, _results: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        bar = Progress(
            TextColumn("[bold]checking[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
            # stdout is the report's: never routed through the bar's console.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        with bar:
            task = bar.add_task("", total=assets)

            def advance(asset: str, results: list[CheckResult]) -> None:
                failed = sum(1 for r in results if r.status in ("fail", "error"))
                bar.update(task, advance=1, description=f"{asset} ({failed} failing)")

            yield advance

    def statements(self, statements: Iterable[Statement], *, to_stdout: bool) -> None:
        """Print statements as ``--show-sql`` shows them."""
        from trustwell.cli.run_text import statement_lines

        self._print(statement_lines(statements), self.out if to_stdout else self.err)

    def note(self, text: str) -> None:
        self.err.print(text, markup=False)

    def report(
        self,
        report: RunReport,
        values: dict[ResultKey, str],
        statements: Sequence[Statement] | None = None,
        incidents: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        """Checks, failing checks (with their SQL when ``statements`` are given), then
        the incidents (``report.incidents`` unless read back with commander and checks)."""
        from trustwell.cli.run_text import check_lines, failure_lines, incident_lines

        lines = check_lines(report, values)
        lines += failure_lines(report, values, statements)
        lines += incident_lines(report.incidents if incidents is None else incidents)
        self._print(lines, self.out)

    def table(self, report: RunReport, project: Project | None = None) -> None:
        """The report without SQL (values with units when the ``project`` is known)."""
        self.report(report, value_texts(report, project))

    @staticmethod
    def _print(lines: Iterable[Text], console: Console) -> None:
        for line in lines:
            console.print(line, soft_wrap=True, no_wrap=True, overflow="ignore", crop=False)


def value_texts(report: RunReport, project: Project | None) -> dict[ResultKey, str]:
    """Each result's value with its unit (a plain number when its check is not declared)."""
    from trustwell.checks.registry import unit_for
    from trustwell.display import metric_value

    declared = {}
    if project is not None:
        declared = {(a.name, c.display_name): c for a in project.assets for c in a.checks}
    texts = {}
    for result in report.results:
        key = (result.asset, result.check)
        check = declared.get(key)
        unit, _ = unit_for(result.type, check) if check is not None else ("number", False)
        # A line's message says which rows fail, so the value is just "2 rows".
        texts[key] = "" if result.value is None else metric_value(result.value, unit)
    return texts
