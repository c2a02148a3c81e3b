"""Inline SVG charts, self-contained and accessible (``<title>``/``<desc>``, labelled axes).

Pure string building: no plotting library. Every function returns one ``<svg>``
element, ready to embed in HTML.

>>> svg = bar_chart({"SEV-1": 2, "SEV-2": 5}, title="Incidents by severity", y_label="incidents")
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from html import escape

Series = Mapping[str, Sequence[tuple[str, float | None]]]

#: Okabe–Ito colours: distinguishable with colour-blindness, dark enough on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#56B4E9", "#444444")
TEXT = "#1a1a1a"
GRID = "#d0d0d0"
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 44, 64


def line_chart(
    series: Series,
    *,
    title: str,
    y_label: str,
    desc: str | None = None,
    width: int = 640,
    height: int = 300,
) -> str:
    """Lines over categories (months): ``{"TTD median": [("2026-10", 3.5), ...], ...}``.

    ``None`` values leave a gap. Every point is labelled with its value and has
    a tooltip (``<title>``).

    >>> "<polyline" in line_chart({"TTR": [("2026-10", 2.0), ("2026-11", 3.0)]},
    ...                           title="TTR", y_label="hours")
    True
    """
    categories = list(dict.fromkeys(x for points in series.values() for x, _ in points))
    values = [v for points in series.values() for _, v in points if v is not None]
    frame = _Frame(width, height, categories, max(values, default=0.0))
    body: list[str] = []
    for index, (name, points) in enumerate(series.items()):
        color = PALETTE[index % len(PALETTE)]
        known = dict(points)
        segment: list[str] = []
        segments: list[list[str]] = []
        for category in categories:
            value = known.get(category)
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{frame.center(category):.1f},{frame.y(value):.1f}")
        if segment:
            segments.append(segment)
        for part in segments:
            body.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2.5" '
                f'points="{" ".join(part)}"/>'
            )
        for category in categories:
            value = known.get(category)
            if value is None:
                continue
            x, y = frame.center(category), frame.y(value)
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}">'
                f"<title>{escape(name)}, {escape(category)}: {_fmt(value)}</title></circle>"
                f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11" '
                f'fill="{TEXT}">{_fmt(value)}</text>'
            )
    summary = desc or _describe_series(series, y_label)
    return _svg(frame, title, summary, y_label, body, list(series))


def bar_chart(
    values: Mapping[str, float],
    *,
    title: str,
    y_label: str,
    desc: str | None = None,
    width: int = 640,
    height: int = 300,
    colors: Mapping[str, str] | None = None,
) -> str:
    """Vertical bars, one per key, each labelled with its value.

    >>> bar_chart({"SEV-1": 1, "SEV-2": 3}, title="By severity", y_label="incidents").count("<rect")
    3
    """
    categories = list(values)
    frame = _Frame(width, height, categories, max(values.values(), default=0.0))
    body = []
    for index, (category, value) in enumerate(values.items()):
        color = (colors or {}).get(category, PALETTE[0 if colors is None else index % 7])
        body.append(_bar(frame, category, 0.0, value, color, f"{category}: {_fmt(value)}"))
        body.append(_label(frame, category, value))
    summary = desc or ", ".join(f"{k}: {_fmt(v)}" for k, v in values.items()) or "no data"
    return _svg(frame, title, summary, y_label, body, [])


def stacked_bar(
    segments: Mapping[str, Mapping[str, float]],
    *,
    title: str,
    y_label: str,
    desc: str | None = None,
    width: int = 640,
    height: int = 300,
) -> str:
    """Stacked bars: ``{"2026-11": {"check": 4, "report": 1}, ...}``, one bar per outer key.

    Segment names keep the order in which they first appear; each has one colour
    and a legend entry. Totals are written above the bars.
    """
    categories = list(segments)
    names = list(dict.fromkeys(n for parts in segments.values() for n in parts))
    totals = {c: sum(parts.values()) for c, parts in segments.items()}
    frame = _Frame(width, height, categories, max(totals.values(), default=0.0))
    body = []
    for category, parts in segments.items():
        base = 0.0
        for index, name in enumerate(names):
            value = parts.get(name, 0.0)
            if value <= 0:
                continue
            color = PALETTE[index % len(PALETTE)]
            tooltip = f"{category}, {name}: {_fmt(value)}"
            body.append(_bar(frame, category, base, base + value, color, tooltip))
            base += value
        body.append(_label(frame, category, totals[category]))
    summary = desc or "; ".join(
        f"{c}: " + ", ".join(f"{n} {_fmt(v)}" for n, v in parts.items() if v) or f"{c}: none"
        for c, parts in segments.items()
    )
    return _svg(frame, title, summary or "no data", y_label, body, names)


# --- drawing --------------------------------------------------------------------------


class _Frame:
    """The plotting area and its scales: categories on x, a "nice" linear y from 0."""

    def __init__(self, width: int, height: int, categories: list[str], top: float) -> None:
        self.width, self.height, self.categories = width, height, categories
        self.top = _nice_ceiling(top)
        self.left, self.right = _LEFT, width - _RIGHT
        self.upper, self.lower = _TOP, height - _BOTTOM
        self.band = (self.right - self.left) / max(1, len(categories))

    def center(self, category: str) -> float:
        return self.left + self.band * (self.categories.index(category) + 0.5)

    def y(self, value: float) -> float:
        return self.lower - (self.lower - self.upper) * (value / self.top)

    def ticks(self) -> list[float]:
        step = self.top / 4
        return [step * i for i in range(5)]


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above ``value`` (1 for nothing)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= value:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover


def _bar(frame: _Frame, category: str, low: float, high: float, color: str, tip: str) -> str:
    width = frame.band * 0.6
    x = frame.center(category) - width / 2
    y_top, y_bottom = frame.y(high), frame.y(low)
    return (
        f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{width:.1f}" '
        f'height="{max(0.0, y_bottom - y_top):.1f}" fill="{color}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _label(frame: _Frame, category: str, value: float) -> str:
    return (
        f'<text x="{frame.center(category):.1f}" y="{frame.y(value) - 6:.1f}" '
        f'text-anchor="middle" font-size="12" fill="{TEXT}">{_fmt(value)}</text>'
    )


def _svg(
    frame: _Frame, title: str, desc: str, y_label: str, body: list[str], legend: list[str]
) -> str:
    ident = "chart-" + hashlib.sha1(f"{title}{desc}".encode()).hexdigest()[:8]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" style="max-width:{frame.width}px" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="system-ui, sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<rect width="{frame.width}" height="{frame.height}" fill="#ffffff"/>',
        f'<text x="{frame.left}" y="20" font-size="15" font-weight="600" fill="{TEXT}">'
        f"{escape(title)}</text>",
    ]
    for tick in frame.ticks():
        y = frame.y(tick)
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}">{_fmt(tick)}</text>'
        )
    for category in frame.categories:
        parts.append(
            f'<text x="{frame.center(category):.1f}" y="{frame.lower + 16}" '
            f'text-anchor="middle" font-size="11" fill="{TEXT}">{escape(category)}</text>'
        )
    middle = (frame.upper + frame.lower) / 2
    parts.append(
        f'<text transform="translate(16 {middle:.1f}) rotate(-90)" text-anchor="middle" '
        f'font-size="12" fill="{TEXT}">{escape(y_label)}</text>'
    )
    parts.append(
        f'<line x1="{frame.left}" x2="{frame.right}" y1="{frame.lower}" y2="{frame.lower}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    parts.extend(body)
    x = float(frame.left)
    for index, name in enumerate(legend):
        color = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{frame.height - 22}" width="12" height="12" fill="{color}"/>'
            f'<text x="{x + 16:.1f}" y="{frame.height - 12}" font-size="12" fill="{TEXT}">'
            f"{escape(name)}</text>"
        )
        x += 28 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _describe_series(series: Series, y_label: str) -> str:
    lines = []
    for name, points in series.items():
        shown = ", ".join(f"{x} {_fmt(v) if v is not None else 'no data'}" for x, v in points)
        lines.append(f"{name} ({y_label}): {shown or 'no data'}")
    return "; ".join(lines)
