"""``openlineage:`` in ``trustwell.yml``: where every run's OpenLineage events go.

Events are queued in the outbox like any notice and delivered with the same
retries, backoff and dead-lettering (see :mod:`trustwell.openlineage`), so the
section is a delivery channel with a fixed name, :data:`OPENLINEAGE_CHANNEL`.
``api_key`` is a secret: write it as ``${VAR}``; it is left out of ``repr()``,
registered with the scrubber and never part of an error message.

>>> OpenLineageSettings.model_validate(
...     {"transport": "http", "url": "http://marquez:5000", "namespace": "shop"}
... ).lineage_url
'http://marquez:5000/api/v1/lineage'
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from trustwell.checks.params import rule
from trustwell.durations import parse_duration
from trustwell.notify.config import HttpUrl, _Channel

#: The outbox channel name of the events (a ``channels:`` entry may not take it).
OPENLINEAGE_CHANNEL = "openlineage"
#: The outbox ``channel_type`` of the events.
OPENLINEAGE_TYPE = "openlineage"
TRANSPORTS = ("http", "file", "console")
# An HTTP call must end well inside the outbox's 45 s lease per row.
_TIMEOUT_BOUNDS = (timedelta(seconds=1), timedelta(seconds=30))


def _timeout(value: Any) -> timedelta:
    """Seconds as a number (like the client's ``timeout``) or a duration such as ``10s``."""
    try:
        parsed = (
            timedelta(seconds=float(value))
            if isinstance(value, int | float) and not isinstance(value, bool)
            else parse_duration(value)
        )
    except (ValueError, OverflowError, TypeError):
        parsed = None
    low, high = _TIMEOUT_BOUNDS
    if parsed is None or not low <= parsed <= high:
        raise ValueError("must be a number of seconds or a duration from 1s to 30s (e.g. 10s)")
    return parsed


Timeout = Annotated[
    timedelta,
    BeforeValidator(_timeout),
    WithJsonSchema({"type": ["number", "string"], "description": "seconds, or e.g. 10s"}),
]


class OpenLineageSettings(_Channel):
    """``openlineage: {transport, url, api_key, namespace, endpoint, timeout, path}``."""

    transport: Literal["http", "file", "console"]
    #: http: the receiver's base URL (Marquez: http://host:5000); events go to url/endpoint.
    url: HttpUrl | None = Field(default=None, repr=False)
    #: http: sent as ``Authorization: Bearer <api_key>``.
    api_key: str | None = Field(default=None, repr=False)
    #: The namespace of the ``checks.<asset>`` jobs.
    namespace: str = Field(default="trustwell", min_length=1)
    endpoint: str = "api/v1/lineage"
    timeout: Timeout = timedelta(seconds=5)
    #: file: the NDJSON file events are appended to (relative to the project folder).
    path: str | None = None

    @property
    def type(self) -> str:
        """The outbox channel type, as the other channels' ``type`` field."""
        return OPENLINEAGE_TYPE

    @property
    def lineage_url(self) -> str:
        """Where the http transport POSTs: ``{url}/{endpoint}``."""
        return f"{(self.url or '').rstrip('/')}/{self.endpoint.lstrip('/')}"

    def secrets(self) -> list[str]:
        from trustwell.redact import url_password

        return [s for s in (self.api_key, url_password(self.url or "")) if s]

    @model_validator(mode="after")
    def _keys_of_transport(self) -> OpenLineageSettings:
        if self.transport == "http" and self.url is None:
            raise rule(
                "openlineage: transport http needs url: (e.g. http://marquez:5000)", "transport"
            )
        if self.transport == "file" and self.path is None:
            raise rule(
                "openlineage: transport file needs path: (the NDJSON file to append to)",
                "transport",
            )
        for key in ("url", "api_key"):
            if self.transport != "http" and getattr(self, key) is not None:
                raise rule(f"openlineage: {key} is only used by transport http", key)
        if self.transport != "file" and self.path is not None:
            raise rule("openlineage: path is only used by transport file", "path")
        return self
