"""The status page's model, pure: asset states, their classification, the asset page.

:func:`classify` decides an asset's state from its checks' latest results, its
open incidents and its schedule; the dataclasses are what the queries of
:mod:`trustwell.status.state` and :mod:`trustwell.status.detail` fill in. No
store, no I/O: the import contracts in ``pyproject.toml`` keep it so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from trustwell.incidents.model import OPEN_STATES

if TYPE_CHECKING:
    from trustwell.store.service import HistoryEntry

State = Literal["trusted", "warning", "incident", "stale", "unknown"]
STATES: tuple[State, ...] = ("trusted", "warning", "incident", "stale", "unknown")


@dataclass(frozen=True)
class AssetState:
    """One asset as the status page shows it."""

    asset: str
    state: State
    tier: int
    owner: str | None
    description: str | None
    use_cases: list[str]
    last_run_at: datetime | None
    failing: list[str]  # names of checks whose latest result is fail or error
    warnings: list[str]  # names of checks whose latest result is warn
    incident: str | None  # "INC-3": an open incident on the asset or upstream of it
    reason: str  # plain language: "freshness:loaded_at failing since 09:00"


@dataclass(frozen=True)
class CheckLatest:
    """What :func:`classify` needs of one check: its latest status and since when."""

    name: str
    status: str  # pass | warn | fail | error
    since: datetime | None = None  # first result of the current non-passing streak


@dataclass(frozen=True)
class OpenIncidentRef:
    """An open incident that touches an asset: directly, or through an upstream asset."""

    id: str  # "INC-3"
    via: str | None = None  # the upstream asset it is on, None when on the asset itself


@dataclass(frozen=True)
class Classification:
    state: State
    reason: str
    failing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckDetail:
    """A check on the asset page: its latest result and its last values, oldest first."""

    name: str
    type: str | None
    latest: HistoryEntry | None
    values: list[tuple[datetime, float | None]]
    statuses: list[tuple[datetime, str]]
    #: The results behind ``values`` and ``statuses``, one per run, oldest first. Charts
    #: read these: two runs may share a second, so a time cannot say which run it was.
    runs: list[HistoryEntry] = field(default_factory=list)


@dataclass(frozen=True)
class AssetIncident:
    id: str
    status: str
    severity: str
    title: str
    impact: str  # root | upstream | downstream
    declared_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class LineageNode:
    """A node of the asset page's lineage picture."""

    name: str
    distance: int  # hops: negative upstream, 0 the asset itself, positive downstream
    state: str | None  # None for a lineage-only dataset (no asset, no state)
    lineage_only: bool = False


@dataclass(frozen=True)
class LineagePicture:
    """The asset's neighbourhood, a few hops each way, and the edges between its nodes."""

    nodes: list[LineageNode] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (upstream, downstream)


@dataclass(frozen=True)
class AssetDetail:
    """Everything ``/assets/NAME`` shows."""

    state: AssetState
    schedule: str | None
    consumers: list[str]
    checks: list[CheckDetail]
    upstream: list[str]
    downstream: list[str]
    incidents: list[AssetIncident]
    subscribers: list[str]  # e-mail addresses: empty in the public view
    subscriber_count: int = 0
    lineage: LineagePicture = field(default_factory=LineagePicture)


#: An asset without a schedule is stale when its latest run is older than this.
UNSCHEDULED_MAX_AGE = timedelta(hours=25)
HISTORY_POINTS = 30  # values per check on the asset page's chart
_NOT_PASSING = ("warn", "fail", "error")
_FAILING = ("fail", "error")
OPEN_STATUSES = tuple(s.value for s in OPEN_STATES)


# --- pure -----------------------------------------------------------------------------


def classify(
    *,
    now: datetime,
    last_run_at: datetime | None,
    checks: Sequence[CheckLatest],
    incident: OpenIncidentRef | None,
    schedule: str | None,
    timezone: str = "UTC",
) -> Classification:
    """The state of one asset from its latest results and open incidents. Pure.

    In order: an open incident on the asset or upstream → ``incident``; never
    run → ``unknown``; latest run older than twice the schedule's interval (25h
    without a schedule) → ``stale``; a check failing, erroring or warning →
    ``warning``; else ``trusted``.

    >>> classify(now=t, last_run_at=None, checks=[], incident=None, schedule=None).state
    'unknown'
    """
    zone = ZoneInfo(timezone)
    failing = [c.name for c in checks if c.status in _FAILING]
    warnings = [c.name for c in checks if c.status == "warn"]
    if incident is not None:
        reason = (
            f"part of {incident.id} upstream ({incident.via})"
            if incident.via
            else f"{incident.id} is open on this asset"
        )
        return Classification("incident", reason, failing, warnings)
    if last_run_at is None:
        return Classification("unknown", "never checked", failing, warnings)
    limit = max_age(schedule, now)
    if now - last_run_at > limit:
        when = _moment(last_run_at, now, zone)
        reason = (
            f"last checked {when}; scheduled every {_span(limit / 2)}"
            if schedule
            else f"last checked {when}, more than {_span(limit)} ago"
        )
        return Classification("stale", reason, failing, warnings)
    troubled = [c for c in checks if c.status in _FAILING] + [
        c for c in checks if c.status == "warn"
    ]
    if troubled:
        parts = []
        for check in troubled[:3]:
            verb = {"fail": "failing", "error": "erroring", "warn": "warning"}[check.status]
            since = f" since {_moment(check.since, now, zone)}" if check.since else ""
            parts.append(f"{check.name} {verb}{since}")
        more = len(troubled) - 3
        reason = "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
        return Classification("warning", reason, failing, warnings)
    count = len(checks)
    reason = f"{count} check{'s' * (count != 1)} passed at {_moment(last_run_at, now, zone)}"
    return Classification("trusted", reason, failing, warnings)


def max_age(schedule: str | None, now: datetime) -> timedelta:
    """How old the latest run may be before the asset is stale: twice the cron interval."""
    if not schedule:
        return UNSCHEDULED_MAX_AGE
    return 2 * _interval(schedule, now.replace(minute=0, second=0, microsecond=0))


@lru_cache(maxsize=256)
def _interval(schedule: str, around: datetime) -> timedelta:
    from croniter import croniter

    first = croniter(schedule, around).get_next(datetime)
    second = croniter(schedule, first).get_next(datetime)
    return timedelta(seconds=(second - first).total_seconds())


def _moment(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    local, today = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{max(1, seconds // 60)}m"
