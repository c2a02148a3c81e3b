"""The incident domain, pure: states and transitions, severity, fingerprints.

Nothing here touches a database; the service applies these rules inside one
transaction.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from trustwell.errors import Conflict, Invalid


class Status(StrEnum):
    declared = "declared"
    acknowledged = "acknowledged"
    investigating = "investigating"
    identified = "identified"
    monitoring = "monitoring"
    resolved = "resolved"
    closed = "closed"
    dismissed = "dismissed"


#: States in which an incident is still being worked on (and gathers signals).
OPEN_STATES = frozenset(
    {
        Status.declared,
        Status.acknowledged,
        Status.investigating,
        Status.identified,
        Status.monitoring,
    }
)
_WORKING = (Status.investigating, Status.identified, Status.monitoring)

#: Allowed transitions. Forward along the lifecycle (skipping is fine once the
#: incident is acknowledged), back to investigating when a fix did not hold,
#: dismissal from any open state, and a resolved incident can be reopened.
TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    Status.declared: frozenset(
        {
            Status.acknowledged,
            Status.investigating,
            Status.identified,
            Status.monitoring,
            Status.dismissed,
        }
    ),
    Status.acknowledged: frozenset({*_WORKING, Status.resolved, Status.dismissed}),
    Status.investigating: frozenset(
        {Status.identified, Status.monitoring, Status.resolved, Status.dismissed}
    ),
    Status.identified: frozenset(
        {Status.investigating, Status.monitoring, Status.resolved, Status.dismissed}
    ),
    Status.monitoring: frozenset(
        {Status.investigating, Status.identified, Status.resolved, Status.dismissed}
    ),
    Status.resolved: frozenset({Status.closed, Status.investigating}),
    Status.closed: frozenset(),
    Status.dismissed: frozenset(),
}

CAUSE_CATEGORIES = (
    "upstream-source",
    "third-party",
    "pipeline-bug",
    "schema-change",
    "infrastructure",
    "late-data",
    "duplicate-data",
    "manual-error",
    "expected-change",
    "unknown",
)


class IllegalTransition(Conflict, ValueError):
    """A status change the lifecycle does not allow (exit code 2, HTTP 409)."""

    code = "illegal_transition"

    def __init__(self, incident: str, current: Status, target: Status) -> None:
        allowed = sorted(TRANSITIONS[current])
        self.allowed = allowed
        names = ", ".join(str(s) for s in allowed) or "none (it is final)"
        super().__init__(f"{incident} is {current}: it cannot move to {target}; allowed: {names}")


def check_transition(incident: str, current: Status, target: Status) -> None:
    """Raise IllegalTransition unless ``current -> target`` is allowed."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(incident, current, target)


def is_open(status: Status | str) -> bool:
    return Status(status) in OPEN_STATES


# --- filtering by status --------------------------------------------------------

#: Open and still waiting for someone to act: everything open but ``monitoring``
#: (where the fix is in and trustwell watches whether it holds).
ACTIVE_STATES = OPEN_STATES - {Status.monitoring}
#: The words ``incident list --status``, ``GET /api/v1/incidents?status=`` accept.
STATUS_WORDS: tuple[str, ...] = ("open", "active", *(s.value for s in Status))


class UnknownStatusWord(Invalid):
    """A status filter that is neither ``open``, ``active`` nor a lifecycle state."""

    def __init__(self, word: str) -> None:
        matches = difflib.get_close_matches(word.lower(), STATUS_WORDS, n=1, cutoff=0.6)
        hint = f": did you mean '{matches[0]}'?" if matches else ""
        super().__init__(f"unknown status {word!r}: use one of {', '.join(STATUS_WORDS)}{hint}")


def statuses_named(word: str) -> frozenset[Status]:
    """The statuses a filter word stands for (one parser for the CLI and the API).

    >>> sorted(statuses_named("active"))
    ['acknowledged', 'declared', 'identified', 'investigating']
    """
    if word == "open":
        return OPEN_STATES
    if word == "active":
        return ACTIVE_STATES
    if word in Status.__members__:
        return frozenset({Status(word)})
    raise UnknownStatusWord(word)


# --- severity -------------------------------------------------------------------

SEVERITIES = ("SEV-1", "SEV-2", "SEV-3")


@dataclass(frozen=True)
class AssetImpact:
    """What severity needs to know of an asset."""

    tier: int
    customer_facing: bool = False


def severity_for(root: str, downstream: Iterable[str], assets: Mapping[str, AssetImpact]) -> str:
    """SEV from the lowest tier among the failing asset and everything downstream,
    raised to at least SEV-2 when a customer-facing asset is affected."""
    affected = [root, *downstream]
    known = [assets[name] for name in affected if name in assets]
    tier = min((a.tier for a in known), default=3)
    if any(a.customer_facing for a in known):
        tier = min(tier, 2)
    return f"SEV-{max(1, min(3, tier))}"


def severity_rank(severity: str) -> int:
    """1 for SEV-1 (most severe) … 3 for SEV-3."""
    return int(severity.split("-")[1])


# --- fingerprints ---------------------------------------------------------------


def fingerprint(asset: str, check: str | None = None) -> str:
    """Stable identity of a problem: the asset and the check (or the asset alone)."""
    key = f"{asset}\x1f{check or '*'}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


# --- the view of an incident that notifications, post-mortems and metrics use ---


@dataclass(frozen=True)
class AffectedAsset:
    asset: str
    impact: str  # root | upstream | downstream


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    kind: str  # declared, joined, ack, status, severity, update, assign, escalated, ...
    text: str
    public_text: str | None = None
    data: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class IncidentSnapshot:
    """An incident as read from the store, with everything a reader needs."""

    id: str  # "INC-7"
    title: str
    severity: str
    status: str
    detection_source: str  # check | anomaly | report | manual | external
    root_asset: str
    assets: tuple[AffectedAsset, ...]
    fingerprints: tuple[str, ...]
    commander: str | None
    smes: tuple[str, ...]
    runbook: str | None
    occurred_at: datetime | None
    declared_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    dismissed_at: datetime | None
    drill: bool
    cause: str | None = None
    summary: str | None = None
    declared_by: str | None = None
    last_update_at: datetime | None = None
    next_update_at: datetime | None = None
    escalation_level: int = 0
    timeline: tuple[TimelineEntry, ...] = ()

    @property
    def is_open(self) -> bool:
        return is_open(self.status)

    @property
    def latest_public_update(self) -> TimelineEntry | None:
        public = [e for e in self.timeline if e.public_text]
        return public[-1] if public else None
