"""The ``openlineage`` channel: one queued RunEvent over the configured transport.

- ``http``: POST the event as JSON to ``{url}/{endpoint}`` with
  ``Authorization: Bearer <api_key>`` when a key is set, as the client's
  HttpTransport does (and ``X-Trustwell-Delivery``, for receivers that drop
  the rare repeat);
- ``file``: append it as one JSON line to ``path`` (the client's FileTransport
  with ``append: true``), relative to the project folder;
- ``console``: print it on stderr, one JSON line.

The body is the official client's ``Serde.to_json`` of the stored document:
key order, separators and all. A refusal raises :class:`DeliveryFailed` and the
outbox retries.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustwell.notify.channels.base import (
    DELIVERY_HEADER,
    Delivery,
    DeliveryFailed,
    SendContext,
    http_request,
)

if TYPE_CHECKING:
    from trustwell.config.openlineage import OpenLineageSettings


def send_openlineage(
    context: SendContext, config: OpenLineageSettings, delivery: Delivery
) -> Mapping[str, Any] | None:
    """Deliver ``delivery.payload["event"]`` over ``config.transport``."""
    from openlineage.client.serde import Serde

    event = delivery.payload.get("event")
    if not isinstance(event, Mapping):
        raise DeliveryFailed("the queued row holds no OpenLineage event")
    body = Serde.to_json(dict(event))
    if config.transport == "http":
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: delivery.dedupe_key}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        http_request(
            context,
            "POST",
            config.lineage_url,
            content=body.encode(),
            headers=headers,
            timeout=config.timeout.total_seconds(),
        )
    elif config.transport == "file":
        target = Path(config.path or "")
        if not target.is_absolute():
            target = Path(str(delivery.payload.get("root") or ".")) / target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("a", encoding="utf-8") as file:
                file.write(body + "\n")
        except OSError as exc:
            raise DeliveryFailed(f"cannot append to {target}: {exc.strerror or exc}") from None
    else:
        print(body, file=sys.stderr, flush=True)
    return None
