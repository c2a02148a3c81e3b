"""The trust history bars' store side: two grouped queries for all assets at once.

:func:`day_results` counts every asset's stored check results per UTC day
(one ``GROUP BY asset, day``); :func:`incident_spans` reads the incidents
(not drills, not dismissed) open at some moment of the window with the
assets they touch: the assets stored on the incident, and everything
downstream of an asset it is on along today's lineage graph, as the status
page's current state counts them. :func:`history_bars` puts both through the
pure :func:`trustwell.status.history_bar.history_bar`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell.status.history_bar import (
    HISTORY_DAYS,
    DayCell,
    DayResults,
    IncidentSpan,
    history_bar,
    window,
)
from trustwell.status.model import OPEN_STATUSES
from trustwell.store.incident_tables import incident_assets, incidents
from trustwell.store.tables import results

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.lineage.graph import LineageGraph

DayCounts = dict[str, dict[date, DayResults]]


def history_bars(
    conn: sa.Connection,
    project: Project,
    graph: LineageGraph,
    today: date,
    days: int = HISTORY_DAYS,
    counts: DayCounts | None = None,
) -> dict[str, list[DayCell]]:
    """Every asset's bar of ``days`` days ending ``today``, by asset name.

    ``counts`` may hold day counts read earlier (see :func:`day_results`).
    """
    start, end = window(today, days)
    found = counts if counts is not None else day_results(conn, start, end)
    spans = incident_spans(conn, graph, start, end)
    return {
        a.name: history_bar(today, found.get(a.name, {}), spans.get(a.name, ()), days)
        for a in project.assets
    }


def _day(conn: sa.Connection) -> sa.ColumnElement[str]:
    """The UTC day of a result as ``YYYY-MM-DD`` text, in the store's own SQL."""
    if conn.dialect.name == "sqlite":  # UTC wall time stored as fixed-width text
        return sa.func.substr(results.c.executed_at, 1, 10)
    return sa.func.to_char(sa.func.timezone("UTC", results.c.executed_at), sa.literal("YYYY-MM-DD"))


def day_results(conn: sa.Connection, start: datetime, end: datetime) -> DayCounts:
    """Each asset's results with ``start <= executed_at < end``, counted per UTC day."""
    day = _day(conn).label("day")
    failed = sa.func.sum(sa.case((results.c.status.in_(("fail", "error")), 1), else_=0))
    warned = sa.func.sum(sa.case((results.c.status == "warn", 1), else_=0))
    query = (
        sa.select(
            results.c.asset,
            day,
            sa.func.count().label("total"),
            failed.label("failed"),
            warned.label("warned"),
        )
        .where(results.c.executed_at >= start, results.c.executed_at < end)
        .group_by(results.c.asset, day)
    )
    found: DayCounts = defaultdict(dict)
    for row in conn.execute(query):
        found[row.asset][date.fromisoformat(str(row.day))] = DayResults(
            int(row.total), int(row.failed or 0), int(row.warned or 0)
        )
    return dict(found)


def incident_spans(
    conn: sa.Connection, graph: LineageGraph, start: datetime, end: datetime
) -> dict[str, list[IncidentSpan]]:
    """The incidents open at some moment of ``[start, end)``, by each asset they touch."""
    still_open = incidents.c.status.in_(OPEN_STATUSES)
    rows = conn.execute(
        sa.select(
            incidents.c.number,
            incidents.c.declared_at,
            incidents.c.resolved_at,
            incidents.c.closed_at,
            still_open.label("still_open"),
            incident_assets.c.asset,
            incident_assets.c.impact,
        )
        .join(incident_assets, incident_assets.c.incident == incidents.c.number)
        .where(
            incidents.c.drill.is_(False),
            incidents.c.status != "dismissed",
            incidents.c.declared_at < end,
            sa.or_(
                still_open,
                sa.func.coalesce(incidents.c.resolved_at, incidents.c.closed_at) >= start,
            ),
        )
    ).all()
    below: dict[str, list[str]] = {}
    touched: dict[str, dict[str, IncidentSpan]] = defaultdict(dict)
    for row in rows:
        ended = None if row.still_open else (row.resolved_at or row.closed_at)
        span = IncidentSpan(f"INC-{row.number}", row.declared_at, ended)
        touched[row.asset][span.id] = span
        if row.impact == "downstream":
            continue
        if row.asset not in below:
            below[row.asset] = list(graph.descendants(row.asset))
        for asset in below[row.asset]:
            touched[asset].setdefault(span.id, span)
    return {asset: list(spans.values()) for asset, spans in touched.items()}
