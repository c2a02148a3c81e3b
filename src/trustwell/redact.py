"""One scrubber for every text that leaves trustwell: errors, messages, pages and logs.

A credential reaches a message in many ways: a driver echoes a misspelt
connection string, a library logs a request URL, an exception carries a
libpq conninfo. :func:`scrub` removes, from any text,

- the password of a URL's userinfo, whatever the scheme, also in a misspelt
  or half-written URL (``postgresq://tw:pw@db``, ``tw:pw@db:5432/x``);
- the value of ``password=`` / ``pwd=`` / ``secret=`` / ``token=`` /
  ``api_key=`` pairs (libpq conninfo, query strings, ``key: value``,
  quoted values);
- ``Authorization:`` header values and long ``Bearer`` tokens;
- every value registered with :func:`register_secrets`: the project's
  secret settings and the secret-looking ``${VAR}`` values it used (the
  config loader registers them).

Each is replaced by ``***``. Pure text in, text out; the registry is the only
state, process-wide on purpose (a secret known once must be hidden from every
later message, whichever thread writes it).

>>> scrub('missing "=" after "postgresq://tw:hunter22@db:5432/x"')
'missing "=" after "postgresq://tw:***@db:5432/x"'
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote, urlsplit

MASK = "***"
#: Shorter values are not registered: hiding "pw" would wreck every message.
MIN_SECRET_LENGTH = 4
#: Setting values that are never secrets, even under a secret-looking name.
_NEVER_SECRET = frozenset({"true", "false", "none", "null"})

_USERINFO = re.compile(
    r"""
    (?P<keep>
        (?:[A-Za-z][A-Za-z0-9+.\-]*:)?//[^\s/?\#@:]*:    # scheme://user:  (any or no scheme)
      | (?<![\w.+\-%])(?!mailto:)[\w.+\-%]+:(?!//)      # user:  of a half URL (tw:pw@host)
    )
    (?P<secret>\S*)@                                    # up to the last @ of the word
    """,
    re.VERBOSE,
)
# ``key=value`` takes any value; ``key: value`` only a quoted one (a JSON or
# dict echo), so that a message about a column named ``api_token:`` stays readable.
_KEY = (
    r"(?<![\w])[\w.\-]*?"
    r"(?:password|passwd|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key)"
)
_QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_PAIR = re.compile(
    rf"""
    (?P<keep>{_KEY}['"]?\s*=\s*)(?P<secret>{_QUOTED}|[^\s&'"]+)
    | (?P<keep2>{_KEY}['"]?\s*:\s*)(?P<secret2>{_QUOTED})
    """,
    re.VERBOSE | re.IGNORECASE,
)
_TOKEN_CHARS = r"[A-Za-z0-9\-._~+/=:]"
_SCHEMES = r"(?:bearer|basic|token|digest|negotiate)"
_AUTHORIZATION = re.compile(
    rf"""
    (?P<keep>\b(?:proxy-)?authorization['"]?\s*[:=]\s*['"]?(?:{_SCHEMES}\s+)?)
    (?!{_SCHEMES}\s)(?P<secret>{_TOKEN_CHARS}+)
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Alone (not after "Authorization:"), only a long value is taken for a token,
# so that prose such as "Bearer authentication" stays readable.
_BEARER = re.compile(r"(?P<keep>\bbearer\s+)(?P<secret>[A-Za-z0-9\-._~+/]{16,}=*)", re.IGNORECASE)
_RULES = (_USERINFO, _AUTHORIZATION, _BEARER, _PAIR)

_lock = threading.Lock()
_registered: set[str] = set()
_registered_pattern: re.Pattern[str] | None = None


def scrub(text: str, extra: Iterable[str | None] = ()) -> str:
    """``text`` with every credential replaced by ``***`` (see the module doc).

    ``extra`` are secrets of this call only (a channel's token, say), hidden
    like registered ones.

    >>> scrub("host=db user=tw password='s3 cret' dbname=x")
    'host=db user=tw password=*** dbname=x'
    >>> scrub("GET /hook?token=abc123&x=1 with Authorization: Bearer eyJhbGciOi")
    'GET /hook?token=***&x=1 with Authorization: Bearer ***'
    """
    if not text:
        return text
    # Syntax first: a registered value inside a key ("secret" in "client_secret=")
    # must not break the pair that hides its value.
    for rule in _RULES:
        text = rule.sub(_mask, text)
    return _hide_values(text, _values_pattern(extra))


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` scrubbed, with ``secrets`` hidden too (:func:`scrub` with ``extra``).

    >>> redact("401 for token abcd1234", ["abcd1234"])
    '401 for token ***'
    """
    return scrub(text, secrets)


def register_secrets(values: Iterable[str | None]) -> None:
    """Hide ``values`` from every later :func:`scrub` in this process.

    Values shorter than :data:`MIN_SECRET_LENGTH` are ignored; a value is
    also registered percent-encoded and percent-decoded, as it may appear in a URL.
    """
    global _registered_pattern
    found = set()
    for value in values:
        if not value:
            continue
        for form in (value, unquote(value), quote(value, safe="")):
            if len(form) >= MIN_SECRET_LENGTH and form.lower() not in _NEVER_SECRET:
                found.add(form)
    with _lock:
        if found <= _registered:
            return
        _registered.update(found)
        _registered_pattern = _alternation(_registered)


def forget_secrets() -> None:
    """Forget every registered value (a new project in the same process; tests)."""
    global _registered_pattern
    with _lock:
        _registered.clear()
        _registered_pattern = None


def credentials_in(text: str) -> list[str]:
    """The credentials :func:`scrub` would hide by their syntax (URL passwords, pair values).

    >>> credentials_in("postgresql://tw:pw1@db/x?sslpassword='k 2'")
    ['pw1', 'k 2']
    """
    found = []
    for rule in _RULES:
        for match in rule.finditer(text):
            secret = _part(match, "secret")
            if len(secret) > 1 and secret[0] in "'\"" and secret[-1] == secret[0]:
                secret = secret[1:-1]
            if secret:
                found.append(secret)
    return found


def url_password(url: str) -> str | None:
    """The password in a URL's userinfo, or None (also for a URL that does not parse)."""
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


# --- logs ------------------------------------------------------------------------------

_factory_installed = False


def install_log_scrubbing() -> None:
    """Scrub every log record of this process as it is made, whoever logs it.

    A filter on a logger misses the records of its child loggers, and one on
    a handler misses handlers added later (uvicorn configures its own); the
    record factory sees every record of trustwell, uvicorn, SQLAlchemy or
    httpx alike. Idempotent; called by the CLI and by ``create_app``.
    """
    global _factory_installed
    with _lock:
        if _factory_installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            scrub_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True


def scrub_record(record: logging.LogRecord) -> None:
    """Scrub a record's message, arguments, traceback and stack in place."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format: leave it for logging's own error report
        return
    if scrub(message) != message:
        # Keep the format and its arguments where that suffices: formatters
        # such as uvicorn's access log unpack ``record.args``.
        args = _scrubbed_args(record.args)
        try:
            clean = scrub(str(record.msg) % args if args else str(record.msg))
            kept = clean == (str(record.msg) % args if args else str(record.msg))
        except (TypeError, ValueError, KeyError):
            kept = False
        if kept:
            record.args = args
        else:
            record.msg, record.args = scrub(message), None
    if record.exc_info and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info))
        record.exc_text = scrub(text).rstrip("\n")
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)


def _scrubbed_args(args: Any) -> Any:
    if isinstance(args, tuple):
        return tuple(_scrubbed_arg(a) for a in args)
    if isinstance(args, dict):
        return {k: _scrubbed_arg(v) for k, v in args.items()}
    return args


def _scrubbed_arg(value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    clean = scrub(text)
    return value if clean == text else clean


# --- helpers ---------------------------------------------------------------------------


def _part(match: re.Match[str], name: str) -> str:
    """A named part of a rule's match (``_PAIR`` has two forms: ``name`` and ``name2``)."""
    parts = match.groupdict()
    return parts.get(name) or parts.get(f"{name}2") or ""


def _mask(match: re.Match[str]) -> str:
    tail = "@" if match.re is _USERINFO else ""
    return f"{_part(match, 'keep')}{MASK}{tail}"


def _alternation(values: Iterable[str]) -> re.Pattern[str]:
    # Longest first, so that a secret containing another is hidden whole.
    ordered = sorted(values, key=lambda v: (-len(v), v))
    return re.compile("|".join(re.escape(v) for v in ordered))


def _values_pattern(extra: Iterable[str | None]) -> re.Pattern[str] | None:
    more = {v for v in extra if v and len(v) >= MIN_SECRET_LENGTH}
    if not more:
        return _registered_pattern
    with _lock:
        return _alternation(_registered | more)


def _hide_values(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return text
    # Until nothing changes: each pass shortens the text (a secret has 4 or
    # more characters, the mask 3), so this ends.
    while True:
        hidden = pattern.sub(MASK, text)
        if hidden == text:
            return text
        text = hidden
