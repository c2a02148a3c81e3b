"""Email: one message per recipient through SMTP (``smtp://`` plain, ``smtps://`` TLS).

Credentials come from the URL (``smtp://user:password@host:port``) or from the
channel's ``user``/``password`` keys (write ``${SMTP_PASSWORD}`` there).
"""

from __future__ import annotations

import email.policy
import hashlib
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from trustwell.notify.channels.base import (
    DELIVERY_HEADER,
    HTTP_TIMEOUT_SECONDS,
    Delivery,
    DeliveryFailed,
    SendContext,
)
from trustwell.notify.config import ChannelConfig, EmailChannel, mask_url

_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
#: Headers a payload may add (subscriber notices: RFC 2369 and RFC 8058); no other.
_EXTRA_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")


def build_email(config: EmailChannel, delivery: Delivery) -> EmailMessage:
    """The message: From, To, Subject, a Message-ID derived from the dedupe key, the text,
    and the unsubscribe headers of a subscriber notice."""
    # Lines up to SMTP's own limit: a long List-Unsubscribe URL must stay one
    # plain header, not be folded into encoded words no mail program follows.
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    message["From"] = config.from_
    message["To"] = delivery.recipient or str(delivery.payload.get("to", ""))
    message["Subject"] = str(delivery.payload.get("subject", ""))
    digest = hashlib.sha256(delivery.dedupe_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@trustwell>"
    message[DELIVERY_HEADER] = delivery.dedupe_key
    extra = delivery.payload.get("headers")
    for name in _EXTRA_HEADERS:
        value = extra.get(name) if isinstance(extra, Mapping) else None
        if isinstance(value, str) and "\r" not in value and "\n" not in value:
            message[name] = value
    message.set_content(str(delivery.payload.get("text", "")))
    return message


def send_email(
    context: SendContext, config: ChannelConfig, delivery: Delivery
) -> Mapping[str, Any] | None:
    """Send through the channel's SMTP server; any SMTP or network error raises DeliveryFailed."""
    if not isinstance(config, EmailChannel):
        raise DeliveryFailed(f"channel {delivery.channel} is not an email channel")
    if not (delivery.recipient or delivery.payload.get("to")):
        raise DeliveryFailed("the message has no recipient")
    parts = urlsplit(config.smtp)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise DeliveryFailed(
            f"smtp must look like smtp://host:port or smtps://host:port, "
            f"not {mask_url(config.smtp)}"
        )
    host, port = parts.hostname, parts.port or _DEFAULT_PORTS[parts.scheme]
    user = unquote(parts.username) if parts.username else config.user
    password = unquote(parts.password) if parts.password else config.password
    message = build_email(config, delivery)
    try:
        client: smtplib.SMTP
        if parts.scheme == "smtps":
            context_tls = ssl.create_default_context()
            client = smtplib.SMTP_SSL(host, port, timeout=HTTP_TIMEOUT_SECONDS, context=context_tls)
        else:
            client = smtplib.SMTP(host, port, timeout=HTTP_TIMEOUT_SECONDS)
        with client:
            if config.starttls:
                client.starttls(context=ssl.create_default_context())
            if user and password:
                client.login(user, password)
            client.send_message(message)
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"SMTP {host}:{port} answered {exc.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"SMTP {host}:{port}: {type(exc).__name__}") from None
    return None
