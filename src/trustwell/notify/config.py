"""Typed channel configurations, validated from the raw ``channels:`` of ``trustwell.yml``.

Secrets (webhook URLs, HMAC secrets, tokens, SMTP passwords) arrive already
substituted from ``${VAR}`` by the loader. They must never reach a log, an
error or the outbox listing: each channel lists them in ``secrets()``, and
:func:`~trustwell.redact.mask_url` and :func:`~trustwell.redact.redact` (from
the one scrubber, :mod:`trustwell.redact`, re-exported here) hide them. Secret
fields are left out of ``repr()`` too.

>>> parse_channels(settings)["ops"].url
'http://127.0.0.1:9000/hook'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from trustwell.redact import mask_url, redact
from trustwell.redact import url_password as _password

if TYPE_CHECKING:
    from trustwell.config.models import ProjectSettings

__all__ = [
    "CHANNEL_TYPES",
    "ChannelConfig",
    "ChannelConfigError",
    "EmailChannel",
    "JiraChannel",
    "SlackChannel",
    "WebhookChannel",
    "mask_url",
    "parse_channel_dicts",
    "parse_channels",
    "redact",
]

CHANNEL_TYPES = ("slack", "webhook", "email", "jira")


class _Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def secrets(self) -> list[str]:
        """Values that must never be shown (see :func:`redact`)."""
        return []


class SlackChannel(_Channel):
    """An incoming webhook of a Slack channel (its URL is the secret)."""

    type: Literal["slack"]
    webhook_url: str = Field(repr=False)

    def secrets(self) -> list[str]:
        # The path (/services/T…/B…/token) is the credential; a short one such as
        # "/hook" is no token and, hidden process-wide, would blank every "/hook".
        path = urlsplit(self.webhook_url).path
        return [self.webhook_url, *([path] if len(path) >= 16 else [])]


class WebhookChannel(_Channel):
    """Any HTTP endpoint taking JSON, optionally signed with HMAC-SHA256."""

    type: Literal["webhook"]
    url: str = Field(repr=False)  # may carry credentials or a token in its path
    secret: str | None = Field(default=None, repr=False)

    def secrets(self) -> list[str]:
        return [s for s in (self.secret, _password(self.url)) if s]


class EmailChannel(_Channel):
    """An SMTP server: ``smtp://host:port`` (plain) or ``smtps://host:port`` (TLS)."""

    type: Literal["email"]
    smtp: str = Field(repr=False)
    from_: str = Field(alias="from")
    user: str | None = None  # or in the URL: smtp://user:password@host:port
    password: str | None = Field(default=None, repr=False)
    starttls: bool = False

    def secrets(self) -> list[str]:
        return [s for s in (self.password, _password(self.smtp)) if s]


class JiraChannel(_Channel):
    """A Jira project reached through REST v2; Bearer token, or basic auth with ``user``."""

    type: Literal["jira"]
    url: str
    project: str
    token: str = Field(repr=False)
    user: str | None = None
    issue_type: str = "Incident"

    def secrets(self) -> list[str]:
        return [s for s in (self.token, _password(self.url)) if s]


ChannelConfig = SlackChannel | WebhookChannel | EmailChannel | JiraChannel
_ADAPTER: TypeAdapter[ChannelConfig] = TypeAdapter(
    Annotated[ChannelConfig, Field(discriminator="type")]
)


class ChannelConfigError(ValueError):
    """One or more channels are invalid; every problem is listed (exit code 2)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def parse_channels(settings: ProjectSettings) -> dict[str, ChannelConfig]:
    """Validate every channel of ``settings.channels``; raise ChannelConfigError listing all.

    >>> parse_channels(settings)  # {"ops": WebhookChannel(type="webhook", url=…), …}
    """
    return parse_channel_dicts(settings.channels)


def parse_channel_dicts(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, ChannelConfig]:
    """Like :func:`parse_channels`, from the raw ``{name: {type: …}}`` mapping."""
    from trustwell.config.errors import did_you_mean

    parsed: dict[str, ChannelConfig] = {}
    problems: list[str] = []
    for name, config in raw.items():
        where = f"channels.{name}"
        if not isinstance(config, Mapping):
            problems.append(f"{where}: expected a mapping like {{type: slack, webhook_url: …}}")
            continue
        kind = config.get("type")
        if kind not in CHANNEL_TYPES:
            if kind is None:
                problems.append(f"{where}: missing key 'type' (one of {', '.join(CHANNEL_TYPES)})")
            else:
                hint = did_you_mean(str(kind), CHANNEL_TYPES)
                problems.append(f"{where}: unknown channel type '{kind}'{hint}")
            continue
        try:
            parsed[name] = _ADAPTER.validate_python(dict(config))
        except ValidationError as exc:
            problems.extend(f"{where}: {_describe(error, kind)}" for error in exc.errors())
    if problems:
        raise ChannelConfigError(problems)
    return parsed


def _describe(error: Any, kind: str) -> str:
    # error["loc"] is (type, key, ...) for a discriminated union; the input is never shown
    # because it may be a secret.
    loc = [str(p) for p in error["loc"][1:]] or ["?"]
    key = ".".join(loc).replace("from_", "from")
    if error["type"] == "missing":
        return f"missing key '{key}' (type {kind})"
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}' (type {kind})"
    return f"'{key}': {error['msg']}"
