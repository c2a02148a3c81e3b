"""The one error a store raises when it cannot be opened or used, without SQLAlchemy.

Apart from :mod:`trustwell.store.database` (which re-exports it) so that the
SQLAlchemy store and :mod:`trustwell.store.quick` raise the same class, and
callers catch one.
"""

from __future__ import annotations

from trustwell.errors import Unavailable


class StoreError(Unavailable):
    """The store cannot be opened or used; the message names it (password masked).

    >>> open_store("sqlite:///trustwell.db", Path("/p"))  # a file of garbage
    Traceback (most recent call last):
    StoreError: the store /p/trustwell.db is not a SQLite database (file is not a database)
    """

    code = "store_unavailable"
