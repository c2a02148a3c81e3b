"""The asset page's SLO error-budget chart: an inline SVG of the budget burn-down.

One chart per SLO: the share of the window's error budget left (100 % at the
window's start, today's budget left at its right end), with the 0 % line
marked; below it the budget is overspent. The numbers are in the chart's
text alternative and its caption, so the chart is never the only place they
are said.
"""

from __future__ import annotations

import html

from markupsafe import Markup

from trustwell.display import percent
from trustwell.slo.history import SloBurndown

WIDTH, HEIGHT, PAD = 320, 96, 8


def budget_chart(asset: str, slo: SloBurndown) -> Markup:
    """``<svg class="budget" role="img">`` of one SLO's burn-down."""
    report = slo.report
    name = f"Error budget of {report.name} on {asset} over the last {report.window_text}"
    if not slo.points or report.budget_left is None:
        alt = html.escape(f"{name}: no data in the window")
        return Markup(  # escaped text only
            f'<svg class="budget" role="img" width="{WIDTH}" height="{HEIGHT}"'
            f' viewBox="0 0 {WIDTH} {HEIGHT}" aria-label="{alt}"><title>{alt}</title>'
            f'<text x="{PAD}" y="{HEIGHT // 2}" class="spark-empty">no data in the window</text>'
            "</svg>"
        )
    values = [p.budget_left for p in slo.points]
    low, high = min(0.0, *values), 1.0
    span = high - low or 1.0
    first, last = slo.points[0].at, slo.points[-1].at
    seconds = (last - first).total_seconds() or 1.0

    def y(value: float) -> float:
        return round(PAD + (high - value) / span * (HEIGHT - 2 * PAD), 1)

    coords = [
        (
            round(PAD + (p.at - first).total_seconds() / seconds * (WIDTH - 2 * PAD), 1),
            y(p.budget_left),
        )
        for p in slo.points
    ]
    line = " ".join(f"{x},{yy}" for x, yy in coords)
    zero = y(0.0)
    area = f"{coords[0][0]},{zero} {line} {coords[-1][0]},{zero}"
    left = report.budget_left
    alt = html.escape(
        f"{name}: {percent(left)} left now (objective {percent(report.objective)},"
        f" lowest {percent(min(values))})",
        quote=True,
    )
    look = "budget-ok" if left > 0.25 else "budget-low" if left > 0 else "budget-out"
    return Markup(  # every text part is escaped
        f'<svg class="budget {look}" role="img" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" aria-label="{alt}"><title>{alt}</title>'
        f'<line class="budget-zero" x1="{PAD}" x2="{WIDTH - PAD}" y1="{zero}" y2="{zero}"/>'
        f'<polygon class="budget-area" points="{area}"/>'
        f'<polyline class="budget-line" fill="none" points="{line}"/>'
        f'<text class="budget-label" x="{PAD}" y="{PAD + 10}">100 %</text>'
        f'<text class="budget-label" x="{PAD}" y="{zero - 3}">0 %</text></svg>'
    )
