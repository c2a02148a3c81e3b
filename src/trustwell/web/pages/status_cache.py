"""The status page's data, computed once per change of the store.

Computing 1,000 asset states and the incident cards costs ~100 ms; the page is
read far more often than the data changes. The cache key is the newest result
id and the newest timeline id (every run adds results, every incident change
adds a timeline entry), so a write is visible on the next request; a short
time limit keeps time-based states (stale) honest. One lock: when the data
changed, one request recomputes and the others wait for it instead of piling
on the database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.status.state import AssetState
    from trustwell.store import Store

MAX_AGE_SECONDS = 30.0


@dataclass(frozen=True)
class StatusData:
    states: list[AssetState]
    open: list[Any]
    resolved: list[Any]


class StatusCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._at = 0.0
        self._data: StatusData | None = None

    def get(
        self, store: Store, project: Project, now: datetime, resolved_since: datetime
    ) -> StatusData:
        key = (_version(store), resolved_since.replace(second=0, microsecond=0))
        with self._lock:
            fresh = time.monotonic() - self._at < MAX_AGE_SECONDS
            if self._data is not None and self._key == key and fresh:
                return self._data
            data = _compute(store, project, now, resolved_since)
            self._key, self._at, self._data = key, time.monotonic(), data
            return data


def _version(store: Store) -> tuple[Any, ...]:
    from trustwell.store.incident_tables import incidents, timeline
    from trustwell.store.tables import results

    def work(conn: sa.Connection) -> tuple[Any, ...]:
        row = conn.execute(
            sa.select(
                sa.select(sa.func.max(results.c.id)).scalar_subquery(),
                sa.select(sa.func.max(timeline.c.id)).scalar_subquery(),
                sa.select(sa.func.max(incidents.c.number)).scalar_subquery(),
            )
        ).one()
        return tuple(row)

    return store.read(work)


def _compute(store: Store, project: Project, now: datetime, resolved_since: datetime) -> StatusData:
    from trustwell.status.state import asset_states
    from trustwell.web.pages.queries import open_incidents
    from trustwell.web.pages.queries import resolved_since as resolved

    return StatusData(
        asset_states(store, project, now), open_incidents(store), resolved(store, resolved_since)
    )
