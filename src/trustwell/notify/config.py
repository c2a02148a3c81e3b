"""Typed channel configurations, validated from the raw ``channels:`` of ``trustwell.yml``.

Secrets (webhook URLs, HMAC secrets, tokens, SMTP passwords) arrive already
substituted from ``${VAR}`` by the loader. They must never reach a log, an
error or the outbox listing: :func:`mask_url` and :func:`redact` hide them.

>>> parse_channels(settings)["ops"].url
'http://127.0.0.1:9000/hook'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

if TYPE_CHECKING:
    from trustwell.config.models import ProjectSettings

CHANNEL_TYPES = ("slack", "webhook", "email", "jira")


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
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def secrets(self) -> list[str]:
        """Values that must never be shown (see :func:`redact`)."""
        return []


class SlackChannel(_Channel):
    """An incoming webhook of a Slack channel (its URL is the secret)."""

    type: Literal["slack"]
    webhook_url: HttpUrl

    def secrets(self) -> list[str]:
        return [self.webhook_url, urlsplit(self.webhook_url).path]


class WebhookChannel(_Channel):
    """Any HTTP endpoint taking JSON, optionally signed with HMAC-SHA256."""

    type: Literal["webhook"]
    url: HttpUrl
    secret: str | None = None

    def secrets(self) -> list[str]:
        return [s for s in (self.secret, _password(self.url)) if s]


class EmailChannel(_Channel):
    """An SMTP server: ``smtp://host:port`` (plain) or ``smtps://host:port`` (TLS)."""

    type: Literal["email"]
    smtp: SmtpUrl
    from_: str = Field(alias="from")
    user: str | None = None  # or in the URL: smtp://user:password@host:port
    password: str | None = None
    starttls: bool = False

    def secrets(self) -> list[str]:
        return [s for s in (self.password, _password(self.smtp)) if s]


class JiraChannel(_Channel):
    """A Jira project reached through REST v2; Bearer token, or basic auth with ``user``."""

    type: Literal["jira"]
    url: HttpUrl
    project: str
    token: str
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
    if error["type"] == "value_error":  # our own validators: the message is complete
        return f"{key} {str(error['msg']).removeprefix('Value error, ')}"
    return f"'{key}': {error['msg']}"


def _password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def mask_url(url: str) -> str:
    """A URL safe to show: credentials and the path (which may hold a token) hidden.

    >>> mask_url("https://user:pw@hooks.example.test/services/T0/B0/XYZ?x=1")
    'https://hooks.example.test/…'
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<invalid URL>"
    tail = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{host}{port}{tail}"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret (of 4 characters or more) replaced by ``***``.

    >>> redact("401 for token abcd1234", ["abcd1234"])
    '401 for token ***'
    """
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
