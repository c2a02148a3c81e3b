"""Templates and the small pieces they need: times in the project's zone,
Markdown rendered safely, and inline SVG sparklines.

Templates live in ``trustwell/web/templates`` (package data) and are rendered
with autoescape on: everything a user or a check wrote is escaped. The only
``Markup`` handed to templates is built here, from escaped parts.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from trustwell import display
from trustwell.web.deps import get_project
from trustwell.web.limits import RateLimited
from trustwell.web.pages.security import (
    FLASH_COOKIE,
    Visitor,
    is_https,
    read_flash,
    set_csrf_cookie,
)

# Inline SVG charts carry presentation attributes; no script runs anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

#: How each asset state is shown: a text label, an icon that is not colour alone.
STATE_LOOK: Mapping[str, tuple[str, str]] = {
    "trusted": ("Trusted", "✓"),
    "warning": ("Warning", "!"),
    "incident": ("Incident", "✕"),
    "stale": ("Stale", "◷"),
    "unknown": ("Unknown", "?"),
}
#: How each certification state is shown: a text label and an icon.
CERT_LOOK: Mapping[str, tuple[str, str]] = {
    "certified": ("Certified", "✓"),
    "at_risk": ("At risk", "!"),
    "revoked": ("Revoked", "✕"),
    "uncertified": ("Uncertified", "–"),
}
#: A certification requirement's verdict: an icon and words.
VERDICT_LOOK: Mapping[str, tuple[str, str]] = {
    "holds": ("✓", "holds"),
    "warns": ("!", "warns"),
    "broken": ("✕", "broken"),
    "missing": ("?", "no evidence"),
}
STATUS_LOOK: Mapping[str, str] = {
    "pass": "✓",
    "warn": "!",
    "fail": "✕",
    "error": "✕",
}


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment of the pages (built once per process)."""
    env = Environment(
        loader=PackageLoader("trustwell.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["iso"] = _iso
    env.filters["markdown"] = render_markdown
    # Numbers for people on every page; the JSON API keeps the raw values.
    env.filters["duration"] = display.duration
    env.filters["percent"] = display.percent
    env.filters["count"] = display.count
    env.filters["number"] = display.number
    env.globals["STATE_LOOK"] = STATE_LOOK
    env.globals["STATUS_LOOK"] = STATUS_LOOK
    env.globals["CERT_LOOK"] = CERT_LOOK
    env.globals["VERDICT_LOOK"] = VERDICT_LOOK
    return env


@pass_context
def _when(context: Context, moment: datetime | None) -> str:
    """``22 Nov 2026 10:00 CET`` in the project's time zone."""
    if moment is None:
        return "—"
    zone = ZoneInfo(str(context.get("timezone") or "UTC"))
    return moment.astimezone(zone).strftime("%d %b %Y %H:%M %Z")


def _iso(moment: datetime | None) -> str:
    from trustwell.clock import isoformat

    return isoformat(moment) if moment else ""


def render(
    request: Request,
    template: str,
    visitor: Visitor,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """Render a page with the common context (project, visitor, flash message)."""
    project = get_project(request)
    values: dict[str, Any] = {
        "request": request,
        "project_name": project.settings.name,
        "timezone": project.settings.timezone,
        "visitor": visitor,
        "csrf_token": visitor.csrf,
        "flash": read_flash(request),
        "path": request.url.path,
    }
    values.update(context or {})
    if isinstance(values.get("error"), str):  # a refused form's reason, from an exception
        from trustwell.redact import scrub

        values["error"] = scrub(values["error"])
    body = environment().get_template(template).render(values)
    response = HTMLResponse(body, status_code=status)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store" if visitor.logged_in else "no-cache"
    if visitor.new_csrf_cookie:
        set_csrf_cookie(request, response, visitor.new_csrf_cookie)
    if values["flash"] is not None:
        response.delete_cookie(
            FLASH_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request)
        )
    return response


def error_page(
    request: Request, visitor: Visitor, status: int, title: str, message: str
) -> HTMLResponse:
    """The error page: what went wrong, in words (scrubbed), with the HTTP status."""
    from trustwell.redact import scrub

    return render(
        request,
        "error.html",
        visitor,
        {"status": status, "title": title, "message": scrub(message)},
        status=status,
    )


def csrf_refused(request: Request, visitor: Visitor) -> HTMLResponse:
    """403: the form's ``csrf_token`` is missing or not this visitor's; nothing changed."""
    return error_page(
        request,
        visitor,
        403,
        "Form refused",
        "The form's security token is missing or does not match your session, so nothing "
        "was changed. Reload the page and try again.",
    )


def limited_page(request: Request, visitor: Visitor, refused: RateLimited) -> HTMLResponse:
    """429 with ``Retry-After``: the form was sent too often; nothing was stored."""
    response = error_page(
        request,
        visitor,
        429,
        "Please wait a moment",
        f"{refused.message} Nothing was sent. If it is urgent, contact the data team directly.",
    )
    response.headers.update(refused.headers)
    return response


# --- Markdown -----------------------------------------------------------------------


def render_markdown(text: str | None) -> Markup:
    """Runbook and post-mortem Markdown as HTML; raw HTML in the source is escaped.

    Uses markdown-it-py (installed with rich) with HTML disabled and its link
    validation (no ``javascript:`` links); falls back to :func:`tiny_markdown`.
    """
    if not text:
        return Markup("")
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - markdown-it-py comes with rich
        return tiny_markdown(text)
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(text)
    for token in tokens:
        # The page has its own <h1>/<h2>: a document's headings start at <h3>.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    return Markup(parser.renderer.render(tokens, parser.options, {}))  # html disabled


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_HEADING_LINE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def tiny_markdown(text: str) -> Markup:
    """Headings, paragraphs, lists and fenced code; every character escaped."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{html.escape(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        if code is not None:
            if line.strip().startswith("```"):
                out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
                code = None
            else:
                code.append(line)
            continue
        if line.strip().startswith("```"):
            flush()
            code = []
        elif heading := _HEADING_LINE.match(line):
            flush()
            level = min(6, len(heading.group(1)) + 2)  # the page has its own h1/h2
            out.append(f"<h{level}>{html.escape(heading.group(2))}</h{level}>")
        elif item := _LIST_ITEM.match(line):
            if paragraph:
                flush()
            items.append(item.group(1))
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    if code is not None:
        out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
    flush()
    return Markup("\n".join(out))  # escaped parts only


# --- charts -------------------------------------------------------------------------


def sparkline(
    points: Sequence[tuple[datetime, float | None, str]],
    *,
    label: str,
    width: int = 240,
    height: int = 48,
    shown: Callable[[float], str] = display.number,
    bands: Sequence[tuple[float, float] | None] | None = None,
) -> Markup:
    """An inline SVG of a check's values over its runs, one dot per run.

    ``points`` are ``(executed_at, value, status)`` oldest first, one per
    stored result. Failing and warning runs get a distinct marker shape as
    well as a colour. The chart has ``role="img"`` and a text alternative
    naming the latest value; ``shown`` writes a value with its unit there
    and in each point's tooltip. ``bands`` (one per point, ``None`` where a
    run had none) draws the expected band of an ``anomaly`` check behind the
    line, so a dot outside the shaded area is the run that fired.
    """
    banded = list(bands) if bands is not None else [None] * len(points)
    valued: list[tuple[datetime, float, str]] = []
    ranges: list[tuple[float, float] | None] = []
    for (at, v, status), found in zip(points, banded, strict=True):
        if v is not None:
            valued.append((at, float(v), status))
            ranges.append(found)
    title = html.escape(label)
    if not valued:
        return Markup(  # the label is escaped
            f'<svg class="spark" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" aria-label="{title}: no values yet">'
            f"<title>{title}: no values yet</title>"
            f'<text x="4" y="{height // 2 + 4}" class="spark-empty">no values yet</text></svg>'
        )
    values = [v for _, v, _ in valued]
    edges = [e for b in ranges if b is not None for e in b]
    low, high = min(values + edges), max(values + edges)
    span = (high - low) or 1.0
    pad = 6
    step = (width - 2 * pad) / max(1, len(valued) - 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        x = pad + index * step if len(valued) > 1 else width / 2
        y = height - pad - (value - low) / span * (height - 2 * pad)
        return round(x, 1), round(y, 1)

    coords = [xy(i, v) for i, v in enumerate(values)]
    path = " ".join(f"{x},{y}" for x, y in coords)
    marks = []
    for (x, y), (at, value, status) in zip(coords, valued, strict=True):
        tip = html.escape(f"{at:%Y-%m-%d %H:%M} UTC: {shown(value)} ({status})")
        if status in ("fail", "error"):
            marks.append(
                f'<rect class="spark-fail" x="{x - 3}" y="{y - 3}" width="6" height="6">'
                f"<title>{tip}</title></rect>"
            )
        elif status == "warn":
            marks.append(
                f'<polygon class="spark-warn" points="{x},{y - 4} {x + 4},{y + 3} {x - 4},{y + 3}">'
                f"<title>{tip}</title></polygon>"
            )
        else:
            marks.append(
                f'<circle class="spark-pass" cx="{x}" cy="{y}" r="2.5">'
                f"<title>{tip}</title></circle>"
            )
    _, latest, latest_status = valued[-1]
    low_value, high_value = min(values), max(values)
    about = (
        f"{label}: {len(valued)} runs, from {shown(low_value)} to {shown(high_value)}; "
        f"latest {shown(latest)} ({latest_status})"
    )
    shaded = _band(ranges, xy)
    if shaded and ranges[-1] is not None:
        about += f", expected {shown(ranges[-1][0])} to {shown(ranges[-1][1])}"
    alt = html.escape(about)
    return Markup(  # every text part is escaped
        f'<svg class="spark" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{alt}"><title>{alt}</title>{shaded}'
        f'<polyline class="spark-line" fill="none" points="{path}"/>{"".join(marks)}</svg>'
    )


def _band(
    ranges: Sequence[tuple[float, float] | None],
    xy: Callable[[int, float], tuple[float, float]],
) -> str:
    """The shaded band of the runs that have one (an area per unbroken stretch)."""
    stretches: list[list[int]] = [[]]
    for index, found in enumerate(ranges):
        if found is None:
            stretches.append([])
        else:
            stretches[-1].append(index)
    shapes = []
    for run in (s for s in stretches if s):
        lows = [xy(i, ranges[i][0]) for i in run]  # type: ignore[index]
        highs = [xy(i, ranges[i][1]) for i in reversed(run)]  # type: ignore[index]
        if len(run) == 1:  # one run: a short bar
            (x, y_low), (_, y_high) = lows[0], highs[0]
            lows, highs = [(x - 3, y_low), (x + 3, y_low)], [(x + 3, y_high), (x - 3, y_high)]
        points = " ".join(f"{x},{y}" for x, y in (*lows, *highs))
        shapes.append(f'<polygon class="spark-band" points="{points}"/>')
    return "".join(shapes)
