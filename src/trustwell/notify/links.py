"""Signed links in e-mails: confirm an address, unsubscribe. Pure.

A link carries its purpose, the address and what it is about (assets,
reports), signed with a service key (:mod:`trustwell.store.keys`): nobody
without the key can make one for someone else's address, and a changed or
cut link is refused. Confirmation links expire after a week; unsubscribe links
never do, so the oldest notice still lets its reader leave.

>>> token = sign(key, Link("unsubscribe", "cfo@acme.test", assets=("marts.weekly_cac",)), now)
>>> verify(key, token, "unsubscribe", now).email
'cfo@acme.test'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import quote

Purpose = Literal["confirm", "unsubscribe"]
CONFIRM_VALID_FOR = timedelta(days=7)
#: Assets named in one unsubscribe link at most (beyond, "everything" remains).
MAX_SCOPE = 20


class InvalidLink(ValueError):
    """A link that was changed, cut short, made for another purpose, or expired."""


@dataclass(frozen=True)
class Link:
    """What a signed link stands for."""

    purpose: Purpose
    email: str
    assets: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()


def sign(key: bytes, link: Link, now: datetime) -> str:
    """The URL-safe token of ``link``, issued at ``now``."""
    body = {
        "p": link.purpose,
        "e": link.email,
        "a": list(link.assets[:MAX_SCOPE]),
        "r": list(link.reports[:MAX_SCOPE]),
        "t": int(now.timestamp()),
    }
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_signature(key, payload)}"


def verify(key: bytes, token: str, purpose: Purpose, now: datetime) -> Link:
    """The link behind ``token``; raises :class:`InvalidLink` with a reason people understand."""
    payload, _, signature = token.strip().partition(".")
    if not payload or not hmac.compare_digest(_signature(key, payload), signature):
        raise InvalidLink("this link is not valid: it was changed or cut short")
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        link = Link(
            purpose=body["p"],
            email=str(body["e"]),
            assets=tuple(str(a) for a in body["a"]),
            reports=tuple(str(r) for r in body["r"]),
        )
        issued = datetime.fromtimestamp(int(body["t"]), tz=now.tzinfo)
    except (ValueError, KeyError, TypeError):
        raise InvalidLink("this link is not valid: it was changed or cut short") from None
    if link.purpose != purpose:
        raise InvalidLink(f"this is not a link to {purpose}")
    if purpose == "confirm" and now - issued > CONFIRM_VALID_FOR:
        raise InvalidLink(
            "this confirmation link has expired (links are valid for 7 days):"
            " subscribe or report again to get a new one"
        )
    return link


def url(base_url: str, path: str, token: str) -> str:
    """``https://trust.acme.test/unsubscribe?token=…``."""
    return f"{base_url.rstrip('/')}{path}?token={quote(token, safe='')}"


def _signature(key: bytes, payload: str) -> str:
    # The purpose is inside the signed payload, so a confirmation link cannot
    # be replayed as an unsubscribe link or the other way round.
    return _b64(hmac.new(key, f"trustwell-link\x1f{payload}".encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
