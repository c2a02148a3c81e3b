"""The store: runs, check identities and results, in SQLite or PostgreSQL.

>>> from trustwell.store import open_store, record_run, history
>>> store = open_store(project.settings.store, project.root)
>>> record_run(store, report, project=project.settings.name)
>>> history(store, "marts.weekly_cac", check="row_count", limit=10)

The names are imported on first use (PEP 562): importing this package, or a
light module of it such as :mod:`trustwell.store.quick`, does not import
SQLAlchemy; ``from trustwell.store import record_run`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustwell.store.database import Store, open_store
    from trustwell.store.identity import check_id
    from trustwell.store.service import (
        HistoryEntry,
        check_history,
        history,
        last_results,
        record_run,
    )

__all__ = [
    "HistoryEntry",
    "Store",
    "check_history",
    "check_id",
    "history",
    "last_results",
    "open_store",
    "record_run",
]

_LAZY = {
    "HistoryEntry": "trustwell.store.service",
    "Store": "trustwell.store.database",
    "check_history": "trustwell.store.service",
    "check_id": "trustwell.store.identity",
    "history": "trustwell.store.service",
    "last_results": "trustwell.store.service",
    "open_store": "trustwell.store.database",
    "record_run": "trustwell.store.service",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trustwell.store' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value
