"""Build the monthly review from the store and render it as HTML and Markdown."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from trustwell import clock
from trustwell.metrics.compute import DETECTION_SOURCES, SEVERITIES, compute_metrics
from trustwell.store.incident_tables import action_items, incidents, postmortems

TREND_MONTHS = 6  # months before the reviewed one, in the trend charts
PRONE_ASSETS = 5
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.debt.model import DebtItem, DebtReport
    from trustwell.store import Store


@dataclass(frozen=True)
class MonthTrend:
    month: str  # "YYYY-MM"
    incidents: int
    ttd_median_seconds: float | None
    ttr_median_seconds: float | None
    internal_detection_share: float | None
    detection_sources: dict[str, int]


@dataclass(frozen=True)
class ProneAsset:
    asset: str
    incidents: int  # incidents of the month with this root asset
    last_six_months: int  # incidents with this root asset in the trend window


@dataclass(frozen=True)
class OpenActionItem:
    id: int
    incident: str | None
    title: str
    owner: str | None
    due_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class MissingPostmortem:
    incident: str
    title: str
    severity: str
    status: str
    postmortem: str | None  # None (none started) or "draft"


@dataclass(frozen=True)
class Review:
    """The monthly review: the month's metrics document and what goes around it."""

    project: str
    month: str
    generated_at: datetime
    metrics: dict[str, Any]  # the document of ``trustwell metrics`` for the month
    trend: list[MonthTrend]  # the six months before ``month`` and ``month`` itself
    by_severity: dict[str, int]
    detection_sources: dict[str, int]
    prone_assets: list[ProneAsset]
    action_items: list[OpenActionItem]
    missing_postmortems: list[MissingPostmortem]
    debt: DebtReport | None = None  # data-quality debt now, when the review was asked for it


def build_review(
    store: Store, project: Project, month: str, *, debt: list[DebtItem] | None = None
) -> Review:
    """The review of ``month`` ("YYYY-MM", in the project's timezone).

    Metrics are those of ``trustwell metrics`` for the incidents declared in the
    month (drills and dismissed incidents left out; earlier incidents still make
    later ones recurring). Action items are those open now; post-mortems are
    missing for the month's incidents whose severity requires one. With
    ``debt`` (the items of ``debt/*.yml``, already loaded, maybe none) the
    review also holds the data-quality debt as it stands now
    (:func:`trustwell.debt.service.debt_report`).

    >>> build_review(store, project, "2026-11").metrics["incidents"]
    12
    """
    from trustwell.incidents.context import IncidentContext
    from trustwell.metrics.service import read_metric_incidents

    year, number = parse_month(month)
    zone = ZoneInfo(project.settings.timezone)
    start = datetime(year, number, 1, tzinfo=zone)
    window = [*_months_before(month, TREND_MONTHS), month]
    now = clock.now()
    ctx = IncidentContext(project, store)

    def work(conn: sa.Connection) -> Review:
        records = [r for r in read_metric_incidents(conn, project) if r.month <= month]
        document = compute_metrics(records, since=start)
        document.pop("by_month", None)
        by_month = compute_metrics(records)["by_month"]
        trend = [_trend(m, by_month.get(m)) for m in window]
        counted = [r for r in records if r.counts]
        this_month = Counter(r.root_asset for r in counted if r.month == month)
        in_window = Counter(r.root_asset for r in counted if r.month in window)
        prone = [
            ProneAsset(asset, n, in_window[asset])
            for asset, n in sorted(this_month.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:PRONE_ASSETS]
        required = {s for s in SEVERITIES if ctx.policy(s).postmortem == "required"}
        missing = _missing_postmortems(conn, [r.id for r in counted if r.month == month], required)
        return Review(
            project=project.settings.name,
            month=month,
            generated_at=now,
            metrics=document,
            trend=trend,
            by_severity={s: int(document["by_severity"][s]["incidents"]) for s in SEVERITIES},
            detection_sources={k: int(v) for k, v in document["detection_sources"].items()},
            prone_assets=prone,
            action_items=_open_action_items(conn, now),
            missing_postmortems=missing,
        )

    review = store.read(work)
    if debt is None:
        return review
    from dataclasses import replace

    from trustwell.debt.service import debt_report

    return replace(review, debt=debt_report(store, project, now, hand=debt))


def latest_incident_month(store: Store, project: Project) -> str | None:
    """The latest month ("YYYY-MM", project timezone) with an incident the review counts.

    Drills and dismissed incidents do not count, as in the review itself;
    None when there is no such incident.
    """
    from trustwell.metrics.service import read_metric_incidents

    def work(conn: sa.Connection) -> str | None:
        months = [r.month for r in read_metric_incidents(conn, project) if r.counts]
        return max(months, default=None)

    return store.read(work)


def parse_month(month: str) -> tuple[int, int]:
    """``"2026-11"`` → ``(2026, 11)``; ValueError otherwise."""
    match = _MONTH.match(month.strip())
    if not match:
        raise ValueError(f"month {month!r} is not YYYY-MM (for example 2026-11)")
    return int(match.group(1)), int(match.group(2))


def _months_before(month: str, count: int) -> list[str]:
    year, number = parse_month(month)
    found = []
    for _ in range(count):
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        found.append(f"{year:04d}-{number:02d}")
    return list(reversed(found))


def _trend(month: str, bucket: dict[str, Any] | None) -> MonthTrend:
    if bucket is None:
        return MonthTrend(month, 0, None, None, None, dict.fromkeys(DETECTION_SOURCES, 0))
    return MonthTrend(
        month=month,
        incidents=int(bucket["incidents"]),
        ttd_median_seconds=bucket["ttd"]["median_seconds"],
        ttr_median_seconds=bucket["ttr"]["median_seconds"],
        internal_detection_share=bucket["internal_detection_share"],
        detection_sources={k: int(v) for k, v in bucket["detection_sources"].items()},
    )


def _open_action_items(conn: sa.Connection, now: datetime) -> list[OpenActionItem]:
    rows = conn.execute(
        sa.select(action_items)
        .where(action_items.c.status == "open")
        .order_by(action_items.c.due_at.is_(None), action_items.c.due_at, action_items.c.id)
    ).all()
    return [
        OpenActionItem(
            id=row.id,
            incident=f"INC-{row.incident}" if row.incident is not None else None,
            title=row.title,
            owner=row.owner,
            due_at=row.due_at,
            overdue=row.due_at is not None and row.due_at < now,
        )
        for row in rows
    ]


def _missing_postmortems(
    conn: sa.Connection, ids: list[str], required: set[str]
) -> list[MissingPostmortem]:
    numbers = [int(i.removeprefix("INC-")) for i in ids]
    if not numbers or not required:
        return []
    rows = conn.execute(
        sa.select(
            incidents.c.number,
            incidents.c.title,
            incidents.c.severity,
            incidents.c.status,
            postmortems.c.status.label("postmortem"),
        )
        .outerjoin(postmortems, postmortems.c.incident == incidents.c.number)
        .where(incidents.c.number.in_(numbers), incidents.c.severity.in_(sorted(required)))
        .order_by(incidents.c.number)
    ).all()
    return [
        MissingPostmortem(f"INC-{r.number}", r.title, r.severity, r.status, r.postmortem)
        for r in rows
        if r.postmortem != "complete"
    ]


def render_html(review: Review) -> str:
    """A self-contained HTML file: inline CSS and SVG, no external resources."""
    from trustwell.review.render import html_document

    return html_document(review)


def render_markdown(review: Review) -> str:
    """The review as Markdown: headline figures, then one table per section."""
    from trustwell.review.render import markdown_document

    return markdown_document(review)
