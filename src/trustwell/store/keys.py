"""Service keys: random secrets made once and kept in the store (``app_secrets``).

Signed links in e-mails (confirm an address, unsubscribe) and the anonymous
CSRF tokens of the pages are HMACs under these keys. Kept in the store, they
survive restarts and are the same in every process serving one store; made on
first use, so nobody has to configure them. Whoever can read the store can
forge links, which is no more than they can do to the store directly.
"""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell import clock
from trustwell.store.web_tables import app_secrets

if TYPE_CHECKING:
    from trustwell.store.database import Store

LINK_KEY = "link-signing"  # confirmation and unsubscribe links
PAGE_KEY = "page-signing"  # anonymous CSRF tokens and flash cookies


def service_key(conn: sa.Connection, name: str) -> bytes:
    """The key called ``name``, made now if it does not exist yet (never commits).

    Two processes making it at once agree: the insert is ``ON CONFLICT DO
    NOTHING`` and both read back the one row that won.
    """
    found = _read(conn, name)
    if found is not None:
        return found
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    row = {"name": name, "value": value, "created_at": clock.now()}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        conn.execute(postgresql.insert(app_secrets).values(row).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects import sqlite

        conn.execute(sqlite.insert(app_secrets).values(row).on_conflict_do_nothing())
    made = _read(conn, name)
    assert made is not None  # inserted, or inserted by the process that won
    return made


def load_service_key(store: Store, name: str) -> bytes:
    """:func:`service_key` in its own transaction; a read when the key exists already."""
    found = store.read(lambda conn: _read(conn, name))
    return found if found is not None else store.write(lambda conn: service_key(conn, name))


def _read(conn: sa.Connection, name: str) -> bytes | None:
    value = conn.execute(sa.select(app_secrets.c.value).where(app_secrets.c.name == name)).scalar()
    return base64.urlsafe_b64decode(value) if value else None
