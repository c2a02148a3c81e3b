"""Notifications: who is told what about an incident, and the outbox that delivers it.

>>> from trustwell.notify import plan_messages, enqueue, deliver_due
>>> messages = plan_messages("incident.declared", snapshot, settings, assets)
>>> store.write(lambda conn: enqueue(conn, messages, now))
>>> deliver_due(store, settings)
DeliveryReport(sent=3, retried=0, dead=0)

Importing this package imports no SQLAlchemy or HTTP client; the outbox
functions import them when called. The message planner (and the incident
document models behind it) is imported on first use too: the project's
settings import :mod:`trustwell.notify.config`, and a run that opens no
incident never plans a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trustwell.notify.config import ChannelConfig, ChannelConfigError, parse_channels

if TYPE_CHECKING:
    from trustwell.notify.messages import EVENTS, OutgoingMessage, plan_messages
    from trustwell.notify.outbox import (
        DeliveryReport,
        OutboxRow,
        deliver_due,
        enqueue,
        outbox_rows,
        retry_dead,
    )

_OUTBOX_NAMES = (
    "DeliveryReport",
    "OutboxRow",
    "deliver_due",
    "enqueue",
    "outbox_rows",
    "retry_dead",
)


_MESSAGE_NAMES = ("EVENTS", "OutgoingMessage", "plan_messages")


def __getattr__(name: str) -> Any:
    if name in _MESSAGE_NAMES:
        from trustwell.notify import messages

        return getattr(messages, name)
    if name in _OUTBOX_NAMES:
        from trustwell.notify import outbox

        return getattr(outbox, name)
    raise AttributeError(name)


__all__ = [
    "EVENTS",
    "ChannelConfig",
    "ChannelConfigError",
    "DeliveryReport",
    "OutboxRow",
    "OutgoingMessage",
    "deliver_due",
    "enqueue",
    "outbox_rows",
    "parse_channels",
    "plan_messages",
    "retry_dead",
]
