"""One sender per channel type; :func:`sender_for` picks it."""

from __future__ import annotations

from trustwell.notify.channels.base import Delivery, DeliveryFailed, SendContext, Sender, sender_for

__all__ = ["Delivery", "DeliveryFailed", "SendContext", "Sender", "sender_for"]
