"""The badge as an SVG image: "trust | Trusted" in green, amber or red, 20 px high.

Pure string building with every text escaped: the reason (which quotes check
and use case names from the project) goes into ``<title>``, so a browser
shows it on hover and a screen reader reads the level from ``aria-label``.
White text on each colour keeps at least WCAG AA contrast (4.5:1). Each text
is given its computed width (``textLength``), so the badge looks the same
whatever font the viewer has; the widths are estimates of Verdana at 11 px.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from trustwell.certification.badge import Level

HEIGHT = 20
LABEL = "trust"
TEXT = {"trusted": "Trusted", "limited": "Limited", "untrusted": "Untrusted"}
COLOUR = {"trusted": "#1a7f37", "limited": "#9a6700", "untrusted": "#c62828"}
LABEL_COLOUR = "#555555"
FOREGROUND = "#ffffff"
PADDING = 6  # px each side of a text
MAX_TITLE = 500  # characters of the reason shown

# Estimated advance widths (px) of Verdana 11px; others take the default of their case.
_NARROW = dict.fromkeys("ijl|.,:;'!", 3.1) | dict.fromkeys("frt ()[]", 4.3)
_WIDE = dict.fromkeys("mwMW", 10.0)
_LOWER, _UPPER, _OTHER = 6.6, 7.6, 7.0
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML 1.0


def text_width(text: str) -> float:
    """The estimated width of ``text`` in px at 11 px Verdana."""
    total = 0.0
    for char in text:
        if char in _NARROW:
            total += _NARROW[char]
        elif char in _WIDE:
            total += _WIDE[char]
        elif char.islower():
            total += _LOWER
        elif char.isupper():
            total += _UPPER
        else:
            total += _OTHER
    return round(total, 1)


def badge_svg(level: Level, reason: str) -> str:
    """The SVG document of a badge at ``level`` with ``reason`` as its title."""
    message = TEXT[level]
    label_w = round(text_width(LABEL) + 2 * PADDING)
    message_w = round(text_width(message) + 2 * PADDING)
    width = label_w + message_w
    title = _CONTROL.sub("", reason).strip()
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1] + "…"
    aria = quoteattr(f"{LABEL}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label={aria}>'
        f"<title>{escape(title)}</title>"
        f'<rect width="{label_w}" height="{HEIGHT}" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{label_w}" width="{message_w}" height="{HEIGHT}" fill="{COLOUR[level]}"/>'
        f'<g fill="{FOREGROUND}" font-family="Verdana,DejaVu Sans,Geneva,sans-serif" '
        f'font-size="11" text-anchor="middle">'
        f"{_text(LABEL, label_w / 2)}{_text(message, label_w + message_w / 2)}"
        "</g></svg>"
    )


def _text(text: str, centre: float) -> str:
    length = text_width(text)
    return (
        f'<text x="{centre:g}" y="14" textLength="{length:g}" '
        f'lengthAdjust="spacingAndGlyphs">{escape(text)}</text>'
    )
