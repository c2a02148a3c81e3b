"""The drift plan picks Evidently's default method from per-side profiles alone."""

from __future__ import annotations

from trustwell.checks.drift_plan import SideProfile, plan
from trustwell.checks.drift_sql import CURRENT, REFERENCE


def profiles(ref: SideProfile, cur: SideProfile) -> dict[str | None, SideProfile]:
    return {REFERENCE: ref, CURRENT: cur}


def test_more_than_five_values_on_one_side_decides_at_once() -> None:
    found = profiles(SideProfile(5000, 40, 0.0, 9.0, 1.0), SideProfile(5000, 3, 0.0, 2.0, 1.0))
    chosen = plan(None, "x", "ref", found, None, True, False, 100_000)
    assert chosen is not None and chosen.method == "wasserstein"
    small = profiles(SideProfile(800, 40, 0.0, 9.0, 1.0), SideProfile(800, 3, 0.0, 2.0, 1.0))
    chosen = plan(None, "x", "ref", small, None, True, False, 100_000)
    assert chosen is not None and chosen.method == "ks"


def test_few_values_per_side_are_resolved_from_the_values_of_both_together() -> None:
    """3 values on each side, 6 together (Evidently: numeric, more than 5): ks/wasserstein;
    the same 3 values on both sides: at most 5 together, so chi-square/jensen-shannon."""
    found = profiles(SideProfile(800, 3, 1.0, 3.0, 1.0), SideProfile(800, 3, 4.0, 6.0, 1.0))
    chosen = plan(None, "x", "ref", found, None, True, True, 100_000)
    assert chosen is not None and chosen.method is None  # decided once the values are counted
    assert chosen.resolve({1: 300, 2: 300, 3: 200}, {4: 300, 5: 300, 6: 200}) == "ks"
    assert chosen.resolve({1: 300, 2: 300, 3: 200}, {1: 300, 2: 300, 3: 200}) == "chi_square"
    large = profiles(SideProfile(5000, 3, 1.0, 3.0, 1.0), SideProfile(5000, 3, 4.0, 6.0, 1.0))
    chosen = plan(None, "x", "ref", large, None, True, True, 100_000)
    assert chosen is not None
    assert chosen.resolve({1: 1, 2: 1, 3: 1}, {4: 1, 5: 1, 6: 1}) == "wasserstein"
    assert chosen.resolve({1: 1, 2: 1, 3: 1}, {3: 1, 2: 1}) == "jensen_shannon"
