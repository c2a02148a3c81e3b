"""The past results an ``anomaly`` check reads, through ``sqlite3`` (the quick run path).

:func:`~trustwell.store.service.check_history` with ``before`` and
``outside_incidents``, as the SQL SQLAlchemy compiles it for SQLite
(:func:`~trustwell.store.incident_windows.inside_incident` included), and its
rows decoded as :class:`~trustwell.store.columns.UTCDateTime` and the JSON
column decode them. ``tests/store/test_quick_history.py`` compares the two
over incidents open, resolved, dismissed and drilled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_SELECT = "SELECT executed_at, status, value, details FROM results"
_ORDER = " ORDER BY executed_at DESC, id DESC LIMIT ?"
_CHECK = " WHERE asset = ? AND check_name = ? AND executed_at < ?"
#: inside_incident(): a result recorded while an incident on its asset was open.
_OUTSIDE_INCIDENTS = """
  AND NOT EXISTS (
    SELECT 1 FROM incident_assets, incidents
    WHERE incident_assets.asset = results.asset
      AND incidents.number = incident_assets.incident
      AND incidents.drill IS 0
      AND incidents.status != 'dismissed'
      AND results.executed_at > coalesce(incidents.occurred_at, incidents.declared_at)
      AND (incidents.resolved_at IS NULL OR results.executed_at < incidents.resolved_at)
  )"""
_QUERIES = {
    False: _SELECT + _CHECK + _ORDER,
    True: _SELECT + _CHECK + _OUTSIDE_INCIDENTS + _ORDER,
}


@dataclass(frozen=True)
class Past:
    """One stored result of the check, as an evaluation reads it (a ``PastResult``)."""

    executed_at: datetime
    status: str
    value: float | None
    details: dict[str, Any] | None


def history_query(*, outside_incidents: bool) -> str:
    """The newest results first; parameters: asset, check, before (a stamp), limit."""
    return _QUERIES[outside_incidents]


def decode(row: tuple[Any, ...]) -> Past:
    """A row of :func:`history_query` as SQLAlchemy's column types would give it."""
    executed_at, status, value, details = row
    moment = datetime.fromisoformat(executed_at).replace(tzinfo=UTC)
    found = None if details is None else json.loads(details)
    return Past(moment, status, None if value is None else float(value), found)
