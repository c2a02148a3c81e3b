"""One sender per channel type; :func:`sender_for` picks it.

``sender_for`` lives here, not in ``base``: each sender imports ``base``, so
``base`` importing the senders back would be an import cycle.
"""

from __future__ import annotations

from trustwell.notify.channels.base import Delivery, DeliveryFailed, SendContext, Sender

__all__ = ["Delivery", "DeliveryFailed", "SendContext", "Sender", "sender_for"]


def sender_for(channel_type: str) -> Sender:
    """The send function of a channel type (imported when first needed)."""
    if channel_type == "slack":
        from trustwell.notify.channels.slack import send_slack

        return send_slack
    if channel_type == "webhook":
        from trustwell.notify.channels.webhook import send_webhook

        return send_webhook
    if channel_type == "email":
        from trustwell.notify.channels.email import send_email

        return send_email
    if channel_type == "jira":
        from trustwell.notify.channels.jira import send_jira

        return send_jira
    raise DeliveryFailed(f"unknown channel type {channel_type!r}")
