"""Rows the quick path fetched before it handed the run back (:mod:`trustwell.quickrun`).

Set by :func:`trustwell.quickrun.run.quick_run` when a check did not pass;
taken once by ``trustwell run``'s full path, which answers a statement of the
same text from them instead of running it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Rows = Sequence[Mapping[str, Any]]

_fetched: dict[str, Rows] = {}


def leave(sql: str, rows: Rows) -> None:
    """Keep the rows of a statement the quick path ran."""
    _fetched[sql] = rows


def take() -> dict[str, Rows]:
    """Every row set left, once (an empty dict when the quick path ran nothing)."""
    found = dict(_fetched)
    _fetched.clear()
    return found
