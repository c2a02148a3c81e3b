"""What subscribers and reporters receive: plain-language notices, each with an
unsubscribe link, and the one confirmation message of an address. Pure.

Every notice to a subscriber or a reporter carries a signed unsubscribe link
at the end of its text and in the ``List-Unsubscribe`` headers (RFC 2369,
one-click RFC 8058), so mail programs show their own "unsubscribe" button. An
address typed by an anonymous visitor gets :func:`confirmation_message` and
nothing else until its link is followed (the filter is
:func:`trustwell.status.addresses.deliverable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from trustwell.clock import parse_timestamp
from trustwell.notify import links, notices
from trustwell.notify.outgoing import DRILL, OutgoingMessage

if TYPE_CHECKING:
    from trustwell.config.models import Asset, ProjectSettings
    from trustwell.incidents.model import IncidentSnapshot

SUBSCRIBER_EVENTS = frozenset(
    {
        "incident.declared",
        "incident.status_changed",
        "incident.resolved",
        "incident.updated",
        "incident.dismissed",  # they were told "may be wrong": they hear it was not
    }
)
CONFIRMATION_EVENT = "address.confirmation"
CONFIRM_PATH = "/confirm"
UNSUBSCRIBE_PATH = "/unsubscribe"


def email_channel(settings: ProjectSettings) -> str | None:
    """The first email channel of the project, if any."""
    return next((n for n, c in settings.channels.items() if c.get("type") == "email"), None)


def subscriber_notices(
    event: str,
    incident: IncidentSnapshot,
    settings: ProjectSettings,
    assets: Mapping[str, Asset],
    *,
    extra: Mapping[str, Any],
    discriminator: str,
    downstream: Iterable[str],
) -> list[OutgoingMessage]:
    """One plain-language e-mail per subscriber or reporter address, with its unsubscribe link.

    Subscribers of the affected and ``downstream`` assets (of the root, from
    the project's lineage graph), and the reporters of
    ``extra["reports"]`` (address → references; ``extra["reporters"]``, a
    plain list of addresses, is read too). Nothing without an email channel or
    without ``extra["link_key"]``.
    """
    channel = email_channel(settings)
    key = extra.get("link_key")
    if channel is None or event not in SUBSCRIBER_EVENTS or not isinstance(key, bytes):
        return []
    drill = DRILL if incident.drill else ""
    at = incident.timeline[-1].at if incident.timeline else incident.declared_at
    base = str(extra.get("base_url") or settings.base_url)
    follows, reported = _audience(incident, assets, extra, downstream)
    found: list[OutgoingMessage] = []
    for address in dict.fromkeys([*follows, *reported]):
        names = list(follows.get(address, []))
        if address in reported and incident.root_asset not in names:
            names.append(incident.root_asset)
        labels = [notices.asset_label(n, _description(assets.get(n))) for n in names]
        what = notices.join_labels(labels)
        text = _notice(event, incident, what, ZoneInfo(settings.timezone), at)
        if text is None:
            continue
        subject = f"{drill}Data notice: {what}"
        message = OutgoingMessage(
            channel=channel,
            channel_type="email",
            event=event,
            incident=incident.id,
            recipient=address,
            subject=subject,
            text=drill + text,
            payload={"to": address, "subject": subject, "text": drill + text},
            discriminator=discriminator,
        )
        found.append(
            with_unsubscribe(
                message,
                key=key,
                base_url=base,
                now=at,
                assets=follows.get(address, []),
                reports=reported.get(address, []),
            )
        )
    return found


def with_unsubscribe(
    message: OutgoingMessage,
    *,
    key: bytes,
    base_url: str,
    now: datetime,
    assets: Sequence[str] = (),
    reports: Sequence[str] = (),
) -> OutgoingMessage:
    """``message`` with a signed unsubscribe link for its recipient, in the text and headers."""
    assert message.recipient is not None
    link = links.Link("unsubscribe", message.recipient, tuple(assets), tuple(reports))
    target = links.url(base_url, UNSUBSCRIBE_PATH, links.sign(key, link, now))
    text = f"{message.text}\n\n--\nTo stop these e-mails: {target}"
    payload = {
        **message.payload,
        "text": text,
        "headers": {
            "List-Unsubscribe": f"<{target}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
    return replace(message, text=text, payload=payload)


def confirmation_message(
    settings: ProjectSettings,
    email: str,
    *,
    key: bytes,
    now: datetime,
    about: str,
    reference: str | None = None,
) -> OutgoingMessage | None:
    """The confirmation e-mail for ``email`` (None without an email channel).

    ``about`` is what the address asked to hear of, as the project names it
    (an asset's plain-language label), never text a visitor typed: the message
    cannot carry someone else's words to a stranger. ``reference`` is the
    reporter's own report, the one thing an unconfirmed address may learn.
    """
    channel = email_channel(settings)
    if channel is None:
        return None
    base = settings.base_url.rstrip("/")
    token = links.sign(key, links.Link("confirm", email), now)
    lines = [
        f"Someone, probably you, gave this address on the {settings.name} data status page"
        f" to hear about {about}.",
    ]
    if reference:
        lines.append(f"The report's reference is {reference}: {base}/reports/{reference}")
    lines += [
        "",
        f"To receive these e-mails, confirm the address: {links.url(base, CONFIRM_PATH, token)}",
        "",
        "If it was not you, ignore this message: this address gets nothing more from us.",
    ]
    subject = f"Confirm your address for {settings.name} data notices"
    text = "\n".join(lines)
    return OutgoingMessage(
        channel=channel,
        channel_type="email",
        event=CONFIRMATION_EVENT,
        incident="",
        recipient=email,
        subject=subject,
        text=text,
        payload={"to": email, "subject": subject, "text": text},
        discriminator=now.date().isoformat(),  # at most one a day, even if asked twice
    )


def _audience(
    incident: IncidentSnapshot,
    assets: Mapping[str, Asset],
    extra: Mapping[str, Any],
    downstream: Iterable[str],
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Addresses → the assets they follow here, and addresses → their reports here."""
    affected = [incident.root_asset, *(a.asset for a in incident.assets), *downstream]
    follows: dict[str, list[str]] = {}
    for name in dict.fromkeys(affected):
        asset = assets.get(name)
        for address in asset.subscribers if asset else ():
            follows.setdefault(address, []).append(name)
    reported: dict[str, list[str]] = {
        str(address): [str(r) for r in refs]
        for address, refs in dict(extra.get("reports") or {}).items()
    }
    for address in extra.get("reporters") or ():
        reported.setdefault(str(address), [])
    return follows, reported


def _notice(
    event: str, incident: IncidentSnapshot, what: str, zone: ZoneInfo, at: datetime
) -> str | None:
    since = notices.when(incident.occurred_at or incident.declared_at, at, zone, since=True)
    next_by = notices.when(incident.next_update_at, at, zone) if incident.next_update_at else None
    if event == "incident.declared":
        return notices.declared_notice(what, since=since, next_by=next_by)
    if event == "incident.resolved":
        return notices.resolved_notice(what, since=since)
    if event == "incident.dismissed":
        return notices.dismissed_notice(what)
    if event == "incident.updated":
        latest = incident.timeline[-1] if incident.timeline else None
        if latest is None or not latest.public_text:
            return None
        eta_text = (latest.data or {}).get("eta")
        eta = (
            notices.when(parse_timestamp(eta_text), at, zone) if isinstance(eta_text, str) else None
        )
        return notices.update_notice(what, public_text=latest.public_text, eta=eta)
    return notices.status_notice(incident.status, what, since=since, next_by=next_by)


def _description(asset: Asset | None) -> str | None:
    return asset.description if asset else None
