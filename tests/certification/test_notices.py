"""The words of certification notices and fast-burn warnings (pure, no store)."""

from __future__ import annotations

import pytest

from trustwell.certification.notices import (
    MAX_REASONS,
    burn_subject,
    burn_text,
    change_subject,
    change_text,
    reasons_text,
    tells,
)

ASSET, USE = "marts.weekly_cac", "exec_reporting"
INCIDENT = "INC-7 (SEV-1) upstream (raw.ad_spend): no open incident is allowed"


@pytest.mark.parametrize(
    ("state", "previous", "news"),
    [
        ("uncertified", None, False),  # never met the bar: nobody relied on it
        ("certified", None, True),
        ("at_risk", None, True),
        ("certified", "uncertified", True),
        ("revoked", "certified", True),
        ("revoked", "at_risk", True),
        ("certified", "revoked", True),
        ("at_risk", "certified", True),
        ("certified", "certified", False),  # only the reasons changed
        ("revoked", "revoked", False),
    ],
)
def test_only_a_change_of_state_is_news(state: str, previous: str | None, news: bool) -> None:
    assert tells(state, previous) is news
    assert (change_text(ASSET, USE, state, ["why"], previous) is not None) is news


def test_revoked_names_the_reason() -> None:
    text = change_text(ASSET, USE, "revoked", [INCIDENT], "certified")
    assert text == f"marts.weekly_cac is no longer certified for exec_reporting: {INCIDENT}"
    assert change_subject(ASSET, USE, "revoked", "certified") == (
        "marts.weekly_cac: no longer certified for exec_reporting"
    )


def test_certified_again_after_a_revocation_or_a_risk_but_not_the_first_time() -> None:
    meets = ["meets every requirement of exec_reporting"]
    assert change_text(ASSET, USE, "certified", meets, "revoked") == (
        "marts.weekly_cac is certified for exec_reporting again"
    )
    assert change_text(ASSET, USE, "certified", meets, "at_risk") == (
        "marts.weekly_cac is certified for exec_reporting again"
    )
    assert change_text(ASSET, USE, "certified", meets, "uncertified") == (
        "marts.weekly_cac is certified for exec_reporting"
    )
    assert change_text(ASSET, USE, "certified", meets, None) == (
        "marts.weekly_cac is certified for exec_reporting"
    )
    assert change_subject(ASSET, USE, "certified", "revoked").endswith("exec_reporting again")


def test_at_risk_names_the_warning() -> None:
    why = "freshness: freshness:loaded_at warned in run R-2"
    assert change_text(ASSET, USE, "at_risk", [why], "certified") == (
        f"marts.weekly_cac is at risk for exec_reporting: {why}"
    )


def test_many_reasons_are_cut_and_counted_blank_ones_dropped() -> None:
    reasons = [f"reason {n}" for n in range(MAX_REASONS + 2)]
    assert reasons_text(reasons) == ": reason 0; reason 1; reason 2; and 2 more"
    assert reasons_text(["  ", ""]) == ""
    assert change_text(ASSET, USE, "revoked", [], "certified") == (
        "marts.weekly_cac is no longer certified for exec_reporting"
    )


def test_burn_warning_gives_the_numbers_it_has() -> None:
    text = burn_text(ASSET, "fresh within 26h", attainment=0.9524, objective=0.95)
    assert text == (
        "marts.weekly_cac is burning the error budget of its SLO fresh within 26h fast"
        " (95.24% attained, objective 95%): at this pace the objective will be missed"
    )
    bare = burn_text(ASSET, "unique:id passed", attainment=None, objective=None)
    assert "fast: at this pace" in bare and "attained" not in bare
    assert burn_subject(ASSET, "x") == "marts.weekly_cac: SLO x is burning its error budget fast"
