"""Build the monthly review from the store and render it as HTML and Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustwell.config.models import Project
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


def build_review(store: Store, project: Project, month: str) -> Review:
    """The review of ``month`` ("YYYY-MM"); ValueError for a malformed month."""
    raise NotImplementedError


def render_html(review: Review) -> str:
    """A self-contained HTML file: inline CSS and SVG, no external resources."""
    raise NotImplementedError


def render_markdown(review: Review) -> str:
    """The review as Markdown tables."""
    raise NotImplementedError
