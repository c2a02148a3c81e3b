"""Plain-language notices for subscribers and reporters, one small template per event. Pure.

Subscribers are business users: they get what is affected, since when, what
we are doing and when they hear from us next, with no incident jargon.

>>> declared_notice("Weekly CAC", since="Monday 06:00", next_by="11:00")
'Weekly CAC may be wrong since Monday 06:00. We are investigating; next update by 11:00.'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo


def declared_notice(what: str, *, since: str, next_by: str | None) -> str:
    return f"{what} may be wrong since {since}. We are investigating{_next(next_by)}."


def identified_notice(what: str, *, since: str, next_by: str | None) -> str:
    return (
        f"{what} may be wrong since {since}. We have found the cause and are fixing it"
        f"{_next(next_by)}."
    )


def monitoring_notice(what: str, *, next_by: str | None) -> str:
    return f"{what} should be correct again. We are making sure the fix holds{_next(next_by)}."


def resolved_notice(what: str, *, since: str) -> str:
    return f"{what} can be trusted again: the problem that began {since} is fixed."


def dismissed_notice(what: str) -> str:
    return f"{what} can be trusted: the suspected problem turned out not to be one."


def update_notice(what: str, *, public_text: str, eta: str | None = None) -> str:
    text = f"Update on {what}: {public_text.strip()}"
    if eta:
        text = f"{text.rstrip('.')}. Expected to be fixed by {eta}."
    return text


def status_notice(status: str, what: str, *, since: str, next_by: str | None) -> str | None:
    """The notice for a status change, or None when subscribers need not hear of it."""
    if status in ("declared", "acknowledged", "investigating"):
        return declared_notice(what, since=since, next_by=next_by)
    if status == "identified":
        return identified_notice(what, since=since, next_by=next_by)
    if status == "monitoring":
        return monitoring_notice(what, next_by=next_by)
    if status == "resolved":
        return resolved_notice(what, since=since)
    return None  # closed, dismissed: nothing changes for a reader of the data


def asset_label(name: str, description: str | None) -> str:
    """What business users call an asset: the first clause of its description, else its name.

    >>> asset_label("marts.weekly_cac", "Weekly CAC, used in the weekly business review.")
    'Weekly CAC'
    """
    if not description or not description.strip():
        return name
    first = description.strip().split(". ", 1)[0].split("\n", 1)[0].rstrip(".")
    clause = first.split(", ", 1)[0].strip()
    return clause or name


def join_labels(labels: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


def when(moment: datetime, reference: datetime, zone: tzinfo, *, since: bool = False) -> str:
    """A moment as people say it, in the project's timezone, relative to ``reference``.

    Same day: ``11:00`` (``06:00 today`` after "since"); within a week: ``Monday 06:00``;
    further: ``3 November 06:00``.
    """
    local = moment.astimezone(zone)
    ref = reference.astimezone(zone)
    clock = local.strftime("%H:%M")
    if local.date() == ref.date():
        return f"{clock} today" if since else clock
    if abs(local.date() - ref.date()) < timedelta(days=7):
        return f"{local.strftime('%A')} {clock}"
    return f"{local.day} {local.strftime('%B')} {clock}"


def _next(next_by: str | None) -> str:
    return f"; next update by {next_by}" if next_by else ""
