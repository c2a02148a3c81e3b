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
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from trustwell.durations import humanize, parse_duration
from trustwell.errors import Misconfigured
from trustwell.notify.retry import (
    ALERT_AFTER_MIN,
    DEFAULT_ALERT_AFTER,
    DEFAULT_RETRY_FOR,
    RETRY_FOR_BOUNDS,
    RetryPolicy,
)
from trustwell.redact import mask_url, redact
from trustwell.redact import url_password as _password

if TYPE_CHECKING:
    from trustwell.config.models import ProjectSettings

__all__ = [
    "CHANNEL_TYPES",
    "ChannelConfig",
    "ChannelConfigError",
    "ChannelProblem",
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


def _duration(low: timedelta, high: timedelta | None) -> BeforeValidator:
    """A ``90m``/``48h`` setting, parsed and bounded (a huge value is never echoed)."""
    least = humanize(low.total_seconds())
    span = f"from {least} to {humanize(high.total_seconds())}" if high else f"of at least {least}"

    def parse(value: Any) -> timedelta:
        try:
            parsed = parse_duration(value)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is None or parsed < low or (high is not None and parsed > high):
            shown = f"{value!r} is not" if len(repr(value)) <= 24 else "expected"
            raise ValueError(f"{shown} a duration {span} (a number and s, m, h, d or w, e.g. 48h)")
        return parsed

    return BeforeValidator(parse)


RetryFor = Annotated[timedelta, _duration(*RETRY_FOR_BOUNDS)]
AlertAfter = Annotated[timedelta, _duration(ALERT_AFTER_MIN, None)]


def _url_with(*schemes: str) -> AfterValidator:
    """A URL of one of ``schemes`` with a host: anything else cannot be delivered to.

    The message names the scheme found, never the URL (it may hold a secret).
    """
    wanted = " or ".join(f"{s}://" for s in schemes)

    def check(value: str) -> str:
        try:
            parts = urlsplit(value)
            host, _port = parts.hostname, parts.port  # a port past 65535 raises here
        except ValueError:
            raise ValueError(f"must be an {wanted} URL") from None
        if parts.scheme.lower() not in schemes:
            found = f"'{parts.scheme}://'" if parts.scheme else "no scheme"
            raise ValueError(f"must be an {wanted} URL, got {found}")
        if not host:
            raise ValueError(f"must be an {wanted} URL with a host")
        return value

    return AfterValidator(check)


HttpUrl = Annotated[str, _url_with("http", "https")]
SmtpUrl = Annotated[str, _url_with("smtp", "smtps")]


class _Channel(BaseModel):
    # Built on first use, like the project's other models (trustwell.config.models).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    #: How long a failing message is retried before it is dead (see notify/retry.py).
    retry_for: RetryFor = DEFAULT_RETRY_FOR
    #: How long the channel may fail before /healthz and /metrics say so.
    alert_after: AlertAfter = DEFAULT_ALERT_AFTER

    @model_validator(mode="after")
    def _alert_before_giving_up(self) -> _Channel:
        # An alert that comes after the messages have died is no alert.
        if self.alert_after >= self.retry_for:
            raise ValueError(
                f"alert_after ({humanize(self.alert_after.total_seconds())}) must be shorter"
                f" than retry_for ({humanize(self.retry_for.total_seconds())})"
            )
        return self

    def secrets(self) -> list[str]:
        """Values that must never be shown (see :func:`redact`)."""
        return []

    def retry_policy(self) -> RetryPolicy:
        """The channel's retry window with the shared backoff."""
        return RetryPolicy(retry_for=self.retry_for)


class SlackChannel(_Channel):
    """An incoming webhook of a Slack channel (its URL is the secret)."""

    type: Literal["slack"]
    webhook_url: HttpUrl = Field(repr=False)

    def secrets(self) -> list[str]:
        # The path (/services/T…/B…/token) is the credential; a short one such as
        # "/hook" is no token and, hidden process-wide, would blank every "/hook".
        path = urlsplit(self.webhook_url).path
        return [self.webhook_url, *([path] if len(path) >= 16 else [])]


class WebhookChannel(_Channel):
    """Any HTTP endpoint taking JSON, optionally signed with HMAC-SHA256."""

    type: Literal["webhook"]
    url: HttpUrl = Field(repr=False)  # may carry credentials or a token in its path
    secret: str | None = Field(default=None, repr=False)

    def secrets(self) -> list[str]:
        return [s for s in (self.secret, _password(self.url)) if s]


class EmailChannel(_Channel):
    """An SMTP server: ``smtp://host:port`` (plain) or ``smtps://host:port`` (TLS)."""

    type: Literal["email"]
    smtp: SmtpUrl = Field(repr=False)
    from_: str = Field(alias="from")
    user: str | None = None  # or in the URL: smtp://user:password@host:port
    password: str | None = Field(default=None, repr=False)
    starttls: bool = False

    def secrets(self) -> list[str]:
        return [s for s in (self.password, _password(self.smtp)) if s]


class JiraChannel(_Channel):
    """A Jira project reached through REST v2; Bearer token, or basic auth with ``user``."""

    type: Literal["jira"]
    url: HttpUrl
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


@dataclass(frozen=True)
class ChannelProblem:
    """One thing wrong with one channel, and which key it is about.

    ``on`` says where the loader puts it: ``key`` (an unknown key: its own line),
    ``value`` (a bad value: the line of that value) or ``entry`` (a missing key or
    a rule across keys: the line of the channel itself).
    """

    channel: str
    message: str
    key: tuple[str, ...] = ()
    hint: str = ""  # ": did you mean 'url'?", printed after the location
    on: Literal["key", "value", "entry"] = "entry"

    def __str__(self) -> str:
        return f"channels.{self.channel}: {self.message}{self.hint}"


class ChannelConfigError(Misconfigured, ValueError):
    """One or more channels are invalid; every problem is listed (exit code 2, HTTP 500)."""

    code = "invalid_channels"

    def __init__(self, problems: list[ChannelProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def parse_channels(settings: ProjectSettings) -> dict[str, ChannelConfig]:
    """Validate every channel of ``settings.channels``; raise ChannelConfigError listing all.

    >>> parse_channels(settings)  # {"ops": WebhookChannel(type="webhook", url=…), …}
    """
    return parse_channel_dicts(settings.channels)


_MODELS: dict[str, type[_Channel]] = {
    "slack": SlackChannel,
    "webhook": WebhookChannel,
    "email": EmailChannel,
    "jira": JiraChannel,
}


def parse_channel_dicts(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, ChannelConfig]:
    """Like :func:`parse_channels`, from the raw ``{name: {type: …}}`` mapping."""
    from trustwell.config.errors import did_you_mean

    parsed: dict[str, ChannelConfig] = {}
    problems: list[ChannelProblem] = []
    for name, config in raw.items():
        if not isinstance(config, Mapping):
            problems.append(
                ChannelProblem(name, "expected a mapping like {type: slack, webhook_url: …}")
            )
            continue
        kind = config.get("type")
        if kind not in CHANNEL_TYPES:
            if kind is None:
                message = f"missing key 'type' (one of {', '.join(CHANNEL_TYPES)})"
                problems.append(ChannelProblem(name, message))
            else:
                problems.append(
                    ChannelProblem(
                        name,
                        f"unknown channel type '{kind}'",
                        ("type",),
                        did_you_mean(str(kind), CHANNEL_TYPES),
                        "value",
                    )
                )
            continue
        try:
            parsed[name] = _ADAPTER.validate_python(dict(config))
        except ValidationError as exc:
            problems.extend(_describe(name, error, kind) for error in exc.errors())
    if problems:
        raise ChannelConfigError(problems)
    return parsed


def channel_keys(kind: str) -> list[str]:
    """The keys a channel of type ``kind`` takes, as written in trustwell.yml."""
    model = _MODELS[kind]
    return [field.alias or name for name, field in model.model_fields.items()]


def _describe(channel: str, error: Any, kind: str) -> ChannelProblem:
    from trustwell.config.errors import did_you_mean

    # error["loc"] is (type, key, ...) for a discriminated union; the input is never shown
    # because it may be a secret.
    path = tuple(str(p).replace("from_", "from") for p in error["loc"][1:])
    key = ".".join(path)
    if error["type"] == "missing":
        return ChannelProblem(channel, f"missing key '{key}' (type {kind})", path)
    if error["type"] == "extra_forbidden":
        hint = did_you_mean(path[-1], channel_keys(kind)) if len(path) == 1 else ""
        return ChannelProblem(channel, f"unknown key '{key}' (type {kind})", path, hint, "key")
    if error["type"] == "value_error":  # our own validators: the message is complete
        text = str(error["ctx"]["error"])
        if not key:  # a rule across keys of the channel
            return ChannelProblem(channel, text)
        return ChannelProblem(channel, f"{key} {text}", path, on="value")
    return ChannelProblem(channel, f"'{key or '?'}': {error['msg']}", path, on="value")
