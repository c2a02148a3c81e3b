"""Who is on call, and the incident roles built on it (SPEC section 3, "Roles").

Pure: no clock and no I/O; every function takes the moment it is asked about.

Decisions, written down because SPEC leaves them open:

- Hand-offs are fixed steps of absolute time from ``start``: a daily rotation
  that starts at 09:00Z hands off at 09:00Z every day, also across daylight
  saving changes. ``rotation`` is ``daily`` (1d), ``weekly`` (7d),
  ``{every: 3d}`` or any duration such as ``12h``.
- ``start`` is the first hand-off. Before it the rotation has not begun and
  nobody is on call (``None``) unless an override says otherwise; the
  Commander then falls back to the team's first member.
- An override covers ``[from, to)``. When several cover the same moment, the
  one written last in the list wins: it is the most recent decision.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from trustwell.clock import parse_timestamp
from trustwell.config.models import ProjectSettings, Rotation
from trustwell.durations import DurationOutOfRange, parse_duration

_log = logging.getLogger(__name__)

_NAMED_PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(weeks=1)}


@dataclass(frozen=True)
class Shift:
    """One stretch of time with one person on call (UTC)."""

    person: str
    start: datetime
    end: datetime
    override: bool = False


@dataclass(frozen=True)
class _Window:
    who: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Plan:
    """A rotation with its text parsed once: what every computation works on."""

    members: tuple[str, ...]
    period: timedelta
    start: datetime
    overrides: tuple[_Window, ...]

    @property
    def changes_hands(self) -> bool:
        # With one distinct person a rotation hand-off never changes who is on call.
        return len(set(self.members)) > 1


def rotation_period(rotation: Rotation) -> timedelta:
    """The time between hand-offs; ValueError when the value cannot be read.

    >>> rotation_period(Rotation(members=["a"], rotation={"every": "3d"}, start="2026-01-05"))
    datetime.timedelta(days=3)
    """
    value = rotation.rotation
    hint = "write daily, weekly, {every: 3d} or a duration such as 12h"
    if isinstance(value, dict):
        if set(value) != {"every"}:
            raise ValueError(f"rotation {value!r} is not valid: {hint}")
        text = value["every"]
    else:
        text = value
    if text in _NAMED_PERIODS:
        return _NAMED_PERIODS[text]
    try:
        return parse_duration(text)
    except DurationOutOfRange as exc:
        raise ValueError(f"rotation {text!r} is not valid: the period {exc.reason}") from None
    except ValueError:
        raise ValueError(f"rotation {text!r} is not valid: {hint}") from None


def validate_rotation(rotation: Rotation) -> None:
    """Raise ValueError with a clear message if the rotation cannot be used."""
    _plan(rotation)


def on_call(rotation: Rotation, at: datetime) -> str | None:
    """Who is on call at ``at``: an override covering it, else the rotation.

    >>> r = Rotation(members=["alice", "bob"], rotation="daily", start="2026-01-05T09:00:00Z")
    >>> on_call(r, parse_timestamp("2026-01-06T10:00:00Z"))
    'bob'
    """
    return _person(_plan(rotation), _utc(at))[0]


def next_handoff(rotation: Rotation, at: datetime) -> tuple[datetime, str | None]:
    """When the person on call next changes after ``at``, and to whom.

    Override boundaries count. The person is ``None`` only when an override
    before ``start`` ends before ``start``. A rotation with a single person
    never changes hands; then its next scheduled hand-off (to the same
    person) is returned so that "until" always has an answer.
    """
    plan, moment = _plan(rotation), _utc(at)
    current = _person(plan, moment)[0]
    point: datetime | None = moment
    # Ends: each step passes an override edge or a hand-off outside every
    # override, and among n hand-offs in a row at least one changes hands.
    while point is not None:
        point = _next_point(plan, point, every_handoff=False)
        if point is not None:
            person = _person(plan, point)[0]
            if person != current:
                return point, person
    return _next_scheduled_handoff(plan, moment), current


def shifts(rotation: Rotation, start: datetime, end: datetime) -> list[Shift]:
    """The shifts between ``start`` and ``end``, clipped to that range, for display.

    Each rotation period is one shift; an override is its own shift and splits
    the rotation shift it falls into. Time with nobody on call is left out.
    """
    plan, moment, stop = _plan(rotation), _utc(start), _utc(end)
    found: list[Shift] = []
    while moment < stop:
        person, override = _person(plan, moment)
        upto = min(_next_point(plan, moment, every_handoff=True) or stop, stop)
        if person is not None:
            last = found[-1] if found else None
            # Overlapping overrides for the same person read as one shift.
            if last and override and last.override and last.person == person and last.end == moment:
                found[-1] = Shift(person, last.start, upto, override=True)
            else:
                found.append(Shift(person, moment, upto, override))
        moment = upto
    return found


def commander_for(
    settings: ProjectSettings, team: str | None, at: datetime, reporter: str | None = None
) -> str | None:
    """The Incident Commander for an incident on ``team``'s asset declared at ``at``.

    Whoever is on call in the team's rotation; else the team's first member;
    else the reporter. A rotation that cannot be read is logged and skipped so
    that an incident always gets a Commander when one can be found.
    """
    if team is not None:
        rotation = settings.oncall.get(team)
        if rotation is not None:
            try:
                person = on_call(rotation, at)
            except ValueError as exc:
                _log.warning("on-call rotation of team %s is ignored: %s", team, exc)
                person = None
            if person is not None:
                return person
        members = _members(settings, team)
        if members:
            return members[0]
    return reporter


def smes_for(settings: ProjectSettings, teams: Iterable[str | None]) -> list[str]:
    """The subject-matter experts: members of the owning teams, each once, in order."""
    people: dict[str, None] = {}
    for team in teams:
        if team is not None:
            people.update(dict.fromkeys(_members(settings, team)))
    return list(people)


# --- internals -------------------------------------------------------------------


def _members(settings: ProjectSettings, team: str) -> list[str]:
    # A team may be declared only through its rotation; its members are then the team.
    declared = settings.teams.get(team)
    if declared is not None and declared.members:
        return list(declared.members)
    rotation = settings.oncall.get(team)
    return list(rotation.members) if rotation is not None else []


def _utc(moment: datetime) -> datetime:
    # A naive datetime is UTC, as parse_timestamp reads a timestamp without a zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _timestamp(text: str, what: str) -> datetime:
    try:
        return parse_timestamp(text).astimezone(UTC)
    except ValueError:
        raise ValueError(
            f"{what} {text!r} is not an ISO-8601 timestamp, e.g. 2026-01-05T09:00:00Z"
        ) from None


def _plan(rotation: Rotation) -> _Plan:
    if not rotation.members:
        raise ValueError("the rotation has no members: list them in rotation order")
    windows = []
    for number, override in enumerate(rotation.overrides, start=1):
        begin = _timestamp(override.from_, f"override {number}: from")
        end = _timestamp(override.to, f"override {number}: to")
        if end <= begin:
            raise ValueError(f"override {number}: 'to' ({override.to}) must be after 'from'")
        windows.append(_Window(override.who, begin, end))
    return _Plan(
        members=tuple(rotation.members),
        period=rotation_period(rotation),
        start=_timestamp(rotation.start, "start"),
        overrides=tuple(windows),
    )


def _override_at(plan: _Plan, at: datetime) -> _Window | None:
    # Last written wins, so look from the end of the list.
    return next((w for w in reversed(plan.overrides) if w.start <= at < w.end), None)


def _person(plan: _Plan, at: datetime) -> tuple[str | None, bool]:
    window = _override_at(plan, at)
    if window is not None:
        return window.who, True
    if at < plan.start:
        return None, False
    index = (at - plan.start) // plan.period
    return plan.members[index % len(plan.members)], False


def _next_scheduled_handoff(plan: _Plan, at: datetime) -> datetime:
    if at < plan.start:
        return plan.start
    return plan.start + ((at - plan.start) // plan.period + 1) * plan.period


def _next_point(plan: _Plan, at: datetime, *, every_handoff: bool) -> datetime | None:
    """The next moment after ``at`` at which the person on call may change.

    Hand-offs under an override change nothing, so they are skipped; with
    ``every_handoff=False`` so are hand-offs that cannot change hands.
    """
    edges = [edge for w in plan.overrides for edge in (w.start, w.end) if edge > at]
    next_edge = min(edges, default=None)
    if _override_at(plan, at) is not None:
        return next_edge  # never None: the covering override ends after ``at``
    handoff: datetime | None = _next_scheduled_handoff(plan, at)
    if not every_handoff and not plan.changes_hands and at >= plan.start:
        handoff = None
    candidates = [c for c in (handoff, next_edge) if c is not None]
    return min(candidates, default=None)
