"""The 90-day trust history bar, pure: one cell per UTC day, like an uptime bar.

Each day of an asset is ``incident`` when an incident on it (or reaching it
along lineage when it was declared) was open at any moment of the day,
``warning`` when one of its stored check results of the day warned, failed
or could not run, ``trusted`` when every result of the day passed, and
``no_data`` when nothing was checked and no incident was open. The worst
wins, in that order. Each cell carries a short reason for its tooltip and its
accessible label.

The store side (:mod:`trustwell.status.history`) reads the day counts and the
incident spans of every asset with two grouped queries; this module only
decides. No store, no clock: ``today`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal

DayState = Literal["trusted", "warning", "incident", "no_data"]
DAY_STATES: tuple[DayState, ...] = ("trusted", "warning", "incident", "no_data")
#: How many days the bar shows (the phone layout shows the last 30 of them).
HISTORY_DAYS = 90


@dataclass(frozen=True)
class DayResults:
    """An asset's stored check results of one UTC day, counted by outcome."""

    total: int
    failed: int = 0  # fail or error
    warned: int = 0


@dataclass(frozen=True)
class IncidentSpan:
    """An incident that touched the asset, from its declaration to its end (None: open)."""

    id: str  # "INC-7"
    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class DayCell:
    """One day of the bar."""

    day: date
    state: DayState
    reason: str

    @property
    def label(self) -> str:
        """The cell's tooltip and accessible label: ``Sat 21 Nov: incident (INC-7 was open)``."""
        if self.state == "no_data":
            return f"{self.day:%a %d %b}: no data"
        return f"{self.day:%a %d %b}: {_WORDS[self.state]} ({self.reason})"


_WORDS: Mapping[DayState, str] = {
    "trusted": "trusted",
    "warning": "warning",
    "incident": "incident",
    "no_data": "no data",
}


def window(today: date, days: int = HISTORY_DAYS) -> tuple[datetime, datetime]:
    """The bar's span: from the start of its first UTC day to the end of ``today``."""
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time(0), tzinfo=UTC)
    return start, datetime.combine(today + timedelta(days=1), time(0), tzinfo=UTC)


def history_bar(
    today: date,
    results: Mapping[date, DayResults],
    incidents: Sequence[IncidentSpan] = (),
    days: int = HISTORY_DAYS,
) -> list[DayCell]:
    """The ``days`` cells ending with ``today``, oldest first.

    >>> [c.state for c in history_bar(date(2026, 11, 22), {}, days=2)]
    ['no_data', 'no_data']
    """
    first = today - timedelta(days=days - 1)
    open_on: dict[date, set[str]] = {}
    for span in incidents:  # mark each span's days once: spans are few days long
        start = max(span.start.astimezone(UTC).date(), first)
        last = today if span.end is None else min(span.end.astimezone(UTC).date(), today)
        day = start
        while day <= last:
            open_on.setdefault(day, set()).add(span.id)
            day += timedelta(days=1)
    cells = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        counts, ids = results.get(day), open_on.get(day)
        # most days of most assets are alike: no data, or all passed and no incident
        cells.append(day_cell(day, counts, ids) if ids else _quiet_day(day, counts))
    return cells


@lru_cache(maxsize=4096)
def _quiet_day(day: date, counts: DayResults | None) -> DayCell:
    return day_cell(day, counts)


def day_cell(day: date, counts: DayResults | None, open_ids: Iterable[str] = ()) -> DayCell:
    """The state and reason of one day, given the ids of the incidents open during it."""
    touching = sorted(set(open_ids), key=_number)
    if touching:
        more = len(touching) - 3
        shown = ", ".join(touching[:3]) + (f" and {more} more" if more > 0 else "")
        verb = "was" if len(touching) == 1 else "were"
        return DayCell(day, "incident", f"{shown} {verb} open")
    if counts is None or counts.total == 0:
        return DayCell(day, "no_data", "no check results")
    if counts.failed or counts.warned:
        parts = []
        if counts.failed:
            parts.append(f"{counts.failed} failed")
        if counts.warned:
            parts.append(f"{counts.warned} warned")
        return DayCell(day, "warning", f"{' and '.join(parts)} of {_results(counts.total)}")
    if counts.total == 1:
        return DayCell(day, "trusted", "1 result passed")
    return DayCell(day, "trusted", f"all {counts.total} results passed")


def summary(cells: Sequence[DayCell]) -> str:
    """One sentence for the whole bar: how many days were in each state."""
    parts = []
    for state in DAY_STATES:
        n = sum(1 for c in cells if c.state == state)
        if n:
            parts.append(f"{n} {_WORDS[state]}")
    return f"last {len(cells)} days: " + ", ".join(parts)


def _results(count: int) -> str:
    return f"{count} result" + ("s" if count != 1 else "")


def _number(ident: str) -> tuple[int, str]:
    digits = ident.rpartition("-")[2]
    return (int(digits), ident) if digits.isdigit() else (0, ident)
