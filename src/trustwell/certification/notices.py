"""What people are told when a certificate changes, or a trust SLO burns fast. Pure.

SPEC 5: every change of a certification state notifies the asset's owners and
subscribers, and a fast burn of a trust SLO warns the owners before the
objective is missed. This module only words those messages; who receives
them, and the outbox, are :mod:`trustwell.certification.announce`.

>>> change_text("marts.weekly_cac", "exec_reporting", "revoked", ["INC-7 is open"], "certified")
'marts.weekly_cac is no longer certified for exec_reporting: INC-7 is open'
>>> change_text("marts.weekly_cac", "exec_reporting", "certified", [], "revoked")
'marts.weekly_cac is certified for exec_reporting again'
"""

from __future__ import annotations

from collections.abc import Sequence

#: Reasons quoted in one notice at most; the rest are counted ("and 2 more").
MAX_REASONS = 3


def tells(state: str, previous: str | None) -> bool:
    """Whether a decision in ``state`` after one in ``previous`` (None: the first) is news.

    Only a change of state is: a first decision that the asset is ``uncertified``
    says nothing anybody relied on, so it is not announced.
    """
    if previous is None:
        return state != "uncertified"
    return state != previous


def change_text(
    asset: str, use_case: str, state: str, reasons: Sequence[str], previous: str | None
) -> str | None:
    """The one-sentence notice of a change of state, or None when it is no news (:func:`tells`)."""
    if not tells(state, previous):
        return None
    why = reasons_text(reasons)
    if state == "certified":
        again = " again" if previous in ("revoked", "at_risk") else ""
        return f"{asset} is certified for {use_case}{again}"
    if state == "at_risk":
        return f"{asset} is at risk for {use_case}{why}"
    if state == "revoked":
        return f"{asset} is no longer certified for {use_case}{why}"
    return f"{asset} is not certified for {use_case}{why}"


def change_subject(asset: str, use_case: str, state: str, previous: str | None) -> str:
    """A short subject line for the notice of a change of state."""
    if state == "certified":
        again = " again" if previous in ("revoked", "at_risk") else ""
        return f"{asset}: certified for {use_case}{again}"
    words = {"at_risk": "at risk", "revoked": "no longer certified", "uncertified": "not certified"}
    return f"{asset}: {words.get(state, state)} for {use_case}"


def reasons_text(reasons: Sequence[str]) -> str:
    """``": a; b"`` (at most :data:`MAX_REASONS`, then ``"and N more"``); empty without any.

    >>> reasons_text(["a", "b", "c", "d", "e"])
    ': a; b; c; and 2 more'
    """
    listed = [r.strip() for r in reasons if r.strip()]
    if not listed:
        return ""
    shown = listed[:MAX_REASONS]
    rest = len(listed) - len(shown)
    return ": " + "; ".join([*shown, *([f"and {rest} more"] if rest else [])])


def burn_text(asset: str, slo: str, *, attainment: float | None, objective: float | None) -> str:
    """The warning to owners that a trust SLO of ``asset`` burns its error budget fast.

    >>> burn_text("orders", "fresh within 26h", attainment=0.97, objective=0.995)[:70]
    'orders is burning the error budget of its SLO fresh within 26h fast (9'
    """
    numbers = []
    if attainment is not None:
        numbers.append(f"{_percent(attainment)} attained")
    if objective is not None:
        numbers.append(f"objective {_percent(objective)}")
    detail = f" ({', '.join(numbers)})" if numbers else ""
    return (
        f"{asset} is burning the error budget of its SLO {slo} fast{detail}:"
        " at this pace the objective will be missed"
    )


def burn_subject(asset: str, slo: str) -> str:
    """The subject line of a fast-burn warning."""
    return f"{asset}: SLO {slo} is burning its error budget fast"


def _percent(share: float) -> str:
    """0.995 → ``99.5%``, 0.97 → ``97%``."""
    return f"{share * 100:.4g}%"
