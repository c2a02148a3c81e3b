"""Slack: POST the Block Kit message to the channel's incoming webhook."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from trustwell.notify.channels.base import (
    DELIVERY_HEADER,
    Delivery,
    DeliveryFailed,
    SendContext,
    http_request,
)
from trustwell.notify.config import ChannelConfig, SlackChannel


def send_slack(
    context: SendContext, config: ChannelConfig, delivery: Delivery
) -> Mapping[str, Any] | None:
    """Any 2xx answer is success."""
    if not isinstance(config, SlackChannel):
        raise DeliveryFailed(f"channel {delivery.channel} is not a Slack channel")
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: delivery.dedupe_key}
    http_request(context, "POST", config.webhook_url, content=body, headers=headers)
    return None
