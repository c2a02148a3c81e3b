"""Who is told what about an incident: the RACI of SPEC section 3, as messages. Pure.

- every event goes to ``incident_channel`` and to the channels of the teams
  owning the affected assets (``teams[owner].channel``);
- the Commander and the subject-matter experts get everything: an email when
  an email channel exists and they have an address, else a Slack mention;
- the owning teams' leads are consulted on severity and resolution (and reached
  by escalation from level 2; level 3 reaches every member);
- subscribers of the affected and downstream assets (and reporters, from
  ``extra["reporters"]``) get plain-language notices (see :mod:`.notices`);
- drills say ``[DRILL]`` in every subject, text and header.

>>> plan_messages("incident.declared", snapshot, settings, assets_by_name)
[OutgoingMessage(channel='data-incidents', channel_type='slack', …), …]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from trustwell.clock import parse_timestamp
from trustwell.notify import notices
from trustwell.notify.payloads import (
    incident_json,
    jira_payload,
    slack_payload,
)

if TYPE_CHECKING:
    from trustwell.config.models import Asset, ProjectSettings
    from trustwell.incidents.model import IncidentSnapshot

EVENTS = (
    "incident.declared",
    "incident.updated",
    "incident.status_changed",
    "incident.severity_changed",
    "incident.assigned",
    "incident.escalated",
    "incident.reminder",
    "incident.resolved",
    "incident.dismissed",
    "incident.closed",
    "action_item.overdue",
)
HEADLINES = {
    "incident.declared": "Incident declared",
    "incident.updated": "Status update",
    "incident.status_changed": "Status changed to {status}",
    "incident.severity_changed": "Severity changed to {severity}",
    "incident.assigned": "Commander is now {commander}",
    "incident.escalated": "Not acknowledged in time: escalated (level {level})",
    "incident.reminder": "Reminder: a stakeholder update is due",
    "incident.resolved": "Resolved",
    "incident.dismissed": "Dismissed",
    "incident.closed": "Closed",
    "action_item.overdue": "Action item overdue",
}
LEAD_EVENTS = frozenset({"incident.severity_changed", "incident.resolved"})
SUBSCRIBER_EVENTS = frozenset(
    {
        "incident.declared",
        "incident.status_changed",
        "incident.resolved",
        "incident.updated",
        "incident.dismissed",  # they were told "may be wrong": they hear it was not
    }
)
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DRILL = "[DRILL] "


@dataclass(frozen=True)
class OutgoingMessage:
    """One message for one channel (and one recipient, for email), ready for the outbox."""

    channel: str
    channel_type: str  # slack | webhook | email | jira
    event: str
    incident: str  # "INC-7"
    recipient: str | None
    subject: str
    text: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    discriminator: str = ""  # tells two occurrences of one event on one incident apart

    @property
    def dedupe_key(self) -> str:
        """Stable for the same event occurrence, channel and recipient (at most ~90 chars)."""
        raw = "\x1f".join(
            (self.event, self.incident, self.channel, self.recipient or "", self.discriminator)
        )
        digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
        return f"{self.event}:{self.incident}:{digest}"

    @property
    def incident_number(self) -> int | None:
        """7 for ``INC-7``."""
        number = self.incident.rpartition("-")[2]
        return int(number) if number.isdigit() else None


def plan_messages(
    event: str,
    incident: IncidentSnapshot,
    settings: ProjectSettings,
    assets: Mapping[str, Asset],
    *,
    extra: Mapping[str, Any] | None = None,
) -> list[OutgoingMessage]:
    """Every message ``event`` on ``incident`` causes, per the RACI.

    ``extra`` may hold ``base_url`` (for links), ``discriminator`` (else the
    latest timeline entry's time), ``action_item`` ({id, title, owner, due_at})
    for ``action_item.overdue``, ``reporters`` (email addresses) and
    ``previous_severity``.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; expected one of {', '.join(EVENTS)}")
    plan = _Plan(event, incident, settings, assets, dict(extra or {}))
    return [*plan.channel_messages(), *plan.people_messages(), *plan.subscriber_messages()]


class _Plan:
    def __init__(
        self,
        event: str,
        incident: IncidentSnapshot,
        settings: ProjectSettings,
        assets: Mapping[str, Asset],
        extra: dict[str, Any],
    ) -> None:
        self.event, self.incident, self.settings, self.assets = event, incident, settings, assets
        self.extra = extra
        self.drill = DRILL if incident.drill else ""
        self.zone = ZoneInfo(settings.timezone)
        self.reference = incident.timeline[-1].at if incident.timeline else incident.declared_at
        self.discriminator = str(extra.get("discriminator") or self._default_discriminator())
        self.email_channel = next(
            (n for n, c in settings.channels.items() if c.get("type") == "email"), None
        )
        self.owner_teams = _owner_teams(incident, assets)
        self.notified = self._people_to_notify()
        self.emailed = {p for p in self.notified if self._email_of(p)}
        self.mentions = [
            f"<@{settings.people[p].slack}>"
            for p in self.notified
            if p not in self.emailed and p in settings.people and settings.people[p].slack
        ]

    # --- who ---------------------------------------------------------------------

    def _people_to_notify(self) -> list[str]:
        people: list[str] = []
        if self.incident.commander:
            people.append(self.incident.commander)
        people.extend(self.incident.smes)
        teams = [self.settings.teams[t] for t in self.owner_teams if t in self.settings.teams]
        level = self.incident.escalation_level
        if self.event in LEAD_EVENTS or (self.event == "incident.escalated" and level >= 2):
            people.extend(t.lead for t in teams if t.lead)
        if self.event == "incident.escalated" and level >= 3:
            people.extend(m for t in teams for m in t.members)
        item = self.extra.get("action_item") or {}
        if self.event == "action_item.overdue" and item.get("owner"):
            people.append(str(item["owner"]))
        return list(dict.fromkeys(people))

    def _email_of(self, person: str) -> str | None:
        if self.email_channel is None:
            return None
        if "@" in person:
            return person
        known = self.settings.people.get(person)
        return known.email if known else None

    def _announce_channels(self) -> list[str]:
        names = [self.settings.incident_channel] if self.settings.incident_channel else []
        for team in self.owner_teams:
            declared = self.settings.teams.get(team)
            if declared and declared.channel:
                names.append(declared.channel)
        return [
            name
            for name in dict.fromkeys(names)
            if self.settings.channels.get(name, {}).get("type") in ("slack", "webhook", "jira")
        ]

    # --- what --------------------------------------------------------------------

    def channel_messages(self) -> Iterable[OutgoingMessage]:
        subject, text = self._subject(), self._internal_text()
        for name in self._announce_channels():
            kind = str(self.settings.channels[name]["type"])
            yield self._message(name, kind, None, subject, text, self._payload(kind, text))

    def people_messages(self) -> Iterable[OutgoingMessage]:
        if self.email_channel is None:
            return
        subject, text = self._subject(), self._internal_text()
        for person in self.notified:
            address = self._email_of(person)
            if address:
                payload = {"to": address, "subject": subject, "text": text}
                yield self._message(self.email_channel, "email", address, subject, text, payload)

    def subscriber_messages(self) -> Iterable[OutgoingMessage]:
        if self.email_channel is None or self.event not in SUBSCRIBER_EVENTS:
            return
        for address, names in self._subscribers().items():
            labels = [notices.asset_label(n, _description(self.assets.get(n))) for n in names]
            what = notices.join_labels(labels)
            text = self._notice(what)
            if text is None:
                continue
            text = self.drill + text
            subject = f"{self.drill}Data notice: {what}"
            payload = {"to": address, "subject": subject, "text": text}
            yield self._message(self.email_channel, "email", address, subject, text, payload)

    def _subscribers(self) -> dict[str, list[str]]:
        affected = [self.incident.root_asset, *(a.asset for a in self.incident.assets)]
        affected.extend(_descendants(self.incident.root_asset, self.assets))
        by_address: dict[str, list[str]] = {}
        for name in dict.fromkeys(affected):
            asset = self.assets.get(name)
            for address in asset.subscribers if asset else ():
                by_address.setdefault(address, []).append(name)
        for address in self.extra.get("reporters") or ():
            names = by_address.setdefault(str(address), [])
            if self.incident.root_asset not in names:
                names.append(self.incident.root_asset)
        return by_address

    def _notice(self, what: str) -> str | None:
        incident = self.incident
        since = notices.when(
            incident.occurred_at or incident.declared_at, self.reference, self.zone, since=True
        )
        next_by = (
            notices.when(incident.next_update_at, self.reference, self.zone)
            if incident.next_update_at
            else None
        )
        if self.event == "incident.declared":
            return notices.declared_notice(what, since=since, next_by=next_by)
        if self.event == "incident.resolved":
            return notices.resolved_notice(what, since=since)
        if self.event == "incident.dismissed":
            return notices.dismissed_notice(what)
        if self.event == "incident.updated":
            latest = incident.timeline[-1] if incident.timeline else None
            if latest is None or not latest.public_text:
                return None
            eta_text = (latest.data or {}).get("eta")
            eta = (
                notices.when(parse_timestamp(eta_text), self.reference, self.zone)
                if isinstance(eta_text, str)
                else None
            )
            return notices.update_notice(what, public_text=latest.public_text, eta=eta)
        return notices.status_notice(incident.status, what, since=since, next_by=next_by)

    def _headline(self) -> str:
        return HEADLINES[self.event].format(
            status=self.incident.status,
            severity=self.incident.severity,
            commander=self.incident.commander or "nobody",
            level=self.incident.escalation_level,
        )

    def _subject(self) -> str:
        i = self.incident
        return f"{self.drill}[{i.severity}] {i.id} {self._headline()}: {i.title}"

    def _detail(self) -> str:
        item = self.extra.get("action_item")
        if self.event == "action_item.overdue" and item:
            due = item.get("due_at")
            due_text = f", due {due}" if due else ""
            return f"{item.get('title', '')} (owner {item.get('owner') or 'nobody'}{due_text})"
        if self.event in ("incident.declared", "incident.escalated", "incident.reminder"):
            return ""
        latest = self.incident.timeline[-1] if self.incident.timeline else None
        return latest.text if latest else ""

    def _internal_text(self) -> str:
        i = self.incident
        lines = [f"{self.drill}{i.severity} {i.id} {i.title}: {self._headline()}"]
        detail = self._detail()
        if detail:
            lines.append(detail)
        lines.append(
            f"Status: {i.status} · Assets: {_asset_list(i)} · Commander: {i.commander or 'none'}"
            f" · Runbook: {i.runbook or 'none'}"
        )
        lines.append(self._link())
        return "\n".join(lines)

    def _link(self) -> str:
        base = str(self.extra.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        return f"{base}/incidents/{self.incident.id}"

    def _payload(self, kind: str, text: str) -> dict[str, Any]:
        if kind == "slack":
            commander = self.incident.commander
            person = self.settings.people.get(commander) if commander else None
            return slack_payload(
                self.incident,
                headline=self._headline(),
                detail=self._detail(),
                link=self._link(),
                commander=f"<@{person.slack}>" if person and person.slack else commander,
                assets=_asset_list(self.incident),
                mentions=self.mentions,
                drill=self.drill,
            )
        if kind == "webhook":
            body: dict[str, Any] = {"event": self.event, "incident": incident_json(self.incident)}
            if self.extra.get("action_item"):
                body["action_item"] = dict(self.extra["action_item"])
            return body
        return jira_payload(self.event, self.incident, subject=self._subject(), text=text)

    def _message(
        self,
        channel: str,
        kind: str,
        recipient: str | None,
        subject: str,
        text: str,
        payload: Mapping[str, Any],
    ) -> OutgoingMessage:
        return OutgoingMessage(
            channel=channel,
            channel_type=kind,
            event=self.event,
            incident=self.incident.id,
            recipient=recipient,
            subject=subject,
            text=text,
            payload=payload,
            discriminator=self.discriminator,
        )

    def _default_discriminator(self) -> str:
        i = self.incident
        if self.event == "action_item.overdue":
            item = self.extra.get("action_item") or {}
            return f"{item.get('id')}@{item.get('due_at')}"
        if self.event == "incident.escalated":
            return f"level-{i.escalation_level}"
        if self.event == "incident.declared":
            return _iso(i.declared_at)
        return _iso(self.reference)


def _owner_teams(incident: IncidentSnapshot, assets: Mapping[str, Asset]) -> list[str]:
    names = [incident.root_asset, *(a.asset for a in incident.assets)]
    owners = [assets[n].owner for n in names if n in assets]
    return list(dict.fromkeys(o for o in owners if o))


def _descendants(root: str, assets: Mapping[str, Asset]) -> list[str]:
    from trustwell.lineage.graph import LineageGraph

    graph = LineageGraph.from_upstreams({n: a.upstream for n, a in assets.items()})
    return graph.descendants(root)


def _description(asset: Asset | None) -> str | None:
    return asset.description if asset else None


def _asset_list(incident: IncidentSnapshot) -> str:
    listed = [f"{a.asset} ({a.impact})" for a in incident.assets]
    return ", ".join(listed) or f"{incident.root_asset} (root)"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def action_item_reminder(
    item_id: int,
    title: str,
    owner: str | None,
    due: str,
    settings: ProjectSettings,
    *,
    on: str,
) -> list[OutgoingMessage]:
    """Emails reminding the owner (a person, or a team's members) of an overdue action item
    that belongs to no incident. ``on`` tells one day's reminder from the next."""
    channel = next((n for n, c in settings.channels.items() if c.get("type") == "email"), None)
    if channel is None or not owner:
        return []
    team = settings.teams.get(owner)
    people = list(team.members) if team else [owner]
    subject = f"Action item #{item_id} is overdue: {title}"
    text = f"{title}\nOwner: {owner}; due {due}.\nClose it with: trustwell actions done {item_id}"
    messages = []
    for person in people:
        found = settings.people.get(person)
        address = found.email if found and found.email else (person if "@" in person else None)
        if address is None:
            continue
        messages.append(
            OutgoingMessage(
                channel=channel,
                channel_type="email",
                event="action_item.overdue",
                incident=f"ACT-{item_id}",
                recipient=address,
                subject=subject,
                text=text,
                payload={"to": address, "subject": subject, "text": text},
                discriminator=on,
            )
        )
    return messages
