"""What the page tests assert at every width: nothing scrolls sideways, a thing is
on screen (not only in the DOM), and a screenshot to look at in ``/tmp``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

#: A laptop and a phone (an iPhone 12-14 is 390 CSS px wide).
WIDTHS = (1280, 390)
SCREENSHOTS = Path("/tmp")


def assert_no_sideways_scroll(page: Any) -> None:
    wide, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= inner, f"the page is {wide} px wide in a {inner} px window"


def assert_on_screen(page: Any, locator: Any) -> None:
    """Visible, and inside the window's width: not cut off, not off to the right."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    inner = page.evaluate("() => window.innerWidth")
    assert box is not None and box["width"] > 0 and box["height"] > 0, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= inner + 0.5, (box, inner)


def screenshot(page: Any, name: str, width: int) -> Path:
    """``/tmp/trustwell-NAME-WIDTH.png``, the whole page."""
    path = SCREENSHOTS / f"trustwell-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    return path


def box(locator: Any) -> dict[str, float]:
    found: dict[str, float] | None = locator.bounding_box()
    assert found is not None, locator
    return found


def assert_cells_hold_their_text(page: Any, cells: str) -> None:
    """No cell matched by the CSS selector ``cells`` spills over the next one.

    On a phone each card cell shows its column's name beside its value: a long
    name that wraps must make the cell taller, not run into the cell below."""
    spilled = page.eval_on_selector_all(
        cells,
        """cells => cells
            .filter(c => c.scrollHeight > c.clientHeight + 1)
            .map(c => `${c.dataset.label}: ${c.scrollHeight} > ${c.clientHeight}`)""",
    )
    assert spilled == [], spilled
