"""Who hears of a certification change or a fast SLO burn, queued in the outbox.

:func:`announce` is called by :func:`trustwell.certification.service.evaluate`
in the transaction that stores the decision, so a notice exists exactly when
its change was committed. Each notice's dedupe key is made from the change
itself (the stored decision it follows and the new state; for a burn, the
asset, SLO and day), so two processes deciding the same change queue it once.

The audience, as incidents reach it (:mod:`trustwell.notify.messages`):

- the owners: the owning team's ``channel`` (Slack or webhook) when it has
  one, else an e-mail to the team's lead and members; an owner that is a
  person gets an e-mail;
- for certification changes also the subscribers (``subscribers:`` in YAML
  and the status page's subscriptions, without those who unsubscribed), each
  e-mail with its signed unsubscribe link, through
  :func:`trustwell.status.addresses.deliverable`, so an opted-out or
  unconfirmed address hears nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustwell.notify.outgoing import OutgoingMessage
from trustwell.notify.stakeholders import email_channel, with_unsubscribe

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.config.models import Asset, Project, ProjectSettings

CHANGE_EVENT = "certification.changed"
BURN_EVENT = "slo.burning_fast"
_CHANNEL_TYPES = ("slack", "webhook")  # a Jira issue belongs to an incident


@dataclass(frozen=True)
class Notice:
    """One thing to tell about one asset: its words, its webhook body and its identity."""

    event: str
    asset: str
    subject: str
    text: str
    discriminator: str  # the same for the same change, whichever process decides it
    body: Mapping[str, Any] = field(default_factory=dict)  # the webhook body's fields
    subscribers: bool = True  # False: the owners only (a fast-burn warning)


def plan(
    notice: Notice,
    settings: ProjectSettings,
    asset: Asset,
    *,
    key: bytes | None,
    base_url: str,
    now: datetime,
) -> list[OutgoingMessage]:
    """The messages of ``notice``: one per owner channel or address, one per subscriber.

    ``asset`` carries every subscriber (see
    :func:`trustwell.status.subscriptions.assets_with_subscribers`); without
    ``key`` (the link-signing key) no subscriber e-mail is planned, since each
    must carry its unsubscribe link. An address is written to once.
    """
    mail = email_channel(settings)
    channels, people = _owners(settings, asset.owner)
    found = [
        _message(notice, name, str(settings.channels[name]["type"]), None) for name in channels
    ]
    emailed: set[str] = set()
    for address in people if mail else ():
        if address.lower() not in emailed:
            emailed.add(address.lower())
            found.append(_message(notice, mail or "", "email", address))
    if not notice.subscribers or mail is None or key is None:
        return found
    for address in asset.subscribers:
        if address.strip().lower() in emailed:
            continue
        emailed.add(address.strip().lower())
        message = _message(notice, mail, "email", address.strip())
        found.append(
            with_unsubscribe(message, key=key, base_url=base_url, now=now, assets=[asset.name])
        )
    return found


def announce(
    conn: sa.Connection, project: Project, notices: Iterable[Notice], now: datetime
) -> int:
    """Queue ``notices`` in the caller's transaction; return how many messages were new."""
    from trustwell.notify.outbox import enqueue
    from trustwell.status.addresses import deliverable
    from trustwell.status.subscriptions import assets_with_subscribers
    from trustwell.store.keys import LINK_KEY, service_key

    wanted = list(notices)
    if not wanted:
        return 0
    declared = {a.name: a for a in project.assets if a.name in {n.asset for n in wanted}}
    assets = assets_with_subscribers(conn, declared)
    settings = project.settings
    told = any(n.subscribers and assets[n.asset].subscribers for n in wanted if n.asset in assets)
    key = service_key(conn, LINK_KEY) if told and email_channel(settings) else None
    messages = [
        m
        for n in wanted
        if n.asset in assets
        for m in plan(n, settings, assets[n.asset], key=key, base_url=settings.base_url, now=now)
    ]
    return enqueue(conn, deliverable(conn, messages, project), now)


def _owners(settings: ProjectSettings, owner: str | None) -> tuple[list[str], list[str]]:
    """The owner's channels (names), or else its people's e-mail addresses."""
    if not owner:
        return [], []
    team = settings.teams.get(owner)
    if team is None:
        address = _address(settings, owner)
        return [], [address] if address else []
    kind = settings.channels.get(team.channel or "", {}).get("type")
    if team.channel and kind in _CHANNEL_TYPES:
        return [team.channel], []
    people = [team.lead, *team.members] if team.lead else list(team.members)
    addresses = (_address(settings, p) for p in people if p)
    return [], list(dict.fromkeys(a for a in addresses if a))


def _address(settings: ProjectSettings, person: str) -> str | None:
    known = settings.people.get(person)
    if known is not None:
        return known.email
    return person if "@" in person else None


def _message(notice: Notice, channel: str, kind: str, recipient: str | None) -> OutgoingMessage:
    if kind == "slack":
        payload: dict[str, Any] = {"text": f"{notice.subject}\n{notice.text}"}
    elif kind == "webhook":
        payload = {"event": notice.event, **notice.body, "text": notice.text}
    else:
        payload = {"to": recipient, "subject": notice.subject, "text": notice.text}
    return OutgoingMessage(
        channel=channel,
        channel_type=kind,
        event=notice.event,
        incident="",  # no incident: the outbox row's incident stays empty
        recipient=recipient,
        subject=notice.subject,
        text=notice.text,
        payload=payload,
        discriminator=notice.discriminator,
    )
