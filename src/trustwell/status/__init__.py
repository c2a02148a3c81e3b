"""What the status page shows: each asset's state, its details, and who follows it.

- :mod:`trustwell.status.model`: the states and :func:`~trustwell.status.model.classify`, pure;
- :mod:`trustwell.status.state`: ``asset_states``, which reads the store;
- :mod:`trustwell.status.detail`: ``asset_detail``, the asset page's content;
- :mod:`trustwell.status.subscriptions`: subscribe and unsubscribe by email.

>>> from trustwell.status.state import asset_states
>>> [s.state for s in asset_states(store, project)]
['trusted', 'incident', 'stale']
"""

from __future__ import annotations

from collections.abc import Iterable

from trustwell.errors import Invalid


class UnknownAsset(Invalid, LookupError):
    """No asset (or consumer) has this name; the message names the nearest one.

    HTTP 422 where a request body names it; a page or a path that names it is a 404.
    """


def unknown_asset(name: str, candidates: Iterable[str]) -> UnknownAsset:
    """The error for an unknown ``name``, with a "did you mean" hint."""
    from trustwell.config.errors import did_you_mean

    return UnknownAsset(f"unknown asset '{name}'{did_you_mean(name, candidates)}")


__all__ = ["UnknownAsset", "unknown_asset"]
