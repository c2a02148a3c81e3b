"""``/review?month=YYYY-MM``: the monthly review with charts (a session is needed).

The figures and charts are those of ``trustwell review`` (:mod:`trustwell.review`);
the page only lays them out. Without ``month`` it opens on the latest month
that has incidents (the current month when there is none): the current month
is usually still empty, and a review is read to see what happened.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from trustwell import clock
from trustwell.web.deps import get_project, get_store
from trustwell.web.pages.rendering import error_page, render
from trustwell.web.pages.security import login_redirect, visitor_of

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.debt.model import DebtItem
    from trustwell.review.build import Review

router = APIRouter(include_in_schema=False)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def current_month(now: datetime, zone: str) -> str:
    """``"YYYY-MM"`` of ``now`` in the project's timezone."""
    return now.astimezone(ZoneInfo(zone)).strftime("%Y-%m")


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


def review_charts(review: Review) -> dict[str, Markup]:
    """The review's charts as inline SVG (drawn by :mod:`trustwell.review.charts`)."""
    from trustwell.review.charts import bar_chart, line_chart, stacked_bar

    trend = {
        "TTD median (h)": [(t.month, _hours(t.ttd_median_seconds)) for t in review.trend],
        "TTR median (h)": [(t.month, _hours(t.ttr_median_seconds)) for t in review.trend],
    }
    sources = {t.month: dict(t.detection_sources) for t in review.trend}
    prone = {p.asset: float(p.incidents) for p in review.prone_assets}
    charts = {
        "trend": line_chart(
            trend,
            title="Time to detect and to resolve, by month",
            y_label="hours",
            desc="Median hours from the data going bad to the incident, and to its resolution.",
        ),
        "sources": stacked_bar(
            sources,
            title="How incidents were detected, by month",
            y_label="incidents",
            desc="Incidents per detection source; report means a stakeholder found it first.",
        ),
        "severity": bar_chart(
            {k: float(v) for k, v in review.by_severity.items()},
            title=f"Incidents by severity in {review.month}",
            y_label="incidents",
        ),
        "prone": bar_chart(
            prone,
            title=f"Most incident-prone assets in {review.month}",
            y_label="incidents",
        )
        if prone
        else "",
    }
    # The chart module escapes every label it draws.
    return {name: Markup(svg) for name, svg in charts.items()}


def _debt_items(project: Project) -> tuple[list[DebtItem], list[str]]:
    """The items of ``debt/*.yml``; a bad file leaves them out and its problems are shown."""
    from trustwell.config.errors import ProjectError
    from trustwell.debt.files import load_debt_items

    try:
        return load_debt_items(project), []
    except ProjectError as exc:
        return [], [str(p) for p in exc.problems]


@router.get("/review")
def review_page(request: Request, month: str = "") -> Response:
    from trustwell.review.build import build_review, latest_incident_month
    from trustwell.review.render import GROUP_COLUMNS, debt_sections, group_rows

    visitor = visitor_of(request)
    if not visitor.logged_in:
        return login_redirect(request)
    project = get_project(request)
    month = (
        month.strip()
        or latest_incident_month(get_store(request), project)
        or current_month(clock.now(), project.settings.timezone)
    )
    if not _MONTH.match(month):
        return error_page(
            request, visitor, 400, "Unknown month", f"{month!r} is not a month like 2026-11."
        )
    debt, debt_problems = _debt_items(project)
    try:
        review = build_review(get_store(request), project, month, debt=debt)
    except ValueError as exc:
        return error_page(request, visitor, 400, "Unknown month", str(exc))
    metrics: dict[str, Any] = review.metrics
    return render(
        request,
        "review.html",
        visitor,
        {
            "review": review,
            "month": month,
            "metrics": metrics,
            "charts": review_charts(review),
            "group_columns": GROUP_COLUMNS,
            "debt_sections": debt_sections(review),
            "debt_problems": debt_problems,
            "groups": [
                ("severity", "By severity", "Severity", group_rows(metrics["by_severity"])),
                ("team", "By team", "Team", group_rows(metrics["by_team"])),
            ],
        },
    )
