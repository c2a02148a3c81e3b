"""One message for one channel, as planned and as the outbox stores it. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DRILL = "[DRILL] "  # the mark of a drill in every subject, text and header


@dataclass(frozen=True)
class OutgoingMessage:
    """One message for one channel (and one recipient, for email), ready for the outbox."""

    channel: str
    channel_type: str  # slack | webhook | email | jira
    event: str
    incident: str  # "INC-7"
    recipient: str | None
    subject: str
    text: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    discriminator: str = ""  # tells two occurrences of one event on one incident apart

    @property
    def dedupe_key(self) -> str:
        """Stable for the same event occurrence, channel and recipient (at most ~90 chars)."""
        raw = "\x1f".join(
            (self.event, self.incident, self.channel, self.recipient or "", self.discriminator)
        )
        digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
        return f"{self.event}:{self.incident}:{digest}"

    @property
    def incident_number(self) -> int | None:
        """7 for ``INC-7``."""
        number = self.incident.rpartition("-")[2]
        return int(number) if number.isdigit() else None
