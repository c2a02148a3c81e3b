"""The trust score of an asset, 0–100, from its evidence: pure, with a published formula.

SPEC 5: a score with a published, versioned formula (which signals, which
weights), shown with its parts, never as a bare number. Each signal turns one
kind of evidence into a value from 0 to 1; the score is
``round(100 * Σ weight · value)`` (halves up). A signal without data (no
check results, no SLO, no known upstream) counts as 0 and says so in its
detail: missing evidence is not evidence of health. The formula, its weights
and how each value is computed are described in ``docs/trust-score.md``; any
change to them bumps :data:`FORMULA_VERSION`.

The score reads :class:`~trustwell.certification.decide.Evidence` as
``certification/evidence.py`` gathers it; nothing here reads a store or a clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from trustwell.certification.decide import CheckEvidence, Evidence, IncidentEvidence

#: Bumped on any change to the signals, their weights or how a value is computed.
FORMULA_VERSION = "1"

#: The pass-rate window of the score (``evidence.pass_rates`` always holds it).
PASS_RATE_WINDOW = timedelta(days=28)

#: What a check's latest status is worth; a check that never ran is worth 0.
STATUS_CREDIT = {"pass": 1.0, "warn": 0.5, "fail": 0.0, "error": 0.0}

#: How much of the incident signal one open incident of each severity takes away
#: (several multiply: two SEV-3 incidents leave 0.7 · 0.7 = 0.49).
SEVERITY_PENALTY = {"SEV-1": 1.0, "SEV-2": 0.6, "SEV-3": 0.3}


@dataclass(frozen=True)
class ScorePart:
    """One signal of the score: its weight, its value (0..1) and why it has that value."""

    signal: str
    weight: float
    value: float
    detail: str


@dataclass(frozen=True)
class Score:
    """The score (0–100), the formula that made it, and every part that went in."""

    value: int
    formula_version: str
    parts: tuple[ScorePart, ...]


def trust_score(evidence: Evidence) -> Score:
    """The score of ``evidence.asset`` under formula :data:`FORMULA_VERSION`.

    >>> trust_score(Evidence("orders", now)).value  # doctest: +SKIP
    0
    """
    parts = tuple(
        ScorePart(signal, weight, value, detail)
        for signal, weight, measure in SIGNALS
        for value, detail in (measure(evidence),)
    )
    total = sum(p.weight * p.value for p in parts)
    value = math.floor(100 * total + 0.5 + 1e-9)  # halves up, immune to 0.1 + 0.2
    return Score(value=max(0, min(100, value)), formula_version=FORMULA_VERSION, parts=parts)


# --- the signals ------------------------------------------------------------------------

Measure = Callable[[Evidence], tuple[float, str]]


def _pass_rate(evidence: Evidence) -> tuple[float, str]:
    rate = evidence.pass_rates.get(PASS_RATE_WINDOW)
    if rate is None or rate.total == 0:
        return 0.0, "no data: no check results in the last 28 days (counts as 0)"
    value = rate.passed / rate.total
    return value, f"{rate.passed} of {rate.total} check results passed in the last 28 days"


def _credit(checks: Iterable[CheckEvidence], kind: str) -> tuple[float, str]:
    checks = list(checks)
    if not checks:
        return 0.0, f"no data: the asset declares no {kind} (counts as 0)"
    never = [c.check for c in checks if c.status is None]
    value = sum(STATUS_CREDIT[c.status] for c in checks if c.status is not None) / len(checks)
    counts = {s: sum(1 for c in checks if c.status == s) for s in STATUS_CREDIT}
    said = [f"{n} {_STATUS_WORD[s]}" for s, n in counts.items() if n]
    if never:
        said.append(f"{len(never)} never ran")
    return value, f"latest results of {len(checks)} {kind}: {', '.join(said)}"


_STATUS_WORD = {"pass": "passed", "warn": "warned", "fail": "failed", "error": "could not run"}


def _latest_checks(evidence: Evidence) -> tuple[float, str]:
    return _credit(evidence.checks, "checks")


def _freshness(evidence: Evidence) -> tuple[float, str]:
    return _credit((c for c in evidence.checks if c.type == "freshness"), "freshness checks")


def _slos(evidence: Evidence) -> tuple[float, str]:
    if not evidence.slos:
        return 0.0, "no data: the asset declares no SLO (counts as 0)"
    worth = [(0.5 if s.burning_fast else 1.0) if s.met else 0.0 for s in evidence.slos]
    met = [s.name for s in evidence.slos if s.met and not s.burning_fast]
    fast = [s.name for s in evidence.slos if s.met and s.burning_fast]
    missed = [s.name for s in evidence.slos if not s.met]
    said = [
        f"{label}: {', '.join(names)}"
        for label, names in (("met", met), ("burning fast", fast), ("missed", missed))
        if names
    ]
    return sum(worth) / len(worth), "; ".join(said)


def _incident_value(found: list[IncidentEvidence], where: str) -> tuple[float, str]:
    if not found:
        return 1.0, f"no open incident {where}"
    value = math.prod(1.0 - SEVERITY_PENALTY.get(i.severity, 1.0) for i in found)
    listed = ", ".join(f"{i.id} ({i.severity})" for i in found)
    return value, f"open {where}: {listed}"


def _incidents(evidence: Evidence) -> tuple[float, str]:
    return _incident_value([i for i in evidence.open_incidents if not i.upstream], "on the asset")


def _upstream_health(evidence: Evidence) -> tuple[float, str]:
    if not evidence.lineage_known:
        return 0.0, "no data: no upstream is known, so its health is not either (counts as 0)"
    return _incident_value([i for i in evidence.open_incidents if i.upstream], "upstream")


def _lineage(evidence: Evidence) -> tuple[float, str]:
    if evidence.lineage_known:
        return 1.0, "its upstream is known"
    return 0.0, "no upstream is declared or reported"


def _present(name: str) -> Measure:
    def measure(evidence: Evidence) -> tuple[float, str]:
        text = getattr(evidence, name)
        if text and text.strip():
            return 1.0, f"the asset has {'an' if name == 'owner' else 'a'} {name}"
        return 0.0, f"the asset has no {name}"

    return measure


#: The formula: (signal, weight, measure); the weights sum to 1.
SIGNALS: tuple[tuple[str, float, Measure], ...] = (
    ("pass_rate", 0.20, _pass_rate),
    ("latest_checks", 0.20, _latest_checks),
    ("freshness", 0.10, _freshness),
    ("slos", 0.10, _slos),
    ("incidents", 0.20, _incidents),
    ("upstream_health", 0.10, _upstream_health),
    ("lineage", 0.04, _lineage),
    ("owner", 0.03, _present("owner")),
    ("description", 0.03, _present("description")),
)
