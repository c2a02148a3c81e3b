"""The parts of an evidence pack as JSON, pure: what was read in, plain dicts out.

:mod:`trustwell.certification.evidence_pack` reads the store and calls these
to shape ``evidence.json`` (SPEC 5, "Evidence packs"). Every time is UTC to
the second with a ``Z`` (:func:`trustwell.clock.isoformat`), as in every
other output. Nothing here reads a store, a file or the clock.

Versioning, as for the incident document: :data:`PACK_VERSION` is in every
pack and in the schema's ``$id``. Adding an optional field keeps the version;
renaming, removing or retyping a field raises it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustwell.certification.decide import RULE_VERSION
from trustwell.clock import isoformat
from trustwell.incidents.model import is_open

if TYPE_CHECKING:
    from trustwell.certification.service import StoredDecision
    from trustwell.config.use_cases import Policy
    from trustwell.incidents.actions import ActionItem
    from trustwell.incidents.model import IncidentSnapshot
    from trustwell.slo.service import SloReport
    from trustwell.store.service import HistoryEntry

#: Raised when a field is renamed, removed or changes type (never for a new optional one).
PACK_VERSION = "1"


@dataclass(frozen=True)
class Window:
    """The span a pack covers: after ``start``, up to and including ``end``."""

    start: datetime
    end: datetime

    def to_json(self) -> dict[str, str]:
        return {"start": isoformat(self.start), "end": isoformat(self.end)}


@dataclass(frozen=True)
class StoredPostmortem:
    """What the ``postmortems`` table holds of one incident's post-mortem."""

    status: str  # draft | complete
    body: str
    path: str | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None


def _when(value: datetime | None) -> str | None:
    return isoformat(value) if value is not None else None


def policy_json(policy: Policy, written: Mapping[str, Any]) -> dict[str, Any]:
    """One use case as configured (``written``: its keys in ``trustwell.yml``) and in force."""
    return {
        "description": written.get("description"),
        "risk": policy.risk,
        "requires": written.get("requires"),  # as written; None: the defaults of risk
        "requirements": [r.label for r in policy.requirements],
        "from_risk": policy.from_risk,
        "max_open_severity": policy.max_open_severity,
        "valid_for": written.get("valid_for"),
        "rule_version": RULE_VERSION,
    }


def decision_json(decision: StoredDecision, window: Window) -> dict[str, Any]:
    """One stored decision and its evidence; ``in_force_at_start`` when taken before the window."""
    return {
        "id": decision.id,
        "use_case": decision.use_case,
        "state": decision.state,
        "since": isoformat(decision.since),
        "decided_at": isoformat(decision.decided_at),
        "in_force_at_start": decision.decided_at <= window.start,
        "reasons": list(decision.reasons),
        "missing": list(decision.missing),
        "outcomes": [dict(o) for o in decision.outcomes],
        "run_ids": list(decision.run_ids),
        "result_ids": list(decision.result_ids),
        "incident_ids": list(decision.incident_ids),
        "rule_version": decision.rule_version,
    }


def check_json(
    name: str, type: str, params: Mapping[str, Any], found: Iterable[tuple[int, HistoryEntry]]
) -> dict[str, Any]:
    """One declared check, its parameters and its results in the window (oldest first)."""
    results = [
        {
            "result_id": ident,
            "executed_at": isoformat(entry.executed_at),
            "status": entry.status,
            "value": entry.value,
            "run_id": entry.run_id,
            "message": entry.message,
        }
        for ident, entry in found
        if entry.check == name
    ]
    counts = {s: sum(1 for r in results if r["status"] == s) for s in _STATUSES}
    return {
        "check": name,
        "type": type,
        "params": dict(params),
        "counts": counts,
        "results": results,
    }


_STATUSES = ("pass", "warn", "fail", "error")


def slo_json(report: SloReport, end: datetime) -> dict[str, Any]:
    """One SLO over its window ending at ``end`` (attainment, budget left, burn rate)."""
    return {
        "name": report.name,
        "objective": report.objective,
        "window": report.window_text,
        "evaluated_at": isoformat(end),
        "attainment": report.attainment,
        "budget_left": report.budget_left,
        "burn_rate": report.burn_rate,
        "met": report.met,
        "burning_fast": report.burning_fast,
        "burning_slow": report.burning_slow,
        "samples": report.samples,
    }


def ended_at(incident: IncidentSnapshot) -> datetime | None:
    """When the incident stopped being worked on (resolved or dismissed); None while open."""
    if is_open(incident.status):
        return None
    return incident.resolved_at or incident.dismissed_at or incident.closed_at


def overlaps(incident: IncidentSnapshot, window: Window) -> bool:
    """Whether the incident (from when the data went bad, or was declared) touches the window."""
    began = min(filter(None, (incident.occurred_at, incident.declared_at)))
    ended = ended_at(incident)
    return began <= window.end and (ended is None or ended > window.start)


def section(body: str, title: str) -> str | None:
    """The text of the Markdown section ``## title`` of a post-mortem, or None when empty."""
    lines: list[str] = []
    inside = False
    for line in body.splitlines():
        if line.startswith("#"):
            if inside:
                break
            inside = line.lstrip("#").strip().lower() == title.lower()
            continue
        if inside:
            lines.append(line)
    text = "\n".join(lines).strip()
    return text or None


def postmortem_json(found: StoredPostmortem | None) -> dict[str, Any] | None:
    """The post-mortem's status, path and its summary and root cause as the team wrote them."""
    if found is None:
        return None
    return {
        "status": found.status,
        "path": found.path,
        "completed_at": _when(found.completed_at),
        "completed_by": found.completed_by,
        "summary": section(found.body, "Summary"),
        "root_cause": section(found.body, "Root cause"),
    }


def incident_json(
    incident: IncidentSnapshot,
    asset: str,
    postmortem: StoredPostmortem | None,
    actions: Sequence[ActionItem],
) -> dict[str, Any]:
    """One incident touching ``asset`` or its upstream, with its post-mortem and action items."""
    touched = [a.asset for a in incident.assets]
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "root_asset": incident.root_asset,
        "on_asset": asset in touched or incident.root_asset == asset,
        "assets": touched,
        "detection_source": incident.detection_source,
        "occurred_at": _when(incident.occurred_at),
        "declared_at": isoformat(incident.declared_at),
        "acknowledged_at": _when(incident.acknowledged_at),
        "resolved_at": _when(incident.resolved_at),
        "closed_at": _when(incident.closed_at),
        "dismissed_at": _when(incident.dismissed_at),
        "cause": incident.cause,
        "summary": incident.summary,
        "postmortem": postmortem_json(postmortem),
        "action_items": [a.to_json() for a in actions],
    }
