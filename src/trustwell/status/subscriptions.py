"""Subscriptions: email addresses told when an asset becomes untrustworthy.

Subscribers come from two places: the asset's ``subscribers:`` in YAML and the
``subscriptions`` table (the subscribe form and API). Incident notices reach
both: the notify layer merges them with :func:`assets_with_subscribers`, which
also leaves out YAML subscribers that unsubscribed from an asset. Whether an
address may be written to at all (confirmed, not opted out) is decided by
:mod:`trustwell.status.addresses`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell import clock
from trustwell.status import unknown_asset
from trustwell.status.addresses import AddressStanding, normalize_email
from trustwell.store.web_tables import asset_opt_outs, audit_log, subscriptions

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.store import Store


def _check_asset(project: Project, asset: str) -> None:
    if project.asset(asset) is None:
        raise unknown_asset(asset, [a.name for a in project.assets])


@dataclass(frozen=True)
class Subscribed:
    """What :func:`subscribe` did: a new subscription or not, and where the address stands."""

    created: bool
    address: AddressStanding


def subscribe(
    store: Store, project: Project, asset: str, email: str, actor: str, *, vouched: bool = False
) -> Subscribed:
    """Subscribe ``email`` to ``asset`` (idempotent: ``created`` is False the second time).

    ``vouched``: a signed-in person (``actor``: a page session or an API token)
    gave the address, which is confirmed at once. Otherwise (the default, fail
    closed) the address gets one confirmation message and no notice until its
    link is followed; the subscription is kept meanwhile. Raises
    :class:`~trustwell.status.UnknownAsset` (a ValueError naming the nearest
    asset) or ValueError for a malformed address. A new subscription is
    written to the audit log as ``subscription.created``.

    >>> subscribe(store, project, "marts.weekly_cac", "cfo@acme.test", "alice", vouched=True)
    Subscribed(created=True, address=AddressStanding(email='cfo@acme.test', standing='confirmed'))
    """
    from trustwell.notify.notices import asset_label
    from trustwell.status.addresses import record_address

    _check_asset(project, asset)
    address = normalize_email(email)
    found = project.asset(asset)
    about = asset_label(asset, found.description if found else None)
    now = clock.now()

    def work(conn: sa.Connection) -> Subscribed:
        # Subscribing again undoes an earlier "no more about this asset".
        conn.execute(
            asset_opt_outs.delete().where(
                asset_opt_outs.c.asset == asset, asset_opt_outs.c.email == address
            )
        )
        exists = conn.execute(
            sa.select(subscriptions.c.id).where(
                subscriptions.c.asset == asset, subscriptions.c.email == address
            )
        ).first()
        if exists is None:
            conn.execute(
                subscriptions.insert().values(
                    asset=asset, email=address, created_at=now, created_by=actor
                )
            )
            _audit(conn, "subscription.created", actor, asset, address)
        standing = record_address(
            conn, project, address, vouched_by=actor if vouched else None, now=now, about=about
        )
        return Subscribed(exists is None, standing)

    return store.write(work)


@dataclass(frozen=True)
class Unsubscribed:
    """What :func:`unsubscribe_address` changed (each list: only what really changed)."""

    email: str
    assets: list[str]
    reports: list[str]
    everything: bool


def unsubscribe(store: Store, project: Project, asset: str, email: str, actor: str) -> bool:
    """Stop notices about ``asset`` to ``email``; True if anything changed.

    A stored subscription is deleted (audited as ``subscription.deleted``); an
    address listed under the asset's ``subscribers:`` in YAML gets an opt-out
    row instead, since the file is the operator's.
    """
    return bool(unsubscribe_address(store, project, email, assets=[asset], actor=actor).assets)


def unsubscribe_address(
    store: Store,
    project: Project,
    email: str,
    *,
    assets: Sequence[str] = (),
    reports: Sequence[str] = (),
    everything: bool = False,
    actor: str,
    strict: bool = True,
) -> Unsubscribed:
    """Stop notices to ``email`` about ``assets``, about ``reports`` (references), or all.

    Raises UnknownAsset for an unknown asset, ValueError for a malformed
    address, :class:`~trustwell.incidents.reports.ReportNotFound` for a report
    that is not this address's (nothing is changed then). ``strict=False``
    (a signed link, made when the report surely was theirs) skips such
    reports instead.
    """
    from trustwell.incidents.reporters import stop_report_notices
    from trustwell.status.addresses import opt_out

    address = normalize_email(email)
    for name in assets:
        _check_asset(project, name)
    now = clock.now()

    def work(conn: sa.Connection) -> Unsubscribed:
        stopped = [
            name for name in dict.fromkeys(assets) if _leave(conn, project, name, address, actor)
        ]
        ended = stop_report_notices(
            conn, address, reports, now=now, actor=actor, missing_ok=not strict
        )
        quiet = opt_out(conn, address, now=now, by=actor) if everything else False
        return Unsubscribed(address, stopped, ended, quiet)

    return store.write(work)


def _leave(conn: sa.Connection, project: Project, asset: str, address: str, actor: str) -> bool:
    removed = conn.execute(
        subscriptions.delete().where(
            subscriptions.c.asset == asset, subscriptions.c.email == address
        )
    ).rowcount
    if removed:
        _audit(conn, "subscription.deleted", actor, asset, address)
    found = project.asset(asset)
    declared = {s.strip().lower() for s in found.subscribers} if found else set()
    if address not in declared:
        return bool(removed)
    known = conn.execute(
        sa.select(asset_opt_outs.c.email).where(
            asset_opt_outs.c.asset == asset, asset_opt_outs.c.email == address
        )
    ).first()
    if known is not None:
        return bool(removed)
    conn.execute(
        asset_opt_outs.insert().values(asset=asset, email=address, at=clock.now(), by=actor)
    )
    _audit(conn, "subscription.opted_out", actor, asset, address)
    return True


def subscribers(store: Store, project: Project, asset: str) -> list[str]:
    """YAML and stored subscribers of ``asset``, deduplicated, YAML first.

    >>> subscribers(store, project, "marts.weekly_cac")
    ['finance@acme.test', 'cfo@acme.test']
    """
    found = project.asset(asset)
    if found is None:
        raise unknown_asset(asset, [a.name for a in project.assets])
    merged = store.read(lambda conn: assets_with_subscribers(conn, {asset: found}))
    return list(merged[asset].subscribers)


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
    left = opted_out(conn, assets)
    merged = dict(assets)
    for name in set(stored) | set(left):
        asset = merged.get(name)
        if asset is not None:
            gone = left.get(name, set())
            kept = [s for s in asset.subscribers if s.strip().lower() not in gone]
            update = {"subscribers": list(dict.fromkeys([*kept, *stored.get(name, [])]))}
            merged[name] = asset.model_copy(update=update)
    return merged


def opted_out(conn: sa.Connection, assets: Iterable[str]) -> dict[str, set[str]]:
    """YAML subscribers that asked to hear no more, by asset (lower-cased addresses)."""
    names = sorted(set(assets))
    if not names:
        return {}
    found: dict[str, set[str]] = {}
    rows = conn.execute(
        sa.select(asset_opt_outs.c.asset, asset_opt_outs.c.email).where(
            asset_opt_outs.c.asset.in_(names)
        )
    )
    for asset, email in rows:
        found.setdefault(asset, set()).add(email)
    return found
