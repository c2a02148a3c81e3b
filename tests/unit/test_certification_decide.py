"""The certification rule: every state, every transition, every kind of requirement."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from trustwell.certification.decide import (
    RULE_VERSION,
    CheckEvidence,
    Evidence,
    IncidentEvidence,
    PassRate,
    Previous,
    SloEvidence,
    decide,
)
from trustwell.checks.registry import CHECK_TYPES, LATER_TYPES
from trustwell.config.use_cases import Policy, read_policy

NOW = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=3)
TYPES = (*CHECK_TYPES, *LATER_TYPES)


def policy(requires: list[object], max_open: str = "none", valid_for: str | None = None) -> Policy:
    read, problems = read_policy("exec_reporting", requires, None, max_open, valid_for, TYPES)
    assert problems == []
    return read


def fresh(
    status: str = "pass",
    *,
    check: str = "freshness:loaded_at",
    type_: str = "freshness",
    at: datetime = NOW - timedelta(hours=1),
    run: str = "R-2",
    result: int = 12,
) -> CheckEvidence:
    return CheckEvidence(check, type_, status, at, run, result)  # type: ignore[arg-type]


FRESHNESS = policy(["freshness"])
GOOD = Evidence("marts.weekly_cac", NOW, checks=(fresh(),))


def test_certified_when_every_requirement_holds_with_the_evidence_used() -> None:
    decision = decide(FRESHNESS, GOOD)
    assert decision.state == "certified"
    assert decision.since == NOW and decision.decided_at == NOW
    assert decision.reasons == ("meets every requirement of exec_reporting",)
    assert decision.missing == ()
    assert decision.run_ids == ("R-2",) and decision.result_ids == (12,)
    assert decision.incident_ids == ()
    assert decision.rule_version == RULE_VERSION == "1"
    assert [(o.requirement, o.verdict, o.detail) for o in decision.outcomes] == [
        ("freshness", "holds", "freshness:loaded_at passed")
    ]


def test_never_certified_is_uncertified_with_every_missing_requirement_listed() -> None:
    every = policy(
        [
            "freshness",
            "row_count",
            "owner",
            "description",
            {"lineage": "known"},
            {"slo": "met"},
            {"pass_rate": "99%", "window": "7d"},
        ]
    )
    evidence = Evidence("a", NOW, checks=(CheckEvidence("row_count", "row_count"),))
    decision = decide(every, evidence)
    assert decision.state == "uncertified"
    assert decision.missing == (
        "freshness",
        "row_count",
        "owner",
        "description",
        "lineage: known",
        "slo: met",
        "pass_rate: 99% over 7d",
    )
    assert decision.reasons == (
        "freshness: the asset has no freshness check",
        "row_count: row_count has not run yet",
        "owner: the asset has no owner",
        "description: the asset has no description",
        "lineage: known: no upstream is declared or reported for the asset",
        "slo: met: the asset declares no SLO",
        "pass_rate: 99% over 7d: no check results in the last 7d",
    )
    assert decision.run_ids == () and decision.result_ids == ()


def test_every_kind_of_requirement_can_hold() -> None:
    every = policy(
        [
            "freshness",
            "owner",
            "description",
            {"lineage": "known"},
            {"slo": "met"},
            {"pass_rate": "99%", "window": "7d"},
        ]
    )
    evidence = replace(
        GOOD,
        owner="growth-analytics",
        description=" Weekly CAC. ",
        lineage_known=True,
        slos=(SloEvidence("fresh", met=True),),
        pass_rates={timedelta(days=7): PassRate(99, 100, ("R-1", "R-2"))},
    )
    decision = decide(every, evidence)
    assert decision.state == "certified"
    assert [o.detail for o in decision.outcomes] == [
        "freshness:loaded_at passed",
        "owner is 'growth-analytics'",
        "description is 'Weekly CAC.'",
        "its upstream is known",
        "met: fresh",
        "99 of 100 results passed (99%)",
    ]
    assert decision.run_ids == ("R-2", "R-1")


def test_a_blank_owner_or_description_does_not_count() -> None:
    decision = decide(policy(["owner", "description"]), replace(GOOD, owner=" ", description=""))
    assert decision.missing == ("owner", "description")


def test_a_pass_rate_below_the_minimum_is_broken_and_one_at_it_holds() -> None:
    rule = policy([{"pass_rate": "95%", "window": "28d"}])
    low = replace(GOOD, pass_rates={timedelta(days=28): PassRate(94, 100, ("R-1",))})
    at = replace(GOOD, pass_rates={timedelta(days=28): PassRate(95, 100)})
    other_window = replace(GOOD, pass_rates={timedelta(days=7): PassRate(100, 100)})
    broken = decide(rule, low, Previous("certified", EARLIER))
    assert broken.state == "revoked"
    assert broken.reasons == ("pass_rate: 95% over 28d: 94 of 100 results passed (94%)",)
    assert broken.run_ids == ("R-1",)
    assert decide(rule, at).state == "certified"
    assert decide(rule, other_window).missing == ("pass_rate: 95% over 28d",)


def test_slos_missed_break_and_burning_fast_put_at_risk() -> None:
    rule = policy([{"slo": "met"}])
    missed = replace(GOOD, slos=(SloEvidence("fresh", met=False), SloEvidence("rows", met=True)))
    fast = replace(GOOD, slos=(SloEvidence("fresh", met=True, burning_fast=True),))
    assert decide(rule, missed, Previous("certified", EARLIER)).reasons == (
        "slo: met: missed: fresh",
    )
    at_risk = decide(rule, fast, Previous("certified", EARLIER))
    assert at_risk.state == "at_risk"
    assert at_risk.reasons == ("slo: met: error budget burning fast: fresh",)


def test_a_warning_puts_a_certificate_at_risk_since_now() -> None:
    decision = decide(
        FRESHNESS, replace(GOOD, checks=(fresh("warn"),)), Previous("certified", EARLIER)
    )
    assert decision.state == "at_risk" and decision.since == NOW
    assert decision.reasons == ("freshness: freshness:loaded_at warned in run R-2",)
    assert decision.missing == ()


@pytest.mark.parametrize("status", ["fail", "error"])
@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "uncertified"),
        ("uncertified", "uncertified"),
        ("certified", "revoked"),
        ("at_risk", "revoked"),
        ("revoked", "revoked"),
    ],
)
def test_a_broken_requirement_revokes_only_a_certificate_once_held(
    status: str, before: str | None, after: str
) -> None:
    previous = Previous(before, EARLIER) if before else None  # type: ignore[arg-type]
    decision = decide(FRESHNESS, replace(GOOD, checks=(fresh(status),)), previous)
    assert decision.state == after
    assert decision.since == (EARLIER if before == after else NOW)
    verb = "failed" if status == "fail" else "could not run"
    assert decision.reasons == (f"freshness: freshness:loaded_at {verb} in run R-2",)
    assert decision.missing == ("freshness",)
    assert decision.run_ids == ("R-2",) and decision.result_ids == (12,)


@pytest.mark.parametrize("before", [None, "uncertified", "revoked", "at_risk", "certified"])
def test_meeting_the_bar_certifies_from_any_state(before: str | None) -> None:
    previous = Previous(before, EARLIER) if before else None  # type: ignore[arg-type]
    decision = decide(FRESHNESS, GOOD, previous)
    assert decision.state == "certified"
    assert decision.since == (EARLIER if before == "certified" else NOW)


def test_one_failing_check_of_a_required_type_breaks_it_even_if_another_passes() -> None:
    checks = (fresh(), fresh("fail", check="freshness:updated_at", run="R-3", result=13))
    decision = decide(FRESHNESS, replace(GOOD, checks=checks), Previous("certified", EARLIER))
    assert decision.state == "revoked"
    assert decision.reasons == ("freshness: freshness:updated_at failed in run R-3",)
    assert decision.result_ids == (12, 13)


@pytest.mark.parametrize(
    ("bar", "severity", "state"),
    [
        ("none", "SEV-3", "revoked"),
        ("SEV-2", "SEV-1", "revoked"),
        ("SEV-2", "SEV-2", "at_risk"),
        ("SEV-2", "SEV-3", "at_risk"),
        ("SEV-1", "SEV-1", "at_risk"),
        ("SEV-3", "SEV-2", "revoked"),
    ],
)
def test_max_open_severity_sets_which_open_incident_breaks_and_which_warns(
    bar: str, severity: str, state: str
) -> None:
    incident = IncidentEvidence("INC-3", severity, "marts.weekly_cac")
    evidence = replace(GOOD, open_incidents=(incident,))
    decision = decide(policy(["freshness"], bar), evidence, Previous("certified", EARLIER))
    assert decision.state == state
    assert decision.incident_ids == ("INC-3",)
    if state == "revoked":
        bar_text = (
            "no open incident is allowed" if bar == "none" else f"above max_open_severity {bar}"
        )
        assert decision.reasons == (f"INC-3 ({severity}) open on the asset: {bar_text}",)
        assert decision.missing == ()
    else:
        assert decision.reasons == (
            f"INC-3 ({severity}) open on the asset, within max_open_severity {bar}",
        )


def test_an_upstream_incident_revokes_above_the_bar_and_warns_below_it() -> None:
    upstream = IncidentEvidence("INC-7", "SEV-1", "raw.ad_spend", upstream=True)
    evidence = replace(GOOD, open_incidents=(upstream,))
    revoked = decide(FRESHNESS, evidence, Previous("certified", EARLIER))
    assert revoked.state == "revoked"
    assert revoked.reasons == (
        "INC-7 (SEV-1) upstream (raw.ad_spend): no open incident is allowed",
    )
    assert revoked.incident_ids == ("INC-7",)
    minor = replace(GOOD, open_incidents=(replace(upstream, severity="SEV-3"),))
    at_risk = decide(policy(["freshness"], "SEV-3"), minor, Previous("certified", EARLIER))
    assert at_risk.state == "at_risk"
    assert at_risk.reasons == (
        "INC-7 (SEV-3) upstream (raw.ad_spend), within max_open_severity SEV-3",
    )
    # Never certified: an upstream incident keeps the asset uncertified.
    assert decide(FRESHNESS, evidence).state == "uncertified"


def test_evidence_older_than_valid_for_no_longer_counts() -> None:
    rule = policy(["freshness"], valid_for="26h")
    old = replace(GOOD, checks=(fresh(at=NOW - timedelta(hours=27)),))
    decision = decide(rule, old, Previous("certified", EARLIER))
    assert decision.state == "revoked"
    assert decision.reasons == (
        "freshness: freshness:loaded_at last ran 1d 3h ago, longer than valid_for (1d 2h):"
        " needs a fresh run",
    )
    assert decision.run_ids == () and decision.result_ids == ()  # the old run is not used
    assert decide(rule, old).state == "uncertified"
    # Within valid_for it counts; without valid_for evidence never expires.
    assert decide(rule, replace(GOOD, checks=(fresh(at=NOW - timedelta(hours=26)),))).state == (
        "certified"
    )
    assert decide(FRESHNESS, old).state == "certified"


def test_an_expired_failure_still_needs_a_fresh_run_and_a_failure_outranks_it() -> None:
    rule = policy(["freshness"], valid_for="1d")
    checks = (fresh(at=NOW - timedelta(days=2)), fresh("fail", check="freshness:b", run="R-9"))
    decision = decide(rule, replace(GOOD, checks=checks))
    assert decision.outcomes[0].verdict == "broken"
    assert decision.reasons == ("freshness: freshness:b failed in run R-9",)


def test_risk_defaults_decide_like_written_requirements() -> None:
    low, problems = read_policy("u", None, "low", "none", None, TYPES)
    assert problems == []
    checks = (fresh(), fresh(check="schema", type_="schema", run="R-2", result=14))
    assert decide(low, replace(GOOD, checks=checks)).state == "certified"
    high, _ = read_policy("u", None, "high", "none", None, TYPES)
    # no drift, fairness or model check is declared: a high-risk use case cannot hold.
    assert decide(high, replace(GOOD, checks=checks, lineage_known=True)).missing[-3:] == (
        "drift",
        "fairness",
        "model",
    )
