"""What every channel shares: the delivery it is handed, its failure, HTTP with timeouts.

A sender is a function ``send(context, config, delivery)``: it raises
:class:`DeliveryFailed` (with a message safe to store: no secret, no URL with
credentials) or returns a small mapping the outbox records with the row (the
Jira issue key, for example). Every delivery carries ``X-Trustwell-Delivery``
(the row's dedupe key) so receivers can drop the rare at-least-once repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from trustwell.notify.config import mask_url

if TYPE_CHECKING:
    import httpx

    from trustwell.notify.config import ChannelConfig

HTTP_TIMEOUT_SECONDS = 10.0
DELIVERY_HEADER = "X-Trustwell-Delivery"
EVENT_HEADER = "X-Trustwell-Event"
SIGNATURE_HEADER = "X-Trustwell-Signature"
TIMESTAMP_HEADER = "X-Trustwell-Timestamp"


@dataclass(frozen=True)
class Delivery:
    """One claimed outbox row, as a sender sees it."""

    id: int
    created_at: datetime  # when it was queued: the retry window counts from here
    channel: str
    channel_type: str
    event: str
    incident: int | None
    recipient: str | None
    payload: Mapping[str, Any]
    dedupe_key: str
    attempts: int


class DeliveryFailed(Exception):
    """The channel did not take the message; the text is stored as ``last_error``."""


@dataclass
class SendContext:
    """What senders need beyond their config: an HTTP client, the time, earlier results."""

    http: httpx.Client
    now: datetime
    #: (channel, incident number) -> the Jira issue key recorded by an earlier delivery
    jira_key: Callable[[str, int | None], str | None]


class Sender(Protocol):
    def __call__(
        self, context: SendContext, config: ChannelConfig, delivery: Delivery
    ) -> Mapping[str, Any] | None: ...


def http_request(
    context: SendContext,
    method: str,
    url: str,
    *,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    timeout: float = HTTP_TIMEOUT_SECONDS,
) -> httpx.Response:
    """One HTTP call with the timeout; no answer or a non-2xx answer raises DeliveryFailed."""
    import httpx

    try:
        response = context.http.request(
            method,
            url,
            content=content,
            headers=dict(headers or {}),
            auth=auth,
            timeout=timeout,
        )
    except httpx.TimeoutException:
        raise DeliveryFailed(f"{method} {mask_url(url)}: no answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{method} {mask_url(url)}: {type(exc).__name__}") from None
    if not response.is_success:
        snippet = " ".join(response.text.split())[:200]
        tail = f": {snippet}" if snippet else ""
        raise DeliveryFailed(f"{method} {mask_url(url)}: HTTP {response.status_code}{tail}")
    return response
