"""The incident lifecycle and severity rules, pure, with Hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustwell.incidents.model import (
    OPEN_STATES,
    TRANSITIONS,
    AssetImpact,
    IllegalTransition,
    Status,
    check_transition,
    fingerprint,
    severity_for,
)

STATUSES = list(Status)


@given(st.lists(st.sampled_from(STATUSES), max_size=30))
def test_any_walk_only_takes_allowed_steps_and_final_states_stay_final(
    targets: list[Status],
) -> None:
    current = Status.declared
    for target in targets:
        if target in TRANSITIONS[current]:
            check_transition("INC-1", current, target)
            current = target
        else:
            with pytest.raises(IllegalTransition) as refused:
                check_transition("INC-1", current, target)
            assert refused.value.allowed == sorted(TRANSITIONS[current])
        if current in (Status.closed, Status.dismissed):
            assert not TRANSITIONS[current]


def test_every_state_is_reachable_from_declared_and_can_end() -> None:
    seen, frontier = {Status.declared}, [Status.declared]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(Status)
    for state in OPEN_STATES:
        assert Status.dismissed in TRANSITIONS[state]


def test_resolution_is_never_skipped_to_closed_and_monitoring_is_reachable_unacknowledged() -> None:
    assert Status.closed not in TRANSITIONS[Status.monitoring]
    assert Status.monitoring in TRANSITIONS[Status.declared]  # a passing re-run
    assert Status.resolved not in TRANSITIONS[Status.declared]


def test_illegal_transition_names_the_allowed_ones() -> None:
    with pytest.raises(
        IllegalTransition,
        match=r"^INC-3 is closed: it cannot move to "
        r"investigating; allowed: none \(it is final\)$",
    ):
        check_transition("INC-3", Status.closed, Status.investigating)


IMPACTS = {
    "raw": AssetImpact(3),
    "mart": AssetImpact(1),
    "internal": AssetImpact(2),
    "app_feed": AssetImpact(3, customer_facing=True),
}


@pytest.mark.parametrize(
    ("root", "downstream", "expected"),
    [
        ("raw", [], "SEV-3"),
        ("raw", ["mart"], "SEV-1"),
        ("raw", ["internal"], "SEV-2"),
        ("raw", ["app_feed"], "SEV-2"),  # customer-facing raises to at least SEV-2
        ("mart", ["app_feed"], "SEV-1"),
        ("unknown", [], "SEV-3"),
    ],
)
def test_severity_is_the_lowest_tier_along_lineage(
    root: str, downstream: list[str], expected: str
) -> None:
    assert severity_for(root, downstream, IMPACTS) == expected


@given(st.lists(st.sampled_from(sorted(IMPACTS)), max_size=4))
def test_more_downstream_impact_never_lowers_severity(downstream: list[str]) -> None:
    alone = severity_for("raw", [], IMPACTS)
    assert severity_for("raw", downstream, IMPACTS) <= alone


def test_fingerprints_are_stable_and_distinguish_checks() -> None:
    assert fingerprint("raw.a", "unique:id") == fingerprint("raw.a", "unique:id")
    assert fingerprint("raw.a", "unique:id") != fingerprint("raw.a", "not_null:id")
    assert len(fingerprint("raw.a")) == 24
