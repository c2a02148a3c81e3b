"""The secret values of a project's settings, to register with :mod:`trustwell.redact`.

Pure: settings in, values out. The loader registers them once
``trustwell.yml`` validates, so that no later error, page or log line can show
them, whatever library wrote the text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from trustwell.redact import url_password

if TYPE_CHECKING:
    from trustwell.config.models import ProjectSettings

# Keys whose values are secrets wherever they appear (channels, openlineage, spark conf);
# a Slack incoming webhook's URL is its own credential.
_SECRET_KEYS = (
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "credential",
    "webhook_url",
)


def settings_secrets(settings: ProjectSettings) -> list[str]:
    """Every secret of ``settings``: URL passwords, channel secrets, keys named like secrets.

    >>> settings_secrets(ProjectSettings(store="postgresql://tw:hunter22@db/x"))
    ['hunter22']
    """
    from trustwell.notify.config import ChannelConfigError, parse_channel_dicts

    found: list[str | None] = [url_password(settings.store)]
    for warehouse in settings.warehouses.values():
        url = getattr(warehouse, "url", None)
        if isinstance(url, str):
            found.append(url_password(url))
        found.extend(_secret_values(getattr(warehouse, "conf", {})))
        remote = getattr(warehouse, "remote", None)
        if isinstance(remote, str):
            found.extend(connect_tokens(remote))
    try:
        channels = parse_channel_dicts(settings.channels)
    except ChannelConfigError:
        channels = {}  # reported by the loader; the raw values are still scanned below
    for channel in channels.values():
        found.extend(channel.secrets())
    found.extend(_secret_values(settings.channels))
    if settings.openlineage is not None:
        found.extend(settings.openlineage.secrets())
    return list(dict.fromkeys(v for v in found if v))


def connect_tokens(remote: str) -> list[str]:
    """The ``token`` of a Spark Connect URL (``sc://host:15002/;token=abc;user_id=x``).

    >>> connect_tokens("sc://spark:15002/;user_id=bi;token=abc123")
    ['abc123']
    """
    _, _, params = remote.partition("/;")
    pairs = (p.partition("=") for p in params.split(";"))
    return [value for key, _, value in pairs if key.strip().lower() == "token" and value]


def raw_secrets(data: Any) -> list[str]:
    """The secrets of ``trustwell.yml`` as parsed, before (or without) validation."""
    return list(dict.fromkeys(_secret_values(data)))


def _secret_values(data: Any, secret: bool = False) -> Iterator[str]:
    """Values under secret-looking keys, and passwords of URLs, anywhere in ``data``."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            named = any(word in str(key).lower() for word in _SECRET_KEYS)
            yield from _secret_values(value, secret or named)
    elif isinstance(data, list):
        for item in data:
            yield from _secret_values(item, secret)
    elif isinstance(data, str):
        if secret:
            yield data
        password = url_password(data) if "@" in data else None
        if password:
            yield password
