"""Database values as JSON, as samples and details show them: PII masked, text scrubbed."""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from trustwell.redact import MASK, scrub


def jsonable(value: Any) -> Any:
    """A database value as JSON (timestamps as ISO text, decimals as numbers)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def masked_rows(rows: Sequence[Mapping[str, Any]], pii: list[str]) -> list[dict[str, Any]]:
    """Sample rows as JSON with every ``pii`` column replaced by ``***``.

    Text values are scrubbed as well: a row holding a connection string or a
    token (a config table, a log line) is stored and shown without it.
    """
    hidden = {p.lower() for p in pii}
    return [
        {k: MASK if k.lower() in hidden and v is not None else shown_value(v) for k, v in r.items()}
        for r in rows
    ]


def shown_value(value: Any) -> Any:
    """A value as JSON, scrubbed of credentials if it is text (samples, details)."""
    shown = jsonable(value)
    return scrub(shown) if isinstance(shown, str) else shown
