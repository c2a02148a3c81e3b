"""The store: runs, check identities and results, in SQLite or PostgreSQL.

>>> from trustwell.store import open_store, record_run, history
>>> store = open_store(project.settings.store, project.root)
>>> record_run(store, report, project=project.settings.name)
>>> history(store, "marts.weekly_cac", check="row_count", limit=10)

Importing this package imports SQLAlchemy: command modules import it inside
the function that needs it.
"""

from trustwell.store.database import Store, open_store
from trustwell.store.service import (
    HistoryEntry,
    check_history,
    check_id,
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
