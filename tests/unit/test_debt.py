"""Data-quality debt, pure: derivation from facts, ranking, totals, efforts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from trustwell.debt.derive import (
    DEFAULTS,
    AssetFacts,
    Facts,
    FailingCheck,
    OverdueAction,
    OwedPostmortem,
    RevokedCertificate,
    derive,
)
from trustwell.debt.files import effort_points
from trustwell.debt.model import NO_TEAM, OVERDUE_FACTOR, DebtItem, rank, report

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def hand(id: str, interest: float, due: date | None = None, **kw: object) -> DebtItem:
    fields: dict[str, object] = {
        "kind": "file", "title": id, "asset": None, "team": "growth", "principal": 1.0,
        "since": None, "source": "file",
    } | kw  # fmt: skip
    return DebtItem(id=id, interest=interest, due=due, **fields)  # type: ignore[arg-type]


def test_an_asset_missing_everything_is_four_items_with_the_default_costs() -> None:
    facts = Facts(
        now=NOW,
        assets=[
            AssetFacts("raw.bare", None, None, has_checks=False, lineage_known=False),
            AssetFacts("marts.kpi", "growth", "  ", has_checks=True, lineage_known=True),
            AssetFacts("marts.fine", "growth", "Weekly KPI", has_checks=True, lineage_known=True),
        ],
    )
    items = derive(facts)
    assert sorted(i.id for i in items) == [
        "no_checks:raw.bare", "no_description:marts.kpi", "no_description:raw.bare",
        "no_lineage:raw.bare", "no_owner:raw.bare",
    ]  # fmt: skip
    for item in items:
        assert (item.principal, item.interest) == (
            DEFAULTS[item.kind].principal,
            DEFAULTS[item.kind].interest,
        )
        assert item.source == "derived" and item.asset in ("raw.bare", "marts.kpi")
    assert {i.team for i in items if i.asset == "marts.kpi"} == {"growth"}
    assert {i.team for i in items if i.asset == "raw.bare"} == {None}


def test_a_check_and_a_certificate_count_only_after_more_than_a_week() -> None:
    assets = [AssetFacts("raw.feed", "platform", "d", has_checks=True, lineage_known=True)]
    facts = Facts(
        now=NOW,
        assets=assets,
        failing=[
            FailingCheck("raw.feed", "freshness", "fail", NOW - 8 * DAY),
            FailingCheck("raw.feed", "unique:id", "warn", NOW - 7 * DAY),  # exactly a week: not yet
            FailingCheck("raw.feed", "row_count", "warn", NOW - 7 * DAY - timedelta(seconds=1)),
        ],
        revoked=[
            RevokedCertificate("raw.feed", "exec", NOW - 10 * DAY),
            RevokedCertificate("raw.feed", "ops", NOW - 2 * DAY),
        ],
    )
    items = {i.id: i for i in derive(facts)}
    assert sorted(items) == [
        "certificate_revoked:raw.feed/exec",
        "check_failing:raw.feed/freshness",
        "check_failing:raw.feed/row_count",
    ]
    assert "failing" in items["check_failing:raw.feed/freshness"].title
    assert "warning" in items["check_failing:raw.feed/row_count"].title
    assert items["certificate_revoked:raw.feed/exec"].since == NOW - 10 * DAY
    assert all(i.team == "platform" for i in items.values())


def test_postmortems_and_overdue_actions_carry_their_dates_and_teams() -> None:
    due = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 21 November in Berlin
    facts = Facts(
        now=NOW,
        timezone="Europe/Berlin",
        assets=[AssetFacts("raw.feed", "platform", "d", has_checks=True, lineage_known=True)],
        postmortems=[OwedPostmortem("INC-3", "late", "SEV-1", "raw.feed", NOW - DAY, "draft")],
        actions=[
            OverdueAction(4, "add a check", "INC-3", "raw.feed", "alice", "platform", due),
            OverdueAction(5, "write docs", None, None, "erin", "growth", due),
        ],
    )
    items = {i.id: i for i in derive(facts)}
    owed = items["postmortem_missing:INC-3"]
    assert (owed.team, owed.since, owed.asset) == ("platform", NOW - DAY, "raw.feed")
    assert "draft" in owed.title
    first, second = items["action_overdue:#4"], items["action_overdue:#5"]
    assert (first.due, first.team, first.asset) == (date(2026, 11, 21), "platform", "raw.feed")
    assert (second.team, second.asset) == ("growth", None)
    assert "INC-3" in first.title and "INC-" not in second.title


def test_ranking_by_interest_with_overdue_hand_items_doubled() -> None:
    today = date(2026, 11, 22)
    late = hand("late", 3.0, due=date(2026, 11, 21))  # ranks as 6
    on_time = hand("on-time", 5.0, due=date(2026, 11, 22))  # due today: not overdue
    derived = hand("derived", 5.5, due=date(2026, 1, 1), source="derived", kind="action_overdue")
    big = hand("big", 5.0, principal=8.0)
    ranked = rank([on_time, derived, late, big], today)
    assert [i.id for i in ranked] == ["late", "derived", "big", "on-time"]
    assert late.rank_interest(today) == 3.0 * OVERDUE_FACTOR
    assert derived.rank_interest(today) == 5.5  # the factor is for hand-written items


def test_totals_per_team_sum_the_stated_interest() -> None:
    today = date(2026, 11, 22)
    items = [
        hand("a", 2.0, due=date(2026, 1, 1), principal=3.0),
        hand("b", 1.5, team="finance", principal=0.5),
        hand("c", 4.0, team=None),
        hand("d", 0.25, principal=0.25),
    ]
    found = report(items, today)
    assert list(found.teams) == [NO_TEAM, "growth", "finance"]  # by interest, largest first
    assert found.teams["growth"].to_json() == {"items": 2, "principal": 3.25, "interest": 2.25}
    assert found.teams[NO_TEAM].items == 1
    assert found.total.to_json() == {"items": 4, "principal": 4.75, "interest": 7.75}
    document = found.to_json()
    assert [i["id"] for i in document["items"]] == ["a", "c", "b", "d"]  # a: 2 x 2 = 4 first
    assert document["items"][0]["overdue"] is True and document["items"][1]["team"] == NO_TEAM


@pytest.mark.parametrize(
    ("text", "points"),
    [("4h", 0.5), ("3d", 3.0), ("2w", 10.0), ("1.5d", 1.5), (2, 2.0), (0.5, 0.5)],
)
def test_effort_points(text: str | float, points: float) -> None:
    assert effort_points(text) == points


@pytest.mark.parametrize("text", ["3 days", "d3", "", "-1d", "3m"])
def test_effort_points_refuses_what_is_not_an_effort(text: str) -> None:
    with pytest.raises(ValueError, match="is not an effort"):
        effort_points(text)
