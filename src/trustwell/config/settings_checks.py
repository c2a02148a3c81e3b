"""Checks across ``trustwell.yml`` sections that one model cannot see alone.

Rotations must be computable, the incident channel must be a configured
channel, channels must be complete, policies must name real severities and
durations, and the time zone must exist. Each problem names the line.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trustwell.config.documents import Doc
from trustwell.config.errors import Problem, did_you_mean
from trustwell.config.models import ProjectSettings
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
    if (
        settings.incident_channel
        and settings.channels
        and (settings.incident_channel not in settings.channels)
    ):
        add(
            ("incident_channel",),
            f"incident_channel '{settings.incident_channel}' is not a channel under channels:",
            did_you_mean(settings.incident_channel, settings.channels),
        )
    found += _channel_problems(settings, doc)
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


def _rotation_problems(team: str, rotation: Any, add: Any) -> None:
    # People need not be listed under people: (that section only adds contact
    # details), so members are not checked against it.
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
        return [
            Problem(SETTINGS_FILE, doc.line(("channels",)), problem) for problem in exc.problems
        ]
    return []
