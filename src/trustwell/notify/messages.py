"""Who is told what about an incident: the RACI of SPEC section 3, as messages. Pure.

- every event goes to ``incident_channel`` and to the channels of the teams
  owning the affected assets (``teams[owner].channel``);
- the Commander and the subject-matter experts get everything: an email when
  an email channel exists and they have an address, else a Slack mention;
- the owning teams' leads are consulted on severity and resolution (and reached
  by escalation from level 2; level 3 reaches every member);
- subscribers of the affected and downstream assets (and reporters, from
  ``extra["reports"]``) get plain-language notices with an unsubscribe link
  (see :mod:`.stakeholders`);
- drills say ``[DRILL]`` in every subject, text and header.

>>> plan_messages("incident.declared", snapshot, settings, assets_by_name)
[OutgoingMessage(channel='data-incidents', channel_type='slack', …), …]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustwell.incidents.document import incident_json
from trustwell.lineage.graph import LineageGraph
from trustwell.notify.outgoing import DRILL, OutgoingMessage
from trustwell.notify.payloads import jira_payload, slack_payload
from trustwell.notify.stakeholders import subscriber_notices

if TYPE_CHECKING:
    from trustwell.config.models import Asset, ProjectSettings
    from trustwell.incidents.model import IncidentSnapshot

__all__ = [
    "DEFAULT_BASE_URL",
    "EVENTS",
    "HEADLINES",
    "LEAD_EVENTS",
    "OutgoingMessage",  # defined in .outgoing, imported from here by most callers
    "action_item_reminder",
    "plan_messages",
]

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
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def plan_messages(
    event: str,
    incident: IncidentSnapshot,
    settings: ProjectSettings,
    assets: Mapping[str, Asset],
    *,
    extra: Mapping[str, Any] | None = None,
    lineage: LineageGraph | None = None,
) -> list[OutgoingMessage]:
    """Every message ``event`` on ``incident`` causes, per the RACI.

    ``lineage`` is the project's graph (the lineage service's, with reported
    edges), which says whose subscribers are downstream; without it, the
    assets' declared ``upstream:`` alone.

    ``extra`` may hold ``base_url`` (for links), ``discriminator`` (else the
    latest timeline entry's time), ``action_item`` ({id, title, owner, due_at})
    for ``action_item.overdue``, ``reports`` (reporter address → report
    references), ``link_key`` (the key that signs unsubscribe links: without
    it no subscriber or reporter notice is planned, since each must carry one)
    and ``previous_severity``.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; expected one of {', '.join(EVENTS)}")
    graph = lineage if lineage is not None else LineageGraph.declared(assets.values())
    plan = _Plan(event, incident, settings, assets, dict(extra or {}), graph)
    return [*plan.channel_messages(), *plan.people_messages(), *plan.subscriber_messages()]


class _Plan:
    def __init__(
        self,
        event: str,
        incident: IncidentSnapshot,
        settings: ProjectSettings,
        assets: Mapping[str, Asset],
        extra: dict[str, Any],
        graph: LineageGraph,
    ) -> None:
        self.event, self.incident, self.settings, self.assets = event, incident, settings, assets
        self.extra, self.graph = extra, graph
        self.drill = DRILL if incident.drill else ""
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

    def subscriber_messages(self) -> list[OutgoingMessage]:
        return subscriber_notices(
            self.event,
            self.incident,
            self.settings,
            self.assets,
            extra=self.extra,
            discriminator=self.discriminator,
            downstream=self.graph.descendants(self.incident.root_asset),
        )

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
