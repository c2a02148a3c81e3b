"""Webhooks: POST the event as JSON, signed with HMAC-SHA256 when a secret is set.

Receivers verify ``X-Trustwell-Signature: sha256=<hex>`` over the exact body
bytes and drop repeats by ``X-Trustwell-Delivery``::

    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
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
    Delivery,
    DeliveryFailed,
    SendContext,
    http_request,
)
from trustwell.notify.config import ChannelConfig, WebhookChannel


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of body>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(
    context: SendContext, config: ChannelConfig, delivery: Delivery
) -> Mapping[str, Any] | None:
    """The body is ``{"event", "incident", "sent_at"}`` (plus ``action_item`` when overdue)."""
    if not isinstance(config, WebhookChannel):
        raise DeliveryFailed(f"channel {delivery.channel} is not a webhook channel")
    document = {**delivery.payload, "sent_at": isoformat(context.now)}
    body = json.dumps(document, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: delivery.dedupe_key,
    }
    if config.secret:
        headers[SIGNATURE_HEADER] = signature(config.secret, body)
    http_request(context, "POST", config.url, content=body, headers=headers)
    return None
