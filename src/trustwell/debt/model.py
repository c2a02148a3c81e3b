"""Data-quality debt items, their ranking and the totals per team. Pure: no I/O.

A debt item is something the project owes its data: a fix, a check, a
post-mortem. Each has a *principal* (the effort to pay it off, in points: one
point is one person-day) and an *interest* (what leaving it costs per week,
in the same points). Items are ranked by interest, so what costs most while it
waits comes first; a hand-written item past its due date ranks as if its
interest were :data:`OVERDUE_FACTOR` times higher (its stated interest and the
totals stay as written).

>>> from datetime import date
>>> a = DebtItem("a", "file", "Backfill", None, "growth", 3.0, 2.0, None, date(2026, 1, 1), "file")
>>> b = DebtItem("b", "no_owner", "No owner", "raw.x", None, 0.5, 3.0, None, None, "derived")
>>> [i.id for i in rank([b, a], date(2026, 2, 1))]
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

Source = Literal["derived", "file"]

#: A hand-written item past its due date ranks as if its interest were this much higher.
OVERDUE_FACTOR = 2.0
#: The team of an item whose asset has no owner and that names no team.
NO_TEAM = "unowned"


@dataclass(frozen=True)
class DebtItem:
    """One item of debt, derived from the project's facts or written in ``debt/*.yml``."""

    id: str
    kind: str  # a derived kind (see derive.DEFAULTS) or "file"
    title: str
    asset: str | None
    team: str | None
    principal: float  # points (person-days) to pay it off
    interest: float  # points per week that leaving it costs
    since: datetime | None  # when it started, where that is known
    due: date | None
    source: Source
    notes: str | None = None
    where: str | None = None  # "debt/platform.yml line 3" for a hand-written item

    def overdue(self, today: date) -> bool:
        """Whether the item has a due date before ``today``."""
        return self.due is not None and self.due < today

    def rank_interest(self, today: date) -> float:
        """The interest the ranking uses: :data:`OVERDUE_FACTOR` times higher when overdue."""
        if self.source == "file" and self.overdue(today):
            return self.interest * OVERDUE_FACTOR
        return self.interest


@dataclass(frozen=True)
class Totals:
    """How many items, and their principal and interest summed."""

    items: int
    principal: float
    interest: float

    def to_json(self) -> dict[str, Any]:
        return {"items": self.items, "principal": self.principal, "interest": self.interest}


@dataclass(frozen=True)
class DebtReport:
    """Every item, ranked; the totals per team (largest interest first) and overall."""

    today: date
    items: list[DebtItem]
    teams: dict[str, Totals]
    total: Totals

    def to_json(self) -> dict[str, Any]:
        """The document of ``trustwell debt --format json``."""
        return {
            "items": [item_json(i, self.today) for i in self.items],
            "teams": {team: t.to_json() for team, t in self.teams.items()},
            "total": self.total.to_json(),
        }


def rank(items: Iterable[DebtItem], today: date) -> list[DebtItem]:
    """Highest (ranking) interest first; then the larger principal, the older, by id."""

    def key(item: DebtItem) -> tuple[float, float, float, str]:
        since = item.since.timestamp() if item.since is not None else float("inf")
        return (-item.rank_interest(today), -item.principal, since, item.id)

    return sorted(items, key=key)


def totals(items: Iterable[DebtItem]) -> Totals:
    """The count, principal and interest of ``items``."""
    chosen = list(items)
    return Totals(
        items=len(chosen),
        principal=round(sum(i.principal for i in chosen), 2),
        interest=round(sum(i.interest for i in chosen), 2),
    )


def report(items: Iterable[DebtItem], today: date) -> DebtReport:
    """The ranked items and their totals per team (:data:`NO_TEAM` for items of none)."""
    ranked = rank(items, today)
    by_team: dict[str, list[DebtItem]] = {}
    for item in ranked:
        by_team.setdefault(item.team or NO_TEAM, []).append(item)
    teams = {team: totals(found) for team, found in by_team.items()}
    ordered = dict(sorted(teams.items(), key=lambda kv: (-kv[1].interest, kv[0])))
    return DebtReport(today=today, items=ranked, teams=ordered, total=totals(ranked))


def interest_label(item: DebtItem, today: date) -> str:
    """The interest as people read it: ``4 (x2 overdue)`` when the ranking doubles it.

    >>> late = DebtItem("a", "file", "t", None, None, 1.0, 4.0, None, date(2026, 1, 1), "file")
    >>> interest_label(late, date(2026, 2, 1))
    '4 (x2 overdue)'
    """
    text = f"{item.interest:g}"
    if item.rank_interest(today) != item.interest:
        text += f" (x{OVERDUE_FACTOR:g} overdue)"
    return text


def item_json(item: DebtItem, today: date) -> dict[str, Any]:
    """One item as JSON: the keys of SPEC 5's debt list, ``overdue`` and ``notes``."""
    from trustwell.clock import isoformat

    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "asset": item.asset,
        "team": item.team or NO_TEAM,
        "principal": item.principal,
        "interest": item.interest,
        "since": isoformat(item.since) if item.since is not None else None,
        "due": item.due.isoformat() if item.due is not None else None,
        "source": item.source,
        "overdue": item.overdue(today),
        "notes": item.notes,
    }
