"""Webhooks: POST the event as JSON, signed with HMAC-SHA256 when a secret is set.

Every attempt carries ``X-Trustwell-Timestamp`` (Unix seconds, the time of the
attempt) and, with a secret, ``X-Trustwell-Signature: sha256=<hex>``: the
HMAC-SHA256 of ``f"{timestamp}."`` followed by the exact body bytes. Signing
the timestamp with the body lets a receiver refuse a captured request that is
replayed later (docs/notifications.md shows a receiver with a 5-minute
tolerance); repeats of one message are dropped by ``X-Trustwell-Delivery``::

    signed = f"{timestamp}.".encode() + body
    expected = "sha256=" + hmac.new(secret, signed, hashlib.sha256).hexdigest()
    ok = hmac.compare_digest(expected, request.headers["X-Trustwell-Signature"])
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from trustwell.clock import isoformat
from trustwell.notify.channels.base import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Delivery,
    DeliveryFailed,
    SendContext,
    http_request,
)
from trustwell.notify.config import ChannelConfig, WebhookChannel


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>." + body>``.

    >>> signature("s3cret", 1700000000, b"{}")[:15]
    'sha256=97926816'
    """
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def send_webhook(
    context: SendContext, config: ChannelConfig, delivery: Delivery
) -> Mapping[str, Any] | None:
    """The body is ``{"event", "incident", "sent_at"}`` (plus ``action_item`` when overdue)."""
    if not isinstance(config, WebhookChannel):
        raise DeliveryFailed(f"channel {delivery.channel} is not a webhook channel")
    document = {**delivery.payload, "sent_at": isoformat(context.now)}
    body = json.dumps(document, ensure_ascii=False).encode()
    timestamp = int(context.now.timestamp())
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: delivery.dedupe_key,
        TIMESTAMP_HEADER: str(timestamp),
    }
    if config.secret:
        headers[SIGNATURE_HEADER] = signature(config.secret, timestamp, body)
    http_request(context, "POST", config.url, content=body, headers=headers)
    return None
