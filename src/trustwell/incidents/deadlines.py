"""Response deadlines: acknowledgement, escalation and update reminders (SPEC section 3).

Pure: every function takes ``now``. A policy with ``business_hours: true``
pauses its clock outside Mon–Fri 09:00–17:00 in the project's timezone;
public holidays are not known and count as working days.

Decisions:

- A severity without a policy, and each key a policy leaves out, take the
  values of :data:`DEFAULT_RESPONSE` (an unknown severity takes SEV-3's).
- Escalation levels are cumulative: level 2 tells the Commander and the lead,
  level 3 them and the whole team. So when a scheduler wakes late and two
  levels are due, :func:`due_escalation` returns only the highest one and
  nobody misses a message.
- While nobody posts an update, the Commander is reminded once per
  ``update_every``, counted from the last update or the last reminder.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

from trustwell.config.models import ResponsePolicy, Team
from trustwell.durations import parse_duration

#: What a project gets for a severity, or a key, its ``response:`` leaves out.
DEFAULT_RESPONSE: Mapping[str, ResponsePolicy] = MappingProxyType(
    {
        "SEV-1": ResponsePolicy(ack_within="15m", update_every="30m", postmortem="required"),
        "SEV-2": ResponsePolicy(
            ack_within="4h", update_every="4h", postmortem="required", business_hours=True
        ),
        "SEV-3": ResponsePolicy(ack_within="3d", update_every="1d", postmortem="optional"),
    }
)

OPENING, CLOSING = time(9), time(17)
MAX_ESCALATION = 3
_INACTIVE = frozenset({"resolved", "closed", "dismissed"})


def policy_for(response: Mapping[str, ResponsePolicy], severity: str) -> ResponsePolicy:
    """The policy of ``severity``: the project's keys over the defaults.

    >>> policy_for({"SEV-2": ResponsePolicy(ack_within="1h")}, "SEV-2").business_hours
    True
    """
    default = DEFAULT_RESPONSE.get(severity, DEFAULT_RESPONSE["SEV-3"])
    given = response.get(severity)
    if given is None:
        return default
    # Only keys written in the file override: an unset business_hours is not "false".
    return default.model_copy(update={k: getattr(given, k) for k in given.model_fields_set})


# --- business time -----------------------------------------------------------------


def add_business_time(start: datetime, duration: timedelta, tz: str | tzinfo) -> datetime:
    """The moment ``duration`` of business time after ``start`` (UTC).

    Time outside business hours does not count; a positive duration started
    outside them begins at the next opening. A deadline that lands exactly on
    closing time stays there rather than moving to the next morning.

    >>> friday = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 16:30 in Berlin
    >>> add_business_time(friday, timedelta(hours=4), "Europe/Berlin").isoformat()
    '2026-11-23T11:30:00+00:00'
    """
    if duration < timedelta(0):
        raise ValueError(f"a business-time duration cannot be negative: {duration}")
    moment = _utc(start)
    if not duration:
        return moment
    zone, remaining = _zone(tz), duration
    day = moment.astimezone(zone).date()
    while True:
        window = _window(day, zone)
        if window is not None:
            opening, closing = window
            moment = max(moment, opening)
            if moment < closing:
                if remaining <= closing - moment:
                    return moment + remaining
                remaining -= closing - moment
        day += timedelta(days=1)


def business_time_between(a: datetime, b: datetime, tz: str | tzinfo) -> timedelta:
    """Business time from ``a`` to ``b`` (negative when ``b`` is earlier)."""
    first, last = _utc(a), _utc(b)
    if last < first:
        return -business_time_between(b, a, tz)
    zone, total = _zone(tz), timedelta(0)
    day, final_day = first.astimezone(zone).date(), last.astimezone(zone).date()
    while day <= final_day:
        window = _window(day, zone)
        if window is not None:
            overlap = min(window[1], last) - max(window[0], first)
            total += max(overlap, timedelta(0))
        day += timedelta(days=1)
    return total


# --- deadlines --------------------------------------------------------------------


def ack_deadline(
    declared_at: datetime, policy: ResponsePolicy, tz: str | tzinfo
) -> datetime | None:
    """When the incident must be acknowledged; None when the policy sets no limit."""
    return _after(declared_at, policy.ack_within, "ack_within", policy, tz)


def due_escalation(
    declared_at: datetime,
    acknowledged_at: datetime | None,
    escalation_level: int,
    policy: ResponsePolicy,
    now: datetime,
    tz: str | tzinfo,
) -> int | None:
    """The new escalation level due at ``now``, or None when nothing new is due.

    Level k is due once k × ``ack_within`` has passed without acknowledgement
    (1 = the Commander again, 2 = the team lead, 3 = the whole team).
    ``escalation_level`` is the level already reached (0 for none).

    >>> sev1 = DEFAULT_RESPONSE["SEV-1"]
    >>> t0 = datetime(2026, 11, 20, 9, tzinfo=UTC)
    >>> due_escalation(t0, None, 0, sev1, t0 + timedelta(minutes=31), "UTC")
    2
    """
    if acknowledged_at is not None or policy.ack_within is None:
        return None
    step = _positive(policy.ack_within, "ack_within")
    if policy.business_hours:
        elapsed = business_time_between(declared_at, now, tz)
    else:
        elapsed = _utc(now) - _utc(declared_at)
    level = min(elapsed // step, MAX_ESCALATION) if elapsed >= step else 0
    return level if level > escalation_level else None


def escalation_recipients(level: int, commander: str | None, team: Team | None) -> list[str]:
    """Who is told at an escalation level: cumulative, each person once."""
    if not 1 <= level <= MAX_ESCALATION:
        raise ValueError(f"escalation level must be 1 to {MAX_ESCALATION}, not {level}")
    people = [commander] if commander else []
    if team is not None and level >= 2 and team.lead:
        people.append(team.lead)
    if team is not None and level >= 3:
        people.extend(team.members)
    return list(dict.fromkeys(people))


def next_update_due(since: datetime, policy: ResponsePolicy, tz: str | tzinfo) -> datetime | None:
    """When the next stakeholder update is due after ``since`` (the last update,
    or the declaration); None when the policy sets no cadence."""
    return _after(since, policy.update_every, "update_every", policy, tz)


def due_reminder(
    status: str,
    last_update_at: datetime | None,
    declared_at: datetime,
    reminded_at: datetime | None,
    policy: ResponsePolicy,
    now: datetime,
    tz: str | tzinfo,
) -> bool:
    """Whether to remind the Commander now that a stakeholder update is overdue.

    Only active incidents (not resolved, closed or dismissed). A reminder sent
    after the last update restarts the count, so reminders repeat at the
    policy's cadence rather than at every scheduler tick.
    """
    if str(status) in _INACTIVE:
        return False
    since = _utc(last_update_at or declared_at)
    if reminded_at is not None and _utc(reminded_at) >= since:
        since = _utc(reminded_at)
    due = next_update_due(since, policy, tz)
    return due is not None and _utc(now) >= due


# --- internals -----------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    # A naive datetime is UTC, as clock.parse_timestamp reads one without a zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _zone(tz: str | tzinfo) -> tzinfo:
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _window(day: date, zone: tzinfo) -> tuple[datetime, datetime] | None:
    """Opening and closing of ``day`` in UTC, or None on a weekend.

    Converted to UTC because subtracting two datetimes that share a tzinfo
    ignores a DST change between them.
    """
    if day.weekday() >= 5:
        return None
    opening = datetime.combine(day, OPENING, tzinfo=zone).astimezone(UTC)
    closing = datetime.combine(day, CLOSING, tzinfo=zone).astimezone(UTC)
    return opening, closing


def _positive(text: str, key: str) -> timedelta:
    value = parse_duration(text)
    if value <= timedelta(0):
        raise ValueError(f"{key} {text!r} must be longer than 0")
    return value


def _after(
    start: datetime, text: str | None, key: str, policy: ResponsePolicy, tz: str | tzinfo
) -> datetime | None:
    if text is None:
        return None
    span = _positive(text, key)
    if policy.business_hours:
        return add_business_time(start, span, tz)
    return _utc(start) + span
