"""On-call rotations: who holds the pager when, overrides, and the incident roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustwell.config.models import ProjectSettings, Rotation
from trustwell.incidents.oncall import (
    Shift,
    commander_for,
    next_handoff,
    on_call,
    rotation_period,
    shifts,
    smes_for,
)

UTC_START = datetime(2026, 11, 16, 9, tzinfo=UTC)  # a Monday, 09:00Z


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def rotation(**fields: Any) -> Rotation:
    values: dict[str, Any] = {
        "members": ["alice", "bob", "carol"],
        "rotation": "daily",
        "start": "2026-11-16T09:00:00Z",
    }
    return Rotation.model_validate(values | fields)


# --- the required week, hour by hour ------------------------------------------------

WEEK = rotation(
    overrides=[
        {"who": "dave", "from": "2026-11-18T13:00:00Z", "to": "2026-11-19T02:00:00Z"},
        # Written later, so it wins where the two overlap.
        {"who": "erin", "from": "2026-11-18T20:00:00Z", "to": "2026-11-18T22:00:00Z"},
    ]
)

# One row per UTC day from Monday 2026-11-16, one letter per hour; "." = nobody
# (before the first hand-off at Monday 09:00Z). Hand-offs every day at 09:00Z.
EXPECTED_WEEK = """\
.........aaaaaaaaaaaaaaa
aaaaaaaaabbbbbbbbbbbbbbb
bbbbbbbbbccccdddddddeedd
ddcccccccaaaaaaaaaaaaaaa
aaaaaaaaabbbbbbbbbbbbbbb
bbbbbbbbbccccccccccccccc
cccccccccaaaaaaaaaaaaaaa
"""
INITIALS = {"a": "alice", "b": "bob", "c": "carol", "d": "dave", "e": "erin", ".": None}


def test_a_week_of_daily_rotation_with_overrides_checked_hour_by_hour() -> None:
    monday = at("2026-11-16T00:00:00")
    for day, row in enumerate(EXPECTED_WEEK.splitlines()):
        assert len(row) == 24
        for hour, letter in enumerate(row):
            moment = monday + timedelta(days=day, hours=hour)
            assert on_call(WEEK, moment) == INITIALS[letter], moment.isoformat()


def test_the_week_as_shifts_splits_the_rotation_around_the_overrides() -> None:
    found = shifts(WEEK, at("2026-11-18T00:00:00"), at("2026-11-19T12:00:00"))
    assert found == [
        Shift("bob", at("2026-11-18T00:00:00"), at("2026-11-18T09:00:00")),
        Shift("carol", at("2026-11-18T09:00:00"), at("2026-11-18T13:00:00")),
        Shift("dave", at("2026-11-18T13:00:00"), at("2026-11-18T20:00:00"), override=True),
        Shift("erin", at("2026-11-18T20:00:00"), at("2026-11-18T22:00:00"), override=True),
        Shift("dave", at("2026-11-18T22:00:00"), at("2026-11-19T02:00:00"), override=True),
        Shift("carol", at("2026-11-19T02:00:00"), at("2026-11-19T09:00:00")),
        Shift("alice", at("2026-11-19T09:00:00"), at("2026-11-19T12:00:00")),
    ]


def test_shifts_leave_out_the_time_before_the_first_handoff() -> None:
    found = shifts(WEEK, at("2026-11-15T00:00:00"), at("2026-11-16T12:00:00"))
    assert found == [Shift("alice", UTC_START, at("2026-11-16T12:00:00"))]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-15T00:00:00", (UTC_START, "alice")),
        ("2026-11-18T10:00:00", (at("2026-11-18T13:00:00"), "dave")),
        ("2026-11-18T14:00:00", (at("2026-11-18T20:00:00"), "erin")),
        ("2026-11-18T21:00:00", (at("2026-11-18T22:00:00"), "dave")),
        ("2026-11-18T23:00:00", (at("2026-11-19T02:00:00"), "carol")),
        ("2026-11-19T02:00:00", (at("2026-11-19T09:00:00"), "alice")),
    ],
)
def test_next_handoff_counts_override_boundaries(
    moment: str, expected: tuple[datetime, str]
) -> None:
    assert next_handoff(WEEK, at(moment)) == expected


def test_next_handoff_skips_handoffs_that_keep_the_same_person() -> None:
    same_twice = rotation(members=["alice", "alice", "bob"])
    assert next_handoff(same_twice, at("2026-11-16T10:00:00")) == (
        at("2026-11-18T09:00:00"),
        "bob",
    )
    alone = rotation(members=["alice"], rotation="weekly")
    assert next_handoff(alone, at("2026-11-17T10:00:00")) == (at("2026-11-23T09:00:00"), "alice")


def test_override_before_the_start_hands_back_to_nobody() -> None:
    early = rotation(
        overrides=[{"who": "dave", "from": "2026-11-10T00:00:00Z", "to": "2026-11-11T00:00:00Z"}]
    )
    assert on_call(early, at("2026-11-10T12:00:00")) == "dave"
    assert next_handoff(early, at("2026-11-10T12:00:00")) == (at("2026-11-11T00:00:00"), None)


@pytest.mark.parametrize(
    ("value", "period"),
    [
        ("daily", timedelta(days=1)),
        ("weekly", timedelta(days=7)),
        ({"every": "3d"}, timedelta(days=3)),
        ("12h", timedelta(hours=12)),
    ],
)
def test_rotation_periods(value: Any, period: timedelta) -> None:
    assert rotation_period(rotation(rotation=value)) == period


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"rotation": "fortnightly"},
            "rotation 'fortnightly' is not valid: write daily, weekly, {every: 3d} "
            "or a duration such as 12h",
        ),
        (
            {"rotation": {"each": "3d"}},
            "rotation {'each': '3d'} is not valid: write daily, weekly, {every: 3d} "
            "or a duration such as 12h",
        ),
        ({"rotation": "0h"}, "rotation '0h' is not valid: the period must be longer than 0"),
        ({"members": []}, "the rotation has no members: list them in rotation order"),
        (
            {"start": "next monday"},
            "start 'next monday' is not an ISO-8601 timestamp, e.g. 2026-01-05T09:00:00Z",
        ),
        (
            {"overrides": [{"who": "x", "from": "2026-11-20", "to": "2026-11-19"}]},
            "override 1: 'to' (2026-11-19) must be after 'from'",
        ),
    ],
)
def test_invalid_rotations_are_refused_with_a_clear_message(
    fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        on_call(rotation(**fields), UTC_START)
    assert str(caught.value) == message


# --- roles ---------------------------------------------------------------------------

SETTINGS = ProjectSettings.model_validate(
    {
        "teams": {
            "data-platform": {"members": ["alice", "bob", "carol"], "lead": "dave"},
            "growth": {"members": ["erin", "alice"]},
            "empty": {"members": []},
        },
        "oncall": {
            "data-platform": {
                "members": ["carol", "bob"],
                "rotation": "weekly",
                "start": "2026-11-16T09:00:00Z",
            },
            "ops": {"members": ["olga"], "start": "2026-11-16T09:00:00Z"},
        },
    }
)


def test_commander_is_whoever_is_on_call_in_the_owner_teams_rotation() -> None:
    assert commander_for(SETTINGS, "data-platform", at("2026-11-24T00:00:00")) == "bob"


def test_commander_falls_back_to_first_member_then_reporter() -> None:
    before_start = at("2026-11-01T00:00:00")
    assert commander_for(SETTINGS, "data-platform", before_start, reporter="zoe") == "alice"
    assert commander_for(SETTINGS, "growth", before_start, reporter="zoe") == "erin"
    assert commander_for(SETTINGS, "empty", before_start, reporter="zoe") == "zoe"
    assert commander_for(SETTINGS, "nobody-owns-this", before_start, reporter="zoe") == "zoe"
    assert commander_for(SETTINGS, None, before_start) is None


def test_smes_are_the_members_of_the_owning_teams_each_once() -> None:
    teams = ["growth", "data-platform", "growth", None, "ops", "unknown"]
    assert smes_for(SETTINGS, teams) == ["erin", "alice", "bob", "carol", "olga"]


# --- properties ----------------------------------------------------------------------

names = st.sampled_from(["alice", "bob", "carol", "dave", "erin", "frank"])
periods = st.integers(min_value=1, max_value=14 * 24 * 60).map(lambda m: timedelta(minutes=m))


def plain(members: list[str], period: timedelta, overrides: list[dict[str, str]]) -> Rotation:
    return rotation(members=members, rotation=f"{period.total_seconds():.0f}s", overrides=overrides)


@given(
    members=st.lists(names, min_size=1, max_size=5, unique=True),
    period=periods,
    shift=st.integers(min_value=0, max_value=500),
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_person_is_constant_within_a_shift_and_follows_member_order(
    members: list[str], period: timedelta, shift: int, fraction: float
) -> None:
    plan = plain(members, period, [])
    begins = UTC_START + shift * period
    inside = begins + min(period * fraction, period - timedelta(microseconds=1))
    expected = members[shift % len(members)]
    for moment in (begins, inside, begins + period - timedelta(microseconds=1)):
        assert on_call(plan, moment) == expected


@given(
    members=st.lists(names, min_size=1, max_size=5),
    period=periods,
    offsets=st.lists(st.integers(min_value=-2000, max_value=20000), min_size=4, max_size=4),
    probe=st.integers(min_value=0, max_value=1000),
)
def test_an_override_window_always_wins_and_the_latest_wins_overlaps(
    members: list[str], period: timedelta, offsets: list[int], probe: int
) -> None:
    first, second = sorted(offsets[:2]), sorted(offsets[2:])
    hours = [UTC_START + timedelta(hours=h) for h in (*first, *second)]
    overrides = [
        {
            "who": "ovi",
            "from": hours[0].isoformat(),
            "to": (hours[1] + timedelta(hours=1)).isoformat(),
        },
        {
            "who": "lia",
            "from": hours[2].isoformat(),
            "to": (hours[3] + timedelta(hours=1)).isoformat(),
        },
    ]
    plan = plain(members, period, overrides)
    in_first = hours[0] + (hours[1] + timedelta(hours=1) - hours[0]) * (probe / 1001)
    in_second = hours[2] + (hours[3] + timedelta(hours=1) - hours[2]) * (probe / 1001)
    assert on_call(plan, in_second) == "lia"
    in_second_window = hours[2] <= in_first < hours[3] + timedelta(hours=1)
    assert on_call(plan, in_first) == ("lia" if in_second_window else "ovi")


@given(
    members=st.lists(names, min_size=1, max_size=4),
    period=periods,
    window=st.tuples(st.integers(-100, 400), st.integers(1, 200)),
    asked=st.integers(min_value=-200, max_value=600),
    fraction=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_next_handoff_is_the_first_change_and_nothing_changes_before_it(
    members: list[str], period: timedelta, window: tuple[int, int], asked: int, fraction: float
) -> None:
    begin = UTC_START + timedelta(hours=window[0])
    overrides = [
        {
            "who": "ovi",
            "from": begin.isoformat(),
            "to": (begin + timedelta(hours=window[1])).isoformat(),
        }
    ]
    plan = plain(members, period, overrides)
    moment = UTC_START + timedelta(hours=asked)
    when, person = next_handoff(plan, moment)
    current = on_call(plan, moment)
    assert when > moment
    assert on_call(plan, when) == person
    between = min(moment + (when - moment) * fraction, when - timedelta(microseconds=1))
    assert on_call(plan, between) == current
    assert on_call(plan, when - timedelta(microseconds=1)) == current
    if person == current:  # only a rotation that never changes hands
        assert len(set(members)) == 1
