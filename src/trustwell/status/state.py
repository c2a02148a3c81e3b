"""Asset states for the status page: trusted, warning, incident, stale, unknown.

:func:`classify` is pure; :func:`asset_states` and :func:`asset_detail` read the
store with a few set-based queries (fast with thousands of assets and incidents).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import HistoryEntry, Store

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
class AssetDetail:
    """Everything ``/assets/NAME`` shows."""

    state: AssetState
    schedule: str | None
    consumers: list[str]
    checks: list[CheckDetail]
    upstream: list[str]
    downstream: list[str]
    incidents: list[AssetIncident]
    subscribers: list[str]


def classify(
    *,
    now: datetime,
    last_run_at: datetime | None,
    checks: Sequence[CheckLatest],
    incident: OpenIncidentRef | None,
    schedule: str | None,
    timezone: str = "UTC",
) -> Classification:
    """The state of one asset from its latest results and open incidents. Pure."""
    raise NotImplementedError


def asset_states(store: Store, project: Project, now: datetime | None = None) -> list[AssetState]:
    """The state of every asset of ``project``, in declaration order."""
    raise NotImplementedError


def asset_detail(store: Store, project: Project, name: str) -> AssetDetail:
    """The asset page's content; raises :class:`~trustwell.status.UnknownAsset`."""
    raise NotImplementedError


def states_by_name(states: Sequence[AssetState]) -> Mapping[str, AssetState]:
    """Index a list of states by asset name."""
    return {s.asset: s for s in states}
