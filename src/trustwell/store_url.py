"""Store URLs without a database driver: which kinds are supported, and masking the password.

Pure, so that loading a project can refuse a bad ``store:`` with its line
before anything imports SQLAlchemy; :mod:`trustwell.store.database` uses the
same two functions when it opens the store.

>>> store_url_problem("mysql://user:PASSWORD@db.example/trust")  # doctest: +ELLIPSIS
"unsupported store URL 'mysql://user:***@db.example/trust': use sqlite:///PATH or ..."
"""

from __future__ import annotations

import re

SUPPORTED_DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+]*)://")


def mask_store_url(url: str) -> str:
    """``url`` with the password of its user part replaced by ``***`` (the one scrubber).

    >>> mask_store_url("postgresql://tw:s3cret@db.example:5432/trust")
    'postgresql://tw:***@db.example:5432/trust'
    """
    from trustwell.redact import scrub

    return scrub(url)


def store_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a store (password masked), or None when its kind is supported."""
    match = _SCHEME.match(url)
    if match and match.group(1).lower() in SUPPORTED_DRIVERS:
        return None
    return (
        f"unsupported store URL {mask_store_url(url)!r}: use sqlite:///PATH"
        " or postgresql://USER@HOST/DATABASE (the password from ${VAR})"
    )
