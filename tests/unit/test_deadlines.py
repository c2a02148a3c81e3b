"""Response deadlines: business hours, acknowledgement escalation, update reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustwell.config.models import ResponsePolicy, Team
from trustwell.incidents.deadlines import (
    DEFAULT_RESPONSE,
    ack_deadline,
    add_business_time,
    business_time_between,
    due_escalation,
    due_reminder,
    escalation_recipients,
    next_update_due,
    policy_for,
)

BERLIN = ZoneInfo("Europe/Berlin")
SEV1, SEV2 = DEFAULT_RESPONSE["SEV-1"], DEFAULT_RESPONSE["SEV-2"]


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


# --- business time -------------------------------------------------------------------


def test_friday_afternoon_ack_of_four_business_hours_is_due_monday_midday() -> None:
    declared = berlin("2026-11-20T16:30")  # a Friday
    assert ack_deadline(declared, SEV2, "Europe/Berlin") == berlin("2026-11-23T12:30")


def test_business_time_follows_the_local_clock_across_daylight_saving() -> None:
    # Summer time ends on Sunday 2026-10-25: opening hours move one hour in UTC.
    declared = berlin("2026-10-23T16:00")
    assert add_business_time(declared, timedelta(hours=4), BERLIN) == berlin("2026-10-26T12:00")
    assert business_time_between(declared, berlin("2026-10-26T12:00"), BERLIN) == timedelta(hours=4)


def test_business_time_starts_at_the_next_opening_and_may_end_at_closing() -> None:
    saturday = berlin("2026-11-21T10:00")
    assert add_business_time(saturday, timedelta(hours=1), BERLIN) == berlin("2026-11-23T10:00")
    assert add_business_time(saturday, timedelta(0), BERLIN) == saturday
    assert add_business_time(berlin("2026-11-23T09:00"), timedelta(hours=8), BERLIN) == berlin(
        "2026-11-23T17:00"
    )
    assert business_time_between(berlin("2026-11-20T17:00"), saturday, BERLIN) == timedelta(0)
    monday = berlin("2026-11-23T10:00")
    assert business_time_between(monday, saturday, BERLIN) == -timedelta(hours=1)


def test_a_negative_business_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        add_business_time(berlin("2026-11-23T10:00"), timedelta(hours=-1), BERLIN)


zones = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
)
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))


@given(start=moments, duration=durations, tz=zones)
def test_counting_back_business_time_added_gives_the_same_duration(
    start: datetime, duration: timedelta, tz: str
) -> None:
    end = add_business_time(start, duration, tz)
    assert end >= start
    assert business_time_between(start, end, tz) == duration


@given(
    starts=st.lists(moments, min_size=2, max_size=2),
    sizes=st.lists(durations, min_size=2, max_size=2),
    tz=zones,
)
def test_adding_business_time_is_monotonic(
    starts: list[datetime], sizes: list[timedelta], tz: str
) -> None:
    early, late = sorted(starts)
    short, long = sorted(sizes)
    assert add_business_time(early, short, tz) <= add_business_time(late, short, tz)
    assert add_business_time(early, short, tz) <= add_business_time(early, long, tz)


@given(points=st.lists(moments, min_size=3, max_size=3), tz=zones)
def test_business_time_between_adds_up(points: list[datetime], tz: str) -> None:
    a, b, c = sorted(points)
    whole = business_time_between(a, c, tz)
    assert whole == business_time_between(a, b, tz) + business_time_between(b, c, tz)
    assert timedelta(0) <= whole <= c - a


# --- policies -------------------------------------------------------------------------


def test_a_severity_without_policy_takes_the_defaults() -> None:
    assert policy_for({}, "SEV-1") == ResponsePolicy(
        ack_within="15m", update_every="30m", postmortem="required"
    )
    assert policy_for({}, "SEV-9") == DEFAULT_RESPONSE["SEV-3"]


def test_keys_a_policy_leaves_out_come_from_the_defaults() -> None:
    partial = policy_for({"SEV-2": ResponsePolicy(ack_within="1h")}, "SEV-2")
    assert (partial.ack_within, partial.update_every, partial.business_hours) == ("1h", "4h", True)
    explicit = ResponsePolicy.model_validate({"business_hours": False})
    assert policy_for({"SEV-2": explicit}, "SEV-2").business_hours is False


# --- escalation -----------------------------------------------------------------------


def test_sev1_escalates_every_ack_within_around_the_clock() -> None:
    declared = datetime(2026, 11, 21, 23, 50, tzinfo=UTC)  # a Saturday night

    def due(minutes: int, level: int = 0) -> int | None:
        now = declared + timedelta(minutes=minutes)
        return due_escalation(declared, None, level, SEV1, now, "Europe/Berlin")

    assert [due(14), due(15), due(29, 1), due(30, 1), due(45, 2), due(600, 3)] == [
        None,
        1,
        None,
        2,
        3,
        None,
    ]
    assert due(31) == 2  # a late scheduler jumps to the highest level due


def test_business_hours_escalation_pauses_over_the_weekend() -> None:
    declared = berlin("2026-11-20T16:30")  # Friday; 4h business ack

    def due(now: str, level: int) -> int | None:
        return due_escalation(declared, None, level, SEV2, berlin(now), BERLIN)

    assert due("2026-11-22T23:00", 0) is None
    assert due("2026-11-23T12:29", 0) is None
    assert due("2026-11-23T12:30", 0) == 1
    assert due("2026-11-23T16:29", 1) is None
    assert due("2026-11-23T16:30", 1) == 2
    assert due("2026-11-24T12:30", 2) == 3
    assert due("2026-12-24T12:30", 3) is None


def test_an_acknowledged_incident_is_not_escalated() -> None:
    declared = berlin("2026-11-23T10:00")
    later = declared + timedelta(days=3)
    assert due_escalation(declared, declared, 0, SEV1, later, BERLIN) is None
    no_limit = ResponsePolicy()
    assert due_escalation(declared, None, 0, no_limit, later, BERLIN) is None


def test_escalation_widens_from_commander_to_lead_to_team() -> None:
    team = Team(members=["alice", "bob", "carol"], lead="dave")
    assert escalation_recipients(1, "bob", team) == ["bob"]
    assert escalation_recipients(2, "bob", team) == ["bob", "dave"]
    assert escalation_recipients(3, "bob", team) == ["bob", "dave", "alice", "carol"]
    assert escalation_recipients(3, None, None) == []
    with pytest.raises(ValueError, match=r"^escalation level must be 1 to 3, not 4$"):
        escalation_recipients(4, "bob", team)


# --- update reminders ------------------------------------------------------------------

T0 = datetime(2026, 11, 23, 8, tzinfo=UTC)


def remind(
    minutes: int,
    *,
    update: int | None = None,
    reminded: int | None = None,
    status: str = "investigating",
) -> bool:
    def later(m: int | None) -> datetime | None:
        return None if m is None else T0 + timedelta(minutes=m)

    now = T0 + timedelta(minutes=minutes)
    return due_reminder(status, later(update), T0, later(reminded), SEV1, now, "UTC")


def test_commander_is_reminded_when_the_last_update_is_older_than_update_every() -> None:
    assert remind(29) is False
    assert remind(30) is True
    assert remind(45, update=20) is False
    assert remind(50, update=20) is True


def test_reminders_repeat_at_the_cadence_not_at_every_tick() -> None:
    assert remind(45, reminded=30) is False
    assert remind(60, reminded=30) is True
    # A reminder from before the last update does not count.
    assert remind(70, update=40, reminded=30) is True


@pytest.mark.parametrize("status", ["resolved", "closed", "dismissed"])
def test_finished_incidents_get_no_reminders(status: str) -> None:
    assert remind(600, status=status) is False


def test_business_hours_update_cadence_pauses_overnight() -> None:
    last = berlin("2026-11-20T15:00")  # Friday, 4h business cadence
    assert next_update_due(last, SEV2, BERLIN) == berlin("2026-11-23T11:00")
    assert next_update_due(last, ResponsePolicy(), BERLIN) is None
