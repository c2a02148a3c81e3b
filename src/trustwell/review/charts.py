"""Inline SVG charts, self-contained and accessible (``<title>``/``<desc>``, labelled axes).

Pure string building: no plotting library. Every function returns one ``<svg>``
element, ready to embed in HTML.

>>> svg = bar_chart({"SEV-1": 2, "SEV-2": 5}, title="Incidents by severity", y_label="incidents")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Series = Mapping[str, Sequence[tuple[str, float | None]]]


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

    ``None`` values leave a gap. Points are labelled with their value.
    """
    raise NotImplementedError


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
    """Vertical bars, one per key, each labelled with its value."""
    raise NotImplementedError


def stacked_bar(
    segments: Mapping[str, Mapping[str, float]],
    *,
    title: str,
    y_label: str,
    desc: str | None = None,
    width: int = 640,
    height: int = 300,
) -> str:
    """Stacked bars: ``{"2026-11": {"check": 4, "report": 1}, ...}``, one bar per outer key."""
    raise NotImplementedError
