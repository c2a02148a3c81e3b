"""Checks across ``trustwell.yml`` sections that one model cannot see alone.

Rotations must be computable, the incident channel and every team's channel
must be configured announcement channels, channels must be complete, people
named by teams and rotations must be declared, policies must name real
severities and durations, certification policies real requirements
(``config/use_cases.py``), and the time zone must exist. Each problem names the
line.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trustwell.config.documents import Doc
from trustwell.config.errors import Problem, did_you_mean
from trustwell.config.models import ProjectSettings
from trustwell.config.openlineage import OPENLINEAGE_CHANNEL
from trustwell.durations import parse_duration
from trustwell.store_url import store_url_problem

SETTINGS_FILE = "trustwell.yml"
_SEVERITIES = ("SEV-1", "SEV-2", "SEV-3")


def settings_problems(settings: ProjectSettings, doc: Doc) -> list[Problem]:
    """Every cross-section problem of ``trustwell.yml``."""
    found: list[Problem] = []

    def add(path: tuple[Any, ...], message: str, hint: str = "") -> None:
        found.append(Problem(SETTINGS_FILE, doc.line(path), message, hint))

    for team, rotation in settings.oncall.items():
        _rotation_problems(team, rotation, add)
    incident_channel = settings.incident_channel
    if incident_channel and settings.channels:
        kind = settings.channels.get(incident_channel, {}).get("type")
        if incident_channel not in settings.channels:
            add(
                ("incident_channel",),
                f"incident_channel '{incident_channel}' is not a channel under channels:",
                did_you_mean(incident_channel, settings.channels),
            )
        elif kind == "email":
            add(
                ("incident_channel",),
                f"incident_channel '{incident_channel}' is an email channel: it announces"
                " incidents, so it must be of type slack, webhook or jira",
            )
    for team_name, declared in settings.teams.items():
        if declared.channel is not None:
            _team_channel_problem(settings, team_name, declared.channel, add)
    _people_problems(settings, add)
    found += _channel_problems(settings, doc)
    if settings.openlineage is not None and OPENLINEAGE_CHANNEL in settings.channels:
        add(
            ("channels", OPENLINEAGE_CHANNEL),
            f"channel name '{OPENLINEAGE_CHANNEL}' is taken by the openlineage: section"
            " (its events are queued under that name): rename the channel",
        )
    for severity, policy in settings.response.items():
        if severity not in _SEVERITIES:
            add(
                ("response", severity),
                f"unknown severity '{severity}' under response:",
                did_you_mean(severity, _SEVERITIES),
            )
        for key in ("ack_within", "update_every"):
            value = getattr(policy, key)
            if value is not None:
                try:
                    parse_duration(value)
                except ValueError as exc:
                    add(("response", severity, key), f"{key} of {severity}: {exc}")
    for name, use_case in settings.use_cases.items():
        for problem in use_case.problems(name):
            add(("use_cases", name, *problem.path), problem.message, problem.hint)
    # The URL as written may hold a password: the message masks it (never a traceback).
    store_problem = store_url_problem(settings.store)
    if store_problem:
        add(("store",), store_problem)
    if not _is_zone(settings.timezone):
        add(
            ("timezone",),
            f"unknown timezone '{settings.timezone}' (use an IANA name such as Europe/Berlin)",
        )
    # Checked here, not when a run reaches them: a bad zone or timeout would
    # otherwise crash `trustwell run` half-way instead of exiting 2.
    for name, warehouse in settings.warehouses.items():
        if warehouse.timezone is not None and not _is_zone(warehouse.timezone):
            add(
                ("warehouses", name, "timezone"),
                f"unknown timezone '{warehouse.timezone}' of warehouse '{name}'"
                " (use an IANA name such as Europe/Berlin)",
            )
        if warehouse.timeout is not None:
            try:
                parse_duration(warehouse.timeout)
            except ValueError as exc:
                add(("warehouses", name, "timeout"), f"timeout of warehouse '{name}': {exc}")
    return found


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _team_channel_problem(settings: ProjectSettings, team: str, channel: str, add: Any) -> None:
    # Announcements to a name that is not a channel were skipped without a word.
    path = ("teams", team, "channel")
    kind = settings.channels.get(channel, {}).get("type")
    if channel not in settings.channels:
        hint = did_you_mean(channel, settings.channels) or ": declare it under channels:"
        add(path, f"channel '{channel}' of team '{team}' is not a channel under channels:", hint)
    elif kind == "email":  # the other types announce; a channel's type is checked itself
        add(
            path,
            f"channel '{channel}' of team '{team}' is an email channel: a team's channel"
            " announces incidents, so it must be of type slack, webhook or jira",
        )


def _people_problems(settings: ProjectSettings, add: Any) -> None:
    """Once ``people:`` is declared, every name a team or rotation gives must be in it.

    A misspelt name there is someone who is never told (no e-mail address, no
    Slack mention). Without ``people:`` names are free, and an e-mail address
    reaches its owner directly, so it needs no entry.
    """
    if not settings.people:
        return
    named: list[tuple[tuple[Any, ...], str, str]] = []
    for name, team in settings.teams.items():
        where = f"team '{name}'"
        named += [(("teams", name, "members", i), m, where) for i, m in enumerate(team.members)]
        if team.lead is not None:
            named.append((("teams", name, "lead"), team.lead, where))
    for name, rotation in settings.oncall.items():
        where = f"on-call rotation '{name}'"
        named += [
            (("oncall", name, "members", i), m, where) for i, m in enumerate(rotation.members)
        ]
        named += [
            (("oncall", name, "overrides", i, "who"), o.who, where)
            for i, o in enumerate(rotation.overrides)
        ]
    for path, person, where in named:
        if person not in settings.people and "@" not in person:
            add(
                path,
                f"'{person}' of {where} is not declared under people:",
                did_you_mean(person, settings.people),
            )


def _rotation_problems(team: str, rotation: Any, add: Any) -> None:
    from trustwell.incidents.oncall import validate_rotation

    try:
        validate_rotation(rotation)
    except ValueError as exc:
        add(("oncall", team), f"on-call rotation '{team}': {exc}")


def _channel_problems(settings: ProjectSettings, doc: Doc) -> list[Problem]:
    from trustwell.notify.config import ChannelConfigError, parse_channels

    try:
        parse_channels(settings)
    except ChannelConfigError as exc:
        found = []
        for problem in exc.problems:
            # Like a check's keys: an unknown key on its own line, a bad value on the
            # value's, and a missing key or a rule on the line of the channel itself.
            entry = ("channels", problem.channel)
            path = (*entry, *problem.key)
            if problem.on == "key":
                line = doc.key_line(path)
            elif problem.on == "value":
                line = doc.line(path)
            else:
                line = doc.key_line(entry)
            found.append(
                Problem(
                    SETTINGS_FILE,
                    line or doc.key_line(entry) or doc.line(("channels",)),
                    f"channels.{problem.channel}: {problem.message}",
                    problem.hint,
                )
            )
        return found
    return []
