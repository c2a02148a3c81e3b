"""The review as a self-contained HTML page and as Markdown. Pure."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from trustwell import display
from trustwell.clock import isoformat
from trustwell.review import charts

if TYPE_CHECKING:
    from trustwell.review.build import Review

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1a1a1a;background:#fff;
margin:0 auto;max-width:960px;padding:1.5rem;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:2px solid #0072B2;padding-bottom:.2rem}
.meta{color:#4a4a4a}.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));
gap:.75rem;margin:1rem 0}.figure{border:1px solid #c8c8c8;border-radius:6px;padding:.6rem}
.figure b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #d0d0d0;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}.overdue{color:#a00000;font-weight:600}figure{margin:1rem 0}
@media print{body{max-width:none}}
"""


def hours(seconds: float | None) -> float | None:
    """Seconds as hours (one decimal), None stays None."""
    return None if seconds is None else round(seconds / 3600, 1)


#: The columns of a grouping of the metrics document (by severity, by team), as
#: ``trustwell metrics`` prints them.
GROUP_COLUMNS = [
    "Incidents",
    "TTD median / p90",
    "TTA median / p90",
    "TTR median / p90",
    "Recurring",
    "Detected internally",
]

duration = display.duration
_share = display.percent
_count = display.count


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else display.MISSING


def times(figures: dict[str, Any]) -> str:
    """``5h 25m / 1d 2h``: the median and the p90 of one duration metric."""
    return f"{duration(figures['median_seconds'])} / {duration(figures['p90_seconds'])}"


def group_rows(grouping: dict[str, dict[str, Any]]) -> list[list[str]]:
    """One row per group of a ``by_*`` mapping of the metrics document."""
    return [
        [
            name,
            _count(bucket["incidents"]),
            times(bucket["ttd"]),
            times(bucket["tta"]),
            times(bucket["ttr"]),
            _count(bucket["recurring"]),
            _share(bucket["internal_detection_share"]),
        ]
        for name, bucket in grouping.items()
    ]


def headline(review: Review) -> list[tuple[str, str]]:
    """The headline figures: (label, value) pairs."""
    m = review.metrics
    return [
        ("Incidents", _count(m["incidents"])),
        ("TTD median", duration(m["ttd"]["median_seconds"])),
        ("TTD p90", duration(m["ttd"]["p90_seconds"])),
        ("TTA median", duration(m["tta"]["median_seconds"])),
        ("TTA p90", duration(m["tta"]["p90_seconds"])),
        ("TTR median", duration(m["ttr"]["median_seconds"])),
        ("TTR p90", duration(m["ttr"]["p90_seconds"])),
        ("Recurring", _count(m["recurring"])),
        ("Detected internally", _share(m["internal_detection_share"])),
    ]


def review_charts(review: Review) -> dict[str, str]:
    """The three SVG charts of a review, by name (``trend``, ``sources``, ``severity``)."""
    trend = {
        "TTD median": [(t.month, hours(t.ttd_median_seconds)) for t in review.trend],
        "TTR median": [(t.month, hours(t.ttr_median_seconds)) for t in review.trend],
    }
    sources = {t.month: {k: float(v) for k, v in t.detection_sources.items()} for t in review.trend}
    return {
        "trend": charts.line_chart(
            trend, title="Time to detect and to resolve, median by month", y_label="hours"
        ),
        "sources": charts.stacked_bar(
            sources, title="Incidents by detection source", y_label="incidents"
        ),
        "severity": charts.bar_chart(
            {k: float(v) for k, v in review.by_severity.items()},
            title=f"Incidents by severity, {review.month}",
            y_label="incidents",
            colors={"SEV-1": "#B00020", "SEV-2": "#D55E00", "SEV-3": "#0072B2"},
        ),
    }


def _sections(review: Review) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every table of the review: (heading, columns, rows of text)."""
    trend = [
        [
            t.month,
            _count(t.incidents),
            duration(t.ttd_median_seconds),
            duration(t.ttr_median_seconds),
            _share(t.internal_detection_share),
        ]
        for t in review.trend
    ]
    sources = [[k, _count(v)] for k, v in review.detection_sources.items()]
    prone = [[a.asset, _count(a.incidents), _count(a.last_six_months)] for a in review.prone_assets]
    items = [
        [
            str(i.id),
            i.incident or display.MISSING,
            i.title,
            i.owner or display.MISSING,
            _date(i.due_at) + (" (overdue)" if i.overdue else ""),
        ]
        for i in review.action_items
    ]
    missing = [
        [p.incident, p.severity, p.status, p.postmortem or "none", p.title]
        for p in review.missing_postmortems
    ]
    incident = _incident_sections(review, trend, sources, prone, items, missing)
    return [*incident, *debt_sections(review)]


def _incident_sections(
    review: Review,
    trend: list[list[str]],
    sources: list[list[str]],
    prone: list[list[str]],
    items: list[list[str]],
    missing: list[list[str]],
) -> list[tuple[str, list[str], list[list[str]]]]:
    return [
        ("Trend", ["Month", "Incidents", "TTD median", "TTR median", "Detected internally"], trend),
        ("By severity", ["Severity", *GROUP_COLUMNS], group_rows(review.metrics["by_severity"])),
        ("By team", ["Team", *GROUP_COLUMNS], group_rows(review.metrics["by_team"])),
        ("Detection sources", ["Source", "Incidents"], sources),
        ("Most incident-prone assets", ["Asset", "Incidents", "Last 7 months"], prone),
        ("Open action items", ["#", "Incident", "Title", "Owner", "Due"], items),
        (
            "Incidents without a required post-mortem",
            ["Incident", "Severity", "Status", "Post-mortem", "Title"],
            missing,
        ),
    ]


#: How many of the highest-interest debt items the review lists.
TOP_DEBT = 10


def debt_sections(review: Review) -> list[tuple[str, list[str], list[list[str]]]]:
    """The data-quality debt sections (totals per team, the top items), when asked for."""
    from trustwell.debt.model import interest_label

    debt = review.debt
    if debt is None:
        return []

    def points(value: float) -> str:
        return f"{value:g}"

    teams = [
        [team, _count(t.items), points(t.principal), points(t.interest)]
        for team, t in [*debt.teams.items(), ("Total", debt.total)]
    ]
    top = [
        [
            str(rank),
            interest_label(i, debt.today),
            i.team or "unowned",
            i.kind,
            i.asset or display.MISSING,
            i.title,
            (i.due.isoformat() if i.due else display.MISSING)
            + (" (overdue)" if i.overdue(debt.today) else ""),
        ]
        for rank, i in enumerate(debt.items[:TOP_DEBT], start=1)
    ]
    return [
        (
            "Data-quality debt: totals per team",
            ["Team", "Items", "Principal (points)", "Interest (points/week)"],
            teams if debt.items else [],
        ),
        (
            "Data-quality debt: top items by interest",
            ["#", "Interest/week", "Team", "Kind", "Asset", "Title", "Due"],
            top,
        ),
    ]


def html_document(review: Review) -> str:
    """The review as one HTML file: inline CSS, inline SVG, no scripts, no external links."""
    title = f"Data incident review {review.month}: {review.project}"
    figures = "".join(
        f'<div class="figure">{escape(label)}<b>{escape(value)}</b></div>'
        for label, value in headline(review)
    )
    svg = review_charts(review)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Generated {escape(isoformat(review.generated_at))}. '
        "Drills and dismissed incidents are left out.</p>",
        f'<section aria-label="Headline figures" class="figures">{figures}</section>',
        f"<h2>Trends</h2><figure>{svg['trend']}</figure><figure>{svg['sources']}</figure>",
        f"<h2>Severity</h2><figure>{svg['severity']}</figure>",
    ]
    for heading, columns, rows in _sections(review):
        parts.append(f"<h2>{escape(heading)}</h2>")
        parts.append(_html_table(columns, rows))
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _html_table(columns: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: str) -> str:
    if value.endswith(" (overdue)"):
        return f'<span class="overdue">{escape(value)}</span>'
    return escape(value)


def markdown_document(review: Review) -> str:
    """The review as Markdown: the headline figures, then one table per section."""
    lines = [
        f"# Data incident review {review.month}: {review.project}",
        "",
        f"Generated {isoformat(review.generated_at)}. Drills and dismissed incidents are left out.",
        "",
        "| Figure | Value |",
        "|---|---|",
        *(f"| {label} | {value} |" for label, value in headline(review)),
    ]
    for heading, columns, rows in _sections(review):
        lines += ["", f"## {heading}", ""]
        if not rows:
            lines.append("None.")
            continue
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "---|" * len(columns))
        lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _md(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
