"""The schema revision this trustwell writes, readable without SQLAlchemy.

Apart from :mod:`trustwell.store.migrate` (which imports SQLAlchemy and
re-exports it) so that :mod:`trustwell.store.quick` can check a store's
revision on the fast run path. A test keeps it in step with the newest
migration in ``migrations/versions``.
"""

from __future__ import annotations

SCHEMA_HEAD = "0012"
