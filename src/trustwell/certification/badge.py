"""The confidence badge of an asset: trusted, limited or untrusted, and one sentence why.

SPEC 5: a BI dashboard shows whether its data can be trusted right now. The
level comes from certification first, the trust score only when there is no
certification to go by (``docs/trust-score.md``, "Badge levels"):

- The asset takes part in use cases (or one was asked for): **untrusted** when
  any of them is ``revoked`` or ``uncertified`` (which covers an open incident
  above the use case's bar), else **limited** when any is ``at_risk``, else
  **trusted** (every one ``certified``). A use case asked for that the asset
  does not take part in is untrusted: nothing certifies it for that use.
- It takes part in none: **untrusted** with an open SEV-1 or SEV-2 incident on
  it or upstream, or a score under :data:`LIMITED_SCORE`; **limited** with any
  other open incident or a score under :data:`TRUSTED_SCORE`; else **trusted**.

Pure: the caller passes the decisions, the score and the open incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from trustwell.certification.decide import IncidentEvidence, State
from trustwell.certification.score import Score

Level = Literal["trusted", "limited", "untrusted"]

#: Without use cases: at least this score (and no open incident) is trusted.
TRUSTED_SCORE = 80
#: Without use cases: under this score is untrusted.
LIMITED_SCORE = 50
#: Without use cases: an open incident this severe (or worse), here or upstream, is untrusted.
UNTRUSTED_SEVERITIES = ("SEV-1", "SEV-2")

_RANK: dict[State, int] = {"revoked": 0, "uncertified": 1, "at_risk": 2, "certified": 3}
_LEAD: dict[State, str] = {
    "revoked": "Revoked for",
    "uncertified": "Not certified for",
    "at_risk": "At risk for",
}


@dataclass(frozen=True)
class UseCaseState:
    """The current decision of one use case of the asset, as the badge reads it."""

    use_case: str
    state: State
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Badge:
    """A badge level and the one plain sentence that says why."""

    level: Level
    reason: str


def badge_for(
    asset: str,
    use_cases: Sequence[UseCaseState],
    score: Score,
    incidents: Sequence[IncidentEvidence],
    asked: str | None = None,
) -> Badge:
    """The badge of ``asset``: for ``asked`` alone when given, else for all its use cases."""
    if asked is not None:
        chosen = [u for u in use_cases if u.use_case == asked]
        if not chosen:
            return Badge(
                "untrusted",
                f"{asset} does not take part in use case {asked}, so nothing certifies it for it.",
            )
        return _by_certification(chosen, score)
    if use_cases:
        return _by_certification(use_cases, score)
    return _by_score(score, incidents)


def _by_certification(use_cases: Sequence[UseCaseState], score: Score) -> Badge:
    worst = min(use_cases, key=lambda u: (_RANK[u.state], u.use_case))
    if worst.state == "certified":
        names = _and([u.use_case for u in sorted(use_cases, key=lambda u: u.use_case)])
        return Badge("trusted", f"Certified for {names}; trust score {score.value} of 100.")
    level: Level = "limited" if worst.state == "at_risk" else "untrusted"
    why = worst.reasons[0] if worst.reasons else worst.state.replace("_", " ")
    more = f" (and {len(worst.reasons) - 1} more)" if len(worst.reasons) > 1 else ""
    return Badge(level, _sentence(f"{_LEAD[worst.state]} {worst.use_case}: {why}{more}"))


def _by_score(score: Score, incidents: Sequence[IncidentEvidence]) -> Badge:
    tail = "the asset takes part in no use case"
    severe = [i for i in incidents if i.severity in UNTRUSTED_SEVERITIES]
    if severe:
        return Badge("untrusted", _sentence(f"{_incident(severe[0])}; {tail}"))
    if score.value < LIMITED_SCORE:
        return Badge(
            "untrusted", f"Trust score {score.value} of 100 is below {LIMITED_SCORE}; {tail}."
        )
    if incidents:
        return Badge("limited", _sentence(f"{_incident(incidents[0])}; {tail}"))
    if score.value < TRUSTED_SCORE:
        return Badge(
            "limited", f"Trust score {score.value} of 100 is below {TRUSTED_SCORE}; {tail}."
        )
    return Badge("trusted", f"Trust score {score.value} of 100 and no open incident; {tail}.")


def _incident(incident: IncidentEvidence) -> str:
    where = f"upstream ({incident.asset})" if incident.upstream else "on the asset"
    return f"{incident.id} ({incident.severity}) is open {where}"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
