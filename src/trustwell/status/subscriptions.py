"""Subscriptions: email addresses told when an asset becomes untrustworthy.

Subscribers come from two places: the asset's ``subscribers:`` in YAML and the
``subscriptions`` table (the subscribe form and API). Incident notices reach
both: the notify layer merges :func:`extra_subscribers` into the YAML ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.config.models import Project
    from trustwell.store import Store


def subscribe(store: Store, project: Project, asset: str, email: str, actor: str) -> bool:
    """Subscribe ``email`` to ``asset``; True if new, False if it already was (idempotent)."""
    raise NotImplementedError


def unsubscribe(store: Store, project: Project, asset: str, email: str, actor: str) -> bool:
    """Remove a stored subscription; True if one was removed."""
    raise NotImplementedError


def subscribers(store: Store, project: Project, asset: str) -> list[str]:
    """YAML and stored subscribers of ``asset``, deduplicated, YAML first."""
    raise NotImplementedError


def extra_subscribers(conn: sa.Connection, assets: list[str]) -> dict[str, list[str]]:
    """Stored subscribers by asset name, for the given assets (in the caller's transaction)."""
    raise NotImplementedError
