"""API tokens and page sessions, stored hashed.

A token is shown once, when created; the store keeps its SHA-256. A page
session is a random cookie value (also stored hashed) bound to a token, with
its own CSRF secret that every form must echo.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell import clock
from trustwell.auth.roles import ROLES, Principal
from trustwell.errors import Invalid
from trustwell.store.web_tables import api_tokens, audit_log, sessions

if TYPE_CHECKING:
    from trustwell.store import Store

TOKEN_PREFIX = "tw_"
SESSION_TTL = timedelta(hours=12)


class AuthError(Invalid):
    """Bad token request (exit code 2, HTTP 422)."""


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def create_token(store: Store, *, name: str, role: str, actor: str) -> str:
    """Create a token and return it in clear (the only time it is ever shown)."""
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    name = name.strip()
    if not name:  # the name is the actor on every write made with the token
        raise AuthError("a token needs a name (--name): who or what uses it")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()

    def work(conn: sa.Connection) -> None:
        exists = conn.execute(sa.select(api_tokens.c.id).where(api_tokens.c.name == name)).first()
        if exists:
            raise AuthError(f"a token named {name!r} exists already")
        conn.execute(
            api_tokens.insert().values(
                name=name, role=role, token_hash=_hash(token), created_at=now, created_by=actor
            )
        )
        conn.execute(
            audit_log.insert().values(
                at=now, actor=actor, action="token.created", target=name, data={"role": role}
            )
        )

    store.write(work)
    return token


def revoke_token(store: Store, *, name: str, actor: str) -> None:
    now = clock.now()

    def work(conn: sa.Connection) -> None:
        done = conn.execute(
            api_tokens.update()
            .where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if not done.rowcount:
            raise AuthError(f"no active token named {name!r}")
        conn.execute(
            audit_log.insert().values(at=now, actor=actor, action="token.revoked", target=name)
        )

    store.write(work)


def authenticate(store: Store, token: str) -> Principal | None:
    """The principal of a bearer token, or None for an unknown or revoked one."""
    digest = _hash(token)

    def work(conn: sa.Connection) -> Principal | None:
        row = conn.execute(
            sa.select(api_tokens).where(
                api_tokens.c.token_hash == digest, api_tokens.c.revoked_at.is_(None)
            )
        ).first()
        return Principal(row.name, row.role, row.id) if row else None

    return store.read(work)


def open_session(store: Store, principal: Principal) -> tuple[str, str]:
    """A new page session for ``principal``: (cookie value, CSRF secret)."""
    if principal.token_id is None:
        raise AuthError("only a token can open a session")
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = clock.now()
    store.write(
        lambda conn: conn.execute(
            sessions.insert().values(
                id_hash=_hash(cookie),
                token_id=principal.token_id,
                csrf=csrf,
                created_at=now,
                expires_at=now + SESSION_TTL,
            )
        )
    )
    return cookie, csrf


def session_principal(
    store: Store, cookie: str, now: datetime | None = None
) -> tuple[Principal, str] | None:
    """The principal and CSRF secret of a live session cookie."""
    moment = now or clock.now()

    def work(conn: sa.Connection) -> tuple[Principal, str] | None:
        row = conn.execute(
            sa.select(
                sessions.c.csrf,
                sessions.c.expires_at,
                api_tokens.c.id,
                api_tokens.c.name,
                api_tokens.c.role,
            )
            .join(api_tokens, api_tokens.c.id == sessions.c.token_id)
            .where(sessions.c.id_hash == _hash(cookie), api_tokens.c.revoked_at.is_(None))
        ).first()
        if row is None or row.expires_at <= moment:
            return None
        return Principal(row.name, row.role, row.id), row.csrf

    return store.read(work)


def close_session(store: Store, cookie: str) -> None:
    store.write(
        lambda conn: conn.execute(sessions.delete().where(sessions.c.id_hash == _hash(cookie)))
    )


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(expected, given or "")
