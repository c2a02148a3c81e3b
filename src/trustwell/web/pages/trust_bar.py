"""The trust history bar as HTML: an ordered list of day cells, built once per change.

The status page shows a bar of 90 cells per asset: 100 assets a page is
9,000 cells. A Jinja macro per cell would cost more than the rest of the
page, so the bar is written here, from escaped parts, and kept by the status
page's cache as ``Markup``. Each cell has the day's reason as its ``title``
(the tooltip) and its ``aria-label``; colour, a pattern (CSS) and the words
carry the state, so it is never told by colour alone. On a phone the CSS
hides all but the last 30 cells.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence

from markupsafe import Markup

from trustwell.status.history_bar import DayCell, summary

_CLASS = {"trusted": "d-ok", "warning": "d-warn", "incident": "d-inc", "no_data": "d-none"}


def trust_bar(asset: str, cells: Sequence[DayCell]) -> Markup:
    """``<ol class="trust-bar">`` with one ``<li>`` per day, oldest first."""
    label = html.escape(f"Trust history of {asset}, {summary(cells)}", quote=True)
    parts = [f'<ol class="trust-bar" aria-label="{label}">']
    parts.extend(_cell(cell) for cell in cells)
    parts.append("</ol>")
    return Markup("".join(parts))  # escaped parts only


@functools.lru_cache(maxsize=8192)
def _cell(cell: DayCell) -> str:
    """One cell's ``<li>``; many assets share a day's cell (no data, all passed)."""
    text = html.escape(cell.label, quote=True)
    return f'<li class="{_CLASS[cell.state]}" title="{text}" aria-label="{text}"></li>'
