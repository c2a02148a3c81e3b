"""What the demo's steps share: the :class:`Demo` state, the story's clock, running the checks.

The story happens over a few hours that end at "now": it starts
:data:`STORY_SPAN` earlier, and each step sets ``TRUSTWELL_NOW`` to its own
moment (restoring it afterwards), so every service reads the story's time
from :func:`trustwell.clock.now` and what the demo leaves behind is
consistent with the real clock when the user explores it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from trustwell import clock

if TYPE_CHECKING:
    from rich.console import Console

    from trustwell.checks.result import RunReport
    from trustwell.config.models import Project
    from trustwell.demo.warehouse import Breakage
    from trustwell.store import Store

#: From the broken run (the incident is declared) to the metrics at the end.
STORY_SPAN = timedelta(hours=3, minutes=30)
ACTOR = "trustwell-demo"  # who runs the checks in the demo


class StoryError(Exception):
    """The story did not play as it should (a bug in the demo, not in the user's setup)."""


@dataclass
class Demo:
    """What the steps share: where the demo lives, what it printed to, what happened.

    ``now`` is when the story starts (the warehouse is built and broken then).
    """

    root: Path
    console: Console
    now: datetime = field(default_factory=lambda: clock.now() - STORY_SPAN)
    started: float = field(default_factory=time.perf_counter)
    project: Project | None = None
    runs: list[RunReport] = field(default_factory=list)
    breakage: Breakage | None = None
    incident: str | None = None  # the id of the incident the broken feed opened
    model_incident: str | None = None  # the one the churn scores' drift opened
    commander: str | None = None

    def loaded(self) -> Project:
        if self.project is None:
            raise StoryError("the project was not built before it was used")
        return self.project

    def opened(self) -> str:
        if self.incident is None:
            raise StoryError("no incident was opened before it was used")
        return self.incident

    @contextmanager
    def at(self, offset: timedelta) -> Iterator[datetime]:
        """``TRUSTWELL_NOW`` at ``offset`` into the story, restored when the block ends."""
        moment = self.now + offset
        before = os.environ.get("TRUSTWELL_NOW")
        os.environ["TRUSTWELL_NOW"] = clock.isoformat(moment)
        try:
            yield moment
        finally:
            if before is None:
                del os.environ["TRUSTWELL_NOW"]
            else:
                os.environ["TRUSTWELL_NOW"] = before

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The project's store, closed when the block ends."""
        from trustwell.store import open_store

        project = self.loaded()
        opened = open_store(project.settings.store, project.root)
        try:
            yield opened
        finally:
            opened.close()

    def clock_time(self, moment: datetime, pattern: str = "%H:%M") -> str:
        """A moment in the project's time zone, as the story prints it."""
        zone = ZoneInfo(self.loaded().settings.timezone)
        return moment.astimezone(zone).strftime(pattern)


@dataclass(frozen=True)
class Step:
    """One chapter of the story: a heading, what happens under it, and when."""

    title: str
    play: Callable[[Demo], None]
    at: timedelta = timedelta(0)  # into the story; a step may move the clock further itself


def run_checks(demo: Demo, *, table: bool = True) -> RunReport:
    """One recorded run of every check, shown as ``trustwell run`` shows it.

    Without ``table`` only the one-line summary is printed.
    """
    from trustwell.checks.service import run_project
    from trustwell.cli.output import ResultPrinter, value_texts
    from trustwell.cli.run_text import STYLES
    from trustwell.incidents.run_summary import incident_summaries

    project = demo.loaded()
    printer = ResultPrinter()
    printer.out = demo.console  # the table goes where the story goes
    with printer.progress(len(project.assets)) as progress:
        report = run_project(project, on_progress=progress, actor=ACTOR, trigger="demo")
    if table:
        # As `trustwell run` prints it: each incident with its commander and checks.
        with demo.store() as store:
            incidents = store.read(lambda conn: incident_summaries(conn, report))
        printer.report(report, value_texts(report, project), incidents=incidents)
    else:
        counts = {s: sum(1 for r in report.results if r.status == s) for s in STYLES}
        summary = ", ".join(f"[{STYLES[s]}]{n} {s}[/]" for s, n in counts.items() if n)
        demo.console.print(f"{len(report.results)} checks: {summary}")
    demo.runs.append(report)
    return report
