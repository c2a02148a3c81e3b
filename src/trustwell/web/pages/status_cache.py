"""The status page's data, computed once per change of the store.

Computing 1,000 asset states, their certifications, their 90-day trust
history bars and the incident cards costs a few hundred milliseconds; the
page is read far more often than the data changes. The cache key is the
newest result id, timeline id, incident number and certification decision id
(every run adds results, every incident change adds a timeline entry, every
changed decision adds a row) and today's UTC date, so a write is visible on
the next request. A time limit keeps time-based states (stale) honest: past
it, one request recomputes while the others are still served the previous
data, so a crowd never waits for a recompute that no write caused. When the
key changed, the requests wait for the one that recomputes instead of piling
on the database.

The history bars' day counts of the days before today are kept between
recomputes: results are written as they are computed, so a new result only
changes today's count. Should one arrive stamped before today (an import of
old results), the past days are counted again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from markupsafe import Markup

if TYPE_CHECKING:
    from trustwell.certification.score import Score
    from trustwell.config.models import Project
    from trustwell.status.certified import UseCaseCert
    from trustwell.status.history import DayCounts
    from trustwell.status.state import AssetState
    from trustwell.store import Store

MAX_AGE_SECONDS = 30.0


@dataclass(frozen=True)
class StatusData:
    states: list[AssetState]
    open: list[Any]
    resolved: list[Any]
    certs: dict[str, list[UseCaseCert]] = field(default_factory=dict)
    bars: dict[str, Markup] = field(default_factory=dict)  # asset → its trust bar
    scores: dict[str, Score] = field(default_factory=dict)  # asset → its trust score


@dataclass(frozen=True)
class _Past:
    """Day counts of the bar's days before ``today``, and the newest result id counted."""

    today: date
    newest: int
    counts: DayCounts


class StatusCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._at = 0.0
        self._data: StatusData | None = None
        self._past: _Past | None = None

    def get(
        self, store: Store, project: Project, now: datetime, resolved_since: datetime
    ) -> StatusData:
        key = (
            *_version(store),
            now.astimezone(UTC).date(),
            resolved_since.replace(second=0, microsecond=0),
        )
        data = self._data
        if data is not None and self._key == key:
            if time.monotonic() - self._at < MAX_AGE_SECONDS:
                return data
            if not self._lock.acquire(blocking=False):
                return data  # another request is recomputing: serve what we have
            try:
                return self._recompute(key, store, project, now, resolved_since)
            finally:
                self._lock.release()
        with self._lock:
            if self._data is not None and self._key == key:
                return self._data  # recomputed while this request waited
            return self._recompute(key, store, project, now, resolved_since)

    def _recompute(
        self,
        key: tuple[Any, ...],
        store: Store,
        project: Project,
        now: datetime,
        resolved_since: datetime,
    ) -> StatusData:
        data = self._compute(store, project, now, resolved_since)
        self._key, self._at, self._data = key, time.monotonic(), data
        return data

    def _compute(
        self, store: Store, project: Project, now: datetime, resolved_since: datetime
    ) -> StatusData:
        from trustwell.certification.evidence import slo_evidence
        from trustwell.certification.evidence_all import gather_all
        from trustwell.certification.score import trust_score
        from trustwell.lineage.service import lineage_graph
        from trustwell.status.certified import certifications
        from trustwell.status.history import history_bars
        from trustwell.status.state import current_states
        from trustwell.web.pages.queries import open_incidents
        from trustwell.web.pages.queries import resolved_since as resolved
        from trustwell.web.pages.trust_bar import trust_bar

        today = now.astimezone(UTC).date()
        slos = {a.name: slo_evidence(store, project, a, now) for a in project.assets if a.slos}

        def work(conn: sa.Connection) -> StatusData:
            graph = lineage_graph(conn, project)
            counts = self._counts(conn, today)
            bars = history_bars(conn, project, graph, today, counts=counts)
            evidence = gather_all(conn, project, now, graph, slos)
            return StatusData(
                current_states(conn, project, now),
                [],
                [],
                certifications(conn, project),
                {name: trust_bar(name, cells) for name, cells in bars.items()},
                {name: trust_score(e) for name, e in evidence.items()},
            )

        data = store.read(work)
        return StatusData(
            data.states,
            open_incidents(store),
            resolved(store, resolved_since),
            data.certs,
            data.bars,
            data.scores,
        )

    def _counts(self, conn: sa.Connection, today: date) -> DayCounts:
        """The bars' day counts: the past days kept from before when still true, today read."""
        from trustwell.status.history import day_results
        from trustwell.status.history_bar import window
        from trustwell.store.tables import results

        start, end = window(today)
        midnight = end - timedelta(days=1)
        newest = int(conn.execute(sa.select(sa.func.max(results.c.id))).scalar() or 0)
        past = self._past
        if past is not None and past.today == today:
            earliest = conn.execute(
                sa.select(sa.func.min(results.c.executed_at)).where(results.c.id > past.newest)
            ).scalar()
            if earliest is not None and _aware(earliest) < midnight:
                past = None  # a result stamped before today arrived: count again
        if past is None or past.today != today:
            past = _Past(today, newest, day_results(conn, start, midnight))
        self._past = _Past(today, newest, past.counts)
        merged = {asset: dict(days) for asset, days in past.counts.items()}
        for asset, days in day_results(conn, midnight, end).items():
            merged.setdefault(asset, {}).update(days)
        return merged


def _aware(value: Any) -> datetime:
    from trustwell.status.state import aware

    return aware(value)


def _version(store: Store) -> tuple[Any, ...]:
    from trustwell.store.certification_tables import certification_decisions
    from trustwell.store.incident_tables import incidents, timeline
    from trustwell.store.tables import results

    def work(conn: sa.Connection) -> tuple[Any, ...]:
        row = conn.execute(
            sa.select(
                sa.select(sa.func.max(results.c.id)).scalar_subquery(),
                sa.select(sa.func.max(timeline.c.id)).scalar_subquery(),
                sa.select(sa.func.max(incidents.c.number)).scalar_subquery(),
                sa.select(sa.func.max(certification_decisions.c.id)).scalar_subquery(),
            )
        ).one()
        return tuple(row)

    return store.read(work)
