"""The certification rule, pure: an asset's evidence and a policy in, a decision out.

SPEC 5: an asset is ``certified`` for a use case when every requirement holds
at the latest run and no open incident above ``max_open_severity`` is on it or
upstream; ``at_risk`` when it holds with a warning, an SLO burning fast or an
open incident at or below the bar; ``revoked`` when a certificate it held
(certified or at risk) no longer holds; ``uncertified`` when it never met the
bar since. Evidence older than the policy's ``valid_for`` no longer counts, so
a certificate must be re-earned by a fresh run. Every decision carries the
ids of the evidence it used and :data:`RULE_VERSION`, so it can be stored and
explained later. Nothing here reads a store or a clock: ``Evidence.now`` is
the moment decided at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from trustwell.checks.result import Status
from trustwell.config.use_cases import Policy, Requirement
from trustwell.durations import humanize
from trustwell.incidents.model import severity_rank

#: Bumped whenever the rule below changes what it decides; stored with every decision.
RULE_VERSION = "1"

State = Literal["certified", "at_risk", "revoked", "uncertified"]
#: ``holds``; ``warns`` (holds, with a warning); ``broken`` (evidence says it does not
#: hold); ``missing`` (no evidence that counts: nothing declared, never run, expired).
Verdict = Literal["holds", "warns", "broken", "missing"]
_HOLDING: tuple[State, ...] = ("certified", "at_risk")


@dataclass(frozen=True)
class CheckEvidence:
    """A check declared on the asset and its latest result (``status`` None: never run)."""

    check: str  # its display name, e.g. "freshness:loaded_at"
    type: str
    status: Status | None = None
    at: datetime | None = None  # when the latest result was computed
    run_id: str | None = None
    result_id: int | None = None


@dataclass(frozen=True)
class IncidentEvidence:
    """An open incident on the asset (``upstream`` False) or on an asset upstream of it."""

    id: str  # e.g. "INC-7"
    severity: str  # SEV-1 | SEV-2 | SEV-3
    asset: str  # the asset it is on
    upstream: bool = False


@dataclass(frozen=True)
class SloEvidence:
    """One SLO of the asset: met over its window, and whether its budget burns fast."""

    name: str
    met: bool
    burning_fast: bool = False
    attainment: float | None = None  # 0..1 over the SLO window, None without data
    objective: float | None = None  # 0..1


@dataclass(frozen=True)
class PassRate:
    """How many of the asset's check results passed over a window."""

    passed: int
    total: int
    run_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """Everything the rule looks at for one asset, gathered at ``now``."""

    asset: str
    now: datetime
    checks: tuple[CheckEvidence, ...] = ()
    open_incidents: tuple[IncidentEvidence, ...] = ()
    lineage_known: bool = False
    owner: str | None = None
    description: str | None = None
    slos: tuple[SloEvidence, ...] = ()
    pass_rates: Mapping[timedelta, PassRate] = field(default_factory=dict)  # by window


@dataclass(frozen=True)
class Previous:
    """The decision stored before this one, for this asset and use case."""

    state: State
    since: datetime


@dataclass(frozen=True)
class Outcome:
    """One requirement: whether it holds, why, and the evidence that says so."""

    requirement: str  # as written: "freshness", "lineage: known", "pass_rate: 99% over 28d"
    verdict: Verdict
    detail: str
    run_ids: tuple[str, ...] = ()
    result_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The state of one asset for one use case, with reasons and the evidence used."""

    asset: str
    use_case: str
    state: State
    since: datetime
    decided_at: datetime
    reasons: tuple[str, ...]
    missing: tuple[str, ...]  # requirements that do not hold (broken or without evidence)
    outcomes: tuple[Outcome, ...]
    run_ids: tuple[str, ...]
    result_ids: tuple[int, ...]
    incident_ids: tuple[str, ...]
    rule_version: str = RULE_VERSION


def decide(policy: Policy, evidence: Evidence, previous: Previous | None = None) -> Decision:
    """The decision for ``evidence.asset`` under ``policy``, given the one before it.

    >>> decide(policy, evidence, Previous("certified", since)).state  # doctest: +SKIP
    'revoked'
    """
    outcomes = tuple(_outcome(r, policy, evidence) for r in policy.requirements)
    above, below = _incidents(policy, evidence)
    blocked = [o for o in outcomes if o.verdict in ("broken", "missing")]
    if blocked or above:
        held = previous is not None and previous.state in (*_HOLDING, "revoked")
        state: State = "revoked" if held else "uncertified"
        reasons = [_why(o) for o in blocked] + [_incident_text(i, policy, True) for i in above]
    else:
        warned = [o for o in outcomes if o.verdict == "warns"]
        state = "at_risk" if warned or below else "certified"
        reasons = [_why(o) for o in warned] + [_incident_text(i, policy, False) for i in below]
        if state == "certified":
            reasons = [f"meets every requirement of {policy.name}"]
    since = previous.since if previous is not None and previous.state == state else evidence.now
    return Decision(
        asset=evidence.asset,
        use_case=policy.name,
        state=state,
        since=since,
        decided_at=evidence.now,
        reasons=tuple(reasons),
        missing=tuple(o.requirement for o in blocked),
        outcomes=outcomes,
        run_ids=_unique(r for o in outcomes for r in o.run_ids),
        result_ids=tuple(sorted({r for o in outcomes for r in o.result_ids})),
        incident_ids=tuple(i.id for i in (*above, *below)),
    )


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """The items once each, in order."""
    return tuple(dict.fromkeys(items))


def _why(outcome: Outcome) -> str:
    return f"{outcome.requirement}: {outcome.detail}"


# --- incidents ---------------------------------------------------------------------------


def _above_bar(severity: str, bar: str) -> bool:
    """Whether an open incident of ``severity`` is more severe than ``bar`` tolerates."""
    return bar == "none" or severity_rank(severity) < severity_rank(bar)


def _incidents(
    policy: Policy, evidence: Evidence
) -> tuple[list[IncidentEvidence], list[IncidentEvidence]]:
    above = [i for i in evidence.open_incidents if _above_bar(i.severity, policy.max_open_severity)]
    below = [i for i in evidence.open_incidents if i not in above]
    return above, below


def _incident_text(incident: IncidentEvidence, policy: Policy, above: bool) -> str:
    where = f"upstream ({incident.asset})" if incident.upstream else "open on the asset"
    if above:
        bar = (
            "no open incident is allowed"
            if policy.max_open_severity == "none"
            else f"above max_open_severity {policy.max_open_severity}"
        )
        return f"{incident.id} ({incident.severity}) {where}: {bar}"
    bar = policy.max_open_severity
    return f"{incident.id} ({incident.severity}) {where}, within max_open_severity {bar}"


# --- requirements ------------------------------------------------------------------------


def _outcome(requirement: Requirement, policy: Policy, evidence: Evidence) -> Outcome:
    label = requirement.label
    if requirement.kind == "check":
        return _check_outcome(label, str(requirement.check_type), policy, evidence)
    if requirement.kind in ("owner", "description"):
        value = evidence.owner if requirement.kind == "owner" else evidence.description
        if value and value.strip():
            return Outcome(label, "holds", f"{requirement.kind} is {value.strip()!r}")
        return Outcome(label, "missing", f"the asset has no {requirement.kind}")
    if requirement.kind == "lineage":
        if evidence.lineage_known:
            return Outcome(label, "holds", "its upstream is known")
        return Outcome(label, "missing", "no upstream is declared or reported for the asset")
    if requirement.kind == "slo":
        return _slo_outcome(label, evidence)
    return _pass_rate_outcome(requirement, evidence)


def _check_outcome(label: str, check_type: str, policy: Policy, evidence: Evidence) -> Outcome:
    checks = [c for c in evidence.checks if c.type == check_type]
    if not checks:
        return Outcome(label, "missing", f"the asset has no {check_type} check")
    counted: list[CheckEvidence] = []
    broken: list[str] = []
    warned: list[str] = []
    missing: list[str] = []
    for c in checks:
        if c.status is None or c.at is None:
            missing.append(f"{c.check} has not run yet")
        elif policy.valid_for is not None and evidence.now - c.at > policy.valid_for:
            age = humanize((evidence.now - c.at).total_seconds())
            valid = humanize(policy.valid_for.total_seconds())
            missing.append(
                f"{c.check} last ran {age} ago, longer than valid_for ({valid}): needs a fresh run"
            )
        else:
            counted.append(c)
            text = f"{c.check} {_STATUS_TEXT[c.status]}"
            text += f" in run {c.run_id}" if c.run_id else ""
            if c.status == "warn":
                warned.append(text)
            elif c.status in ("fail", "error"):
                broken.append(text)
    run_ids = _unique(c.run_id for c in counted if c.run_id)
    result_ids = tuple(c.result_id for c in counted if c.result_id is not None)
    verdict: Verdict
    if broken:
        verdict, notes = "broken", broken
    elif missing:
        verdict, notes = "missing", missing
    elif warned:
        verdict, notes = "warns", warned
    else:
        verdict, notes = "holds", [f"{c.check} passed" for c in counted]
    return Outcome(label, verdict, "; ".join(notes), run_ids, result_ids)


_STATUS_TEXT = {"pass": "passed", "warn": "warned", "fail": "failed", "error": "could not run"}


def _slo_outcome(label: str, evidence: Evidence) -> Outcome:
    if not evidence.slos:
        return Outcome(label, "missing", "the asset declares no SLO")
    missed = [s.name for s in evidence.slos if not s.met]
    if missed:
        return Outcome(label, "broken", f"missed: {', '.join(missed)}")
    fast = [s.name for s in evidence.slos if s.burning_fast]
    if fast:
        return Outcome(label, "warns", f"error budget burning fast: {', '.join(fast)}")
    return Outcome(label, "holds", f"met: {', '.join(s.name for s in evidence.slos)}")


def _pass_rate_outcome(requirement: Requirement, evidence: Evidence) -> Outcome:
    label, window = requirement.label, requirement.window
    rate = evidence.pass_rates.get(window) if window is not None else None
    if rate is None or rate.total == 0:
        return Outcome(label, "missing", f"no check results in the last {requirement.window_text}")
    value = rate.passed / rate.total
    text = f"{rate.passed} of {rate.total} results passed ({value * 100:.4g}%)"
    if value < (requirement.minimum or 0.0):
        return Outcome(label, "broken", text, rate.run_ids)
    return Outcome(label, "holds", text, rate.run_ids)
