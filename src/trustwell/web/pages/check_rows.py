"""A check's row on the asset page: its latest value with its unit, and its charts.

Every check gets its history chart (one point per stored result); an
``anomaly`` check's chart shades the band each run was judged against, and a
``fairness`` or ``model`` check adds a bar per group or segment of its latest
result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from trustwell.web.pages.rendering import sparkline

if TYPE_CHECKING:
    from trustwell.checks.spec import CheckBase
    from trustwell.status.state import CheckDetail


def check_row(asset: str, check: CheckDetail, spec: CheckBase | None) -> dict[str, Any]:
    """A check's row on the asset page: its latest value with its unit, and its chart."""
    from trustwell.checks.registry import unit_for
    from trustwell.display import metric_value, percent

    unit, failing = unit_for(check.type, spec)

    def shown(value: float) -> str:
        return metric_value(value, unit, failing=failing)

    latest = check.latest
    value = metric_value(latest.value, unit, failing=failing) if latest else ""
    if latest and latest.value and latest.failing_fraction is not None:
        value += f" ({percent(latest.failing_fraction)})"
    # One point per stored result: matching statuses to values by time mislabelled
    # runs stored in the same second.
    points = [(run.executed_at, run.value, run.status) for run in check.runs]
    bands = [band_of(run.details) for run in check.runs] if check.type == "anomaly" else None
    return {
        "check": check,
        "value": value,
        "breakdown": breakdown_chart(check),
        "chart": sparkline(
            points,
            label=f"{check.name} on {asset}, last {len(points)} runs",
            shown=shown,
            bands=bands,
        ),
    }


def breakdown_chart(check: CheckDetail) -> Markup | None:
    """A bar per group (``fairness``) or segment (``model``) of the latest result, if any.

    Group names are values of the data: anonymous visitors get no details
    (``status.detail.public_view``), so they see no breakdown either.
    """
    from trustwell.review.charts import bar_chart

    latest = check.latest
    details = latest.details if latest is not None else None
    if not details:
        return None
    if check.type == "fairness":
        groups = [g for g in details.get("groups", []) if g.get("measured")]
        rate = "selection_rate"
        if str(details.get("metric", "")).startswith("equalized_odds"):
            rate = "true_positive_rate"
        values = {str(g["group"]): float(g[rate]) for g in groups if g.get(rate) is not None}
        title = f"{rate.replace('_', ' ')} per group, latest run"
    elif check.type == "model" and details.get("segments"):
        values = {
            str(s["segment"]): float(s["value"])
            for s in details["segments"]
            if s.get("value") is not None
        }
        title = f"{details.get('metric', 'value')} per segment, latest run"
    else:
        return None
    if not values:
        return None
    svg = bar_chart(values, title=title, y_label="", width=360, height=180)
    return Markup(svg)  # the chart module escapes every label it draws


def band_of(details: dict[str, Any] | None) -> tuple[float, float] | None:
    """An anomaly result's band (low, high) from its details; None while learning."""
    if not details or details.get("low") is None or details.get("high") is None:
        return None
    return float(details["low"]), float(details["high"])
