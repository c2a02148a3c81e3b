"""Subscriptions: email addresses told when an asset becomes untrustworthy.

Subscribers come from two places: the asset's ``subscribers:`` in YAML and the
``subscriptions`` table (the subscribe form and API). Incident notices reach
both: the notify layer merges :func:`extra_subscribers` into the YAML ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell import clock
from trustwell.status import unknown_asset
from trustwell.store.web_tables import audit_log, subscriptions

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.store import Store

# Deliberately simple: one @, no spaces, a dot in the domain. Delivery is the real test.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """Trim and lower-case an address; ValueError unless it looks like one.

    >>> normalize_email(" Finance@Acme.test ")
    'finance@acme.test'
    """
    cleaned = email.strip().lower()
    if len(cleaned) > 300 or not _EMAIL.match(cleaned):
        raise ValueError(f"{email.strip()!r} is not an email address")
    return cleaned


def _check_asset(project: Project, asset: str) -> None:
    if project.asset(asset) is None:
        raise unknown_asset(asset, [a.name for a in project.assets])


def subscribe(store: Store, project: Project, asset: str, email: str, actor: str) -> bool:
    """Subscribe ``email`` to ``asset``; True if new, False if it already was (idempotent).

    Raises :class:`~trustwell.status.UnknownAsset` (a ValueError naming the
    nearest asset) or ValueError for a malformed address. A new subscription is
    written to the audit log as ``subscription.created``.

    >>> subscribe(store, project, "marts.weekly_cac", "cfo@acme.test", actor="alice")
    True
    """
    _check_asset(project, asset)
    address = normalize_email(email)
    now = clock.now()

    def work(conn: sa.Connection) -> bool:
        exists = conn.execute(
            sa.select(subscriptions.c.id).where(
                subscriptions.c.asset == asset, subscriptions.c.email == address
            )
        ).first()
        if exists is not None:
            return False
        conn.execute(
            subscriptions.insert().values(
                asset=asset, email=address, created_at=now, created_by=actor
            )
        )
        _audit(conn, "subscription.created", actor, asset, address)
        return True

    return store.write(work)


def unsubscribe(store: Store, project: Project, asset: str, email: str, actor: str) -> bool:
    """Remove a stored subscription; True if one was removed (audited as ``subscription.deleted``).

    Subscribers declared in YAML stay: they are changed in the asset's file.
    """
    _check_asset(project, asset)
    address = normalize_email(email)

    def work(conn: sa.Connection) -> bool:
        removed = conn.execute(
            subscriptions.delete().where(
                subscriptions.c.asset == asset, subscriptions.c.email == address
            )
        ).rowcount
        if removed:
            _audit(conn, "subscription.deleted", actor, asset, address)
        return bool(removed)

    return store.write(work)


def subscribers(store: Store, project: Project, asset: str) -> list[str]:
    """YAML and stored subscribers of ``asset``, deduplicated, YAML first.

    >>> subscribers(store, project, "marts.weekly_cac")
    ['finance@acme.test', 'cfo@acme.test']
    """
    found = project.asset(asset)
    if found is None:
        raise unknown_asset(asset, [a.name for a in project.assets])
    stored = store.read(lambda conn: stored_subscribers(conn, [asset])).get(asset, [])
    return list(dict.fromkeys([*found.subscribers, *stored]))


def stored_subscribers(conn: sa.Connection, assets: Iterable[str]) -> dict[str, list[str]]:
    """Stored subscriptions by asset name (oldest first), in the caller's transaction."""
    names = sorted(set(assets))
    if not names:
        return {}
    rows = conn.execute(
        sa.select(subscriptions.c.asset, subscriptions.c.email)
        .where(subscriptions.c.asset.in_(names))
        .order_by(subscriptions.c.id)
    )
    found: dict[str, list[str]] = {}
    for asset, email in rows:
        found.setdefault(asset, []).append(email)
    return found


def extra_subscribers(conn: sa.Connection, assets: list[str]) -> dict[str, list[str]]:
    """Stored subscribers by asset name, for the notify layer (never commits).

    Meant for :func:`trustwell.incidents.service.notify`, which passes the
    affected and downstream assets of the incident and merges the result with
    the YAML ``subscribers:`` before planning messages.
    """
    return stored_subscribers(conn, assets)


def _audit(conn: sa.Connection, action: str, actor: str, asset: str, email: str) -> None:
    conn.execute(
        audit_log.insert().values(
            at=clock.now(), actor=actor, action=action, target=asset, data={"email": email}
        )
    )


def assets_with_subscribers(conn: sa.Connection, assets: Mapping[str, Asset]) -> dict[str, Asset]:
    """``assets`` with stored subscribers added to each one's YAML ``subscribers``.

    One query; assets without stored subscriptions are returned unchanged. This
    is what :func:`trustwell.incidents.service.notify` hands to ``plan_messages``
    so that incident notices reach subscribers from the page and the API too.
    """
    stored = stored_subscribers(conn, assets)
    merged = dict(assets)
    for name, extra in stored.items():
        asset = merged.get(name)
        if asset is not None:
            update = {"subscribers": list(dict.fromkeys([*asset.subscribers, *extra]))}
            merged[name] = asset.model_copy(update=update)
    return merged
