"""The printable HTML of an evidence pack: ``evidence.html`` next to ``evidence.json``.

:func:`render_html` turns the pack document into one self-contained page (inline
CSS, no script, no external asset) that reads well on screen and on paper:
each section starts a new printed page and tables repeat their header. The
page shows the SHA-256 of the exact ``evidence.json`` bytes, so a reader can
tell that the page and the JSON kept with it belong together.
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE = "evidence.html"


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, in lower-case hex (as ``sha256sum`` prints it)."""
    return hashlib.sha256(data).hexdigest()


def render_html(pack: dict[str, Any], json_sha256: str) -> str:
    """The page of ``pack``; ``json_sha256`` is the digest of the evidence.json bytes written."""
    return _environment().get_template(TEMPLATE).render(pack=pack, json_sha256=json_sha256)


@functools.cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("trustwell.certification", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,  # a field the pack lacks is a bug, not a blank cell
    )
    env.filters["percent"] = _percent
    env.filters["dash"] = _dash
    return env


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.4g}%"


def _dash(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
