"""``/`` (the status page) and ``/assets/NAME`` (with the subscribe form).

The status page filters by search text, state, team, use case and
certification state (query parameters of a GET form, so it works without
JavaScript) and shows :data:`PAGE_SIZE` assets a page (``?page=N``); its data
comes from :mod:`trustwell.web.pages.status_cache`.

Subscribing: on a public status page anyone may subscribe an e-mail address
to an asset (it is the same audience that may read the page and report a
problem; the form is CSRF-protected like every other, and rate-limited per
visitor and per asset). An anonymous visitor's address gets one confirmation
message and no notice until its link is followed; a signed-in person's is
trusted at once. On a private page it needs a session (any role). Subscriber
addresses are shown to logged-in visitors only; the public sees how many there are.

An anonymous visitor's asset page is rendered from
:func:`~trustwell.status.detail.public_view`: states, values and history, but
no check message (raw database errors, SQL, file paths) and no address.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from starlette.responses import Response

from trustwell import clock
from trustwell.web.deps import get_project, get_store
from trustwell.web.pages.check_rows import check_row
from trustwell.web.pages.rendering import csrf_refused, error_page, render
from trustwell.web.pages.security import (
    csrf_ok,
    login_redirect,
    needs_login,
    redirect_with_flash,
    visitor_of,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from trustwell.status.certified import UseCaseCert
    from trustwell.status.state import AssetState
    from trustwell.status.subscriptions import Subscribed

router = APIRouter(include_in_schema=False)

RECENT = timedelta(days=7)  # how long a resolved incident stays on the status page
PAGE_SIZE = 100  # assets per status page (with ?page=N)
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")


def looks_like_email(text: str) -> bool:
    """The one check of an address typed into a form (subscribe, report)."""
    return len(text) <= 300 and _EMAIL.match(text) is not None


@router.get("/")
def status_page(
    request: Request,
    q: str = "",
    state: str = "",
    team: str = "",
    use_case: str = "",
    certification: str = "",
    page: str = "1",
) -> Response:
    from trustwell.status.certified import CERT_STATES
    from trustwell.status.state import STATES
    from trustwell.web.pages.status_cache import StatusCache

    visitor = visitor_of(request)
    if needs_login(visitor):
        return login_redirect(request)
    project, store = get_project(request), get_store(request)
    now = clock.now()
    cache = getattr(request.app.state, "status_cache", None)
    if cache is None:
        cache = request.app.state.status_cache = StatusCache()
    data = cache.get(store, project, now, now - RECENT)
    states = data.states
    shown = filter_states(
        states,
        q=q,
        state=state,
        team=team,
        use_case=use_case,
        certification=certification,
        certs=data.certs,
    )
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    asked = int(page) if page.isdigit() and len(page) < 7 else 1  # no 5,000-digit int
    number = min(max(1, asked), pages)
    on_page = shown[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    counts = Counter(s.state for s in states)
    teams = sorted({s.owner for s in states if s.owner} | set(project.settings.teams))
    use_cases = sorted({u for s in states for u in s.use_cases} | set(project.settings.use_cases))
    filters = {
        "q": q,
        "state": state,
        "team": team,
        "use_case": use_case,
        "certification": certification,
    }
    return render(
        request,
        "status.html",
        visitor,
        {
            "assets": on_page,
            "certs": data.certs,
            "bars": data.bars,
            "scores": data.scores,
            "shown_count": len(shown),
            "first": (number - 1) * PAGE_SIZE + 1,
            "all_count": len(states),
            "counts": [(name, counts.get(name, 0)) for name in STATES],
            "problems": sum(counts.get(n, 0) for n in ("incident", "warning", "stale")),
            "open": data.open,
            "resolved": data.resolved,
            "filters": filters,
            "page": number,
            "pages": pages,
            "page_link": lambda n: page_link(filters, n),
            "states": STATES,
            "cert_states": CERT_STATES,
            "teams": teams,
            "use_cases": use_cases,
        },
    )


def page_link(filters: dict[str, str], number: int) -> str:
    """``/?…&page=N`` with the chosen filters kept."""
    from urllib.parse import urlencode

    chosen = {k: v for k, v in filters.items() if v}
    if number > 1:
        chosen["page"] = str(number)
    return "/?" + urlencode(chosen) if chosen else "/"


def filter_states(
    states: list[AssetState],
    *,
    q: str,
    state: str,
    team: str,
    use_case: str,
    certification: str = "",
    certs: Mapping[str, list[UseCaseCert]] | None = None,
) -> list[AssetState]:
    """The assets matching the search text and every chosen filter.

    ``certification`` keeps the assets with a use case in that state (with
    ``use_case`` chosen too: that use case in that state).
    """
    needle = q.strip().lower()
    found = certs or {}

    def certified(s: AssetState) -> bool:
        return not certification or any(
            c.state == certification and (not use_case or c.use_case == use_case)
            for c in found.get(s.asset, [])
        )

    def keep(s: AssetState) -> bool:
        text = " ".join([s.asset, s.description or "", s.owner or ""]).lower()
        return (
            (not needle or needle in text)
            and (not state or s.state == state)
            and (not team or s.owner == team)
            and (not use_case or use_case in s.use_cases)
            and certified(s)
        )

    return [s for s in states if keep(s)]


@router.get("/assets/{name}")
def asset_page(request: Request, name: str) -> Response:
    visitor = visitor_of(request)
    if needs_login(visitor):
        return login_redirect(request)
    return _asset_page(request, name)


def _asset_page(
    request: Request, name: str, *, error: str | None = None, status: int = 200, email: str = ""
) -> Response:
    from trustwell.status import UnknownAsset
    from trustwell.status.detail import asset_detail, public_view
    from trustwell.web.pages.asset_trust import (
        asset_score,
        badge_snippets,
        slo_charts,
        use_case_panels,
    )
    from trustwell.web.pages.lineage_picture import lineage_svg

    visitor = visitor_of(request)
    project = get_project(request)
    try:
        detail = asset_detail(get_store(request), project, name)
    except UnknownAsset as exc:
        return error_page(request, visitor, 404, "Asset not found", str(exc))
    if not visitor.logged_in:
        detail = public_view(detail)
    declared = project.asset(name)
    specs = {c.display_name: c for c in declared.checks} if declared else {}
    store = get_store(request)
    panels = use_case_panels(store, project, name)
    now = clock.now()
    charts = slo_charts(store, project, name, now)
    return render(
        request,
        "asset.html",
        visitor,
        {
            "detail": detail,
            "asset": detail.state,
            "lineage_picture": lineage_svg(detail.state.asset, detail.lineage),
            "checks": [check_row(name, c, specs.get(c.name)) for c in detail.checks],
            "columns": declared.columns if declared else {},
            "error": error,
            "email": email,
            "may_subscribe": visitor.public or visitor.logged_in,
            "use_case_panels": panels,
            "slo_charts": charts,
            "score": asset_score(store, project, name, now, [c.report for c in charts]),
            "badges": badge_snippets(project, name, [p.use_case for p in panels]),
        },
        status=status,
    )


@router.post("/assets/{name}/subscribe")
async def subscribe_form(request: Request, name: str) -> Response:
    """Subscribe an e-mail address to the asset (policy: see the module doc)."""
    from urllib.parse import quote

    from trustwell.status import UnknownAsset
    from trustwell.status.subscriptions import subscribe
    from trustwell.web.limits import RateLimited, check_subscription
    from trustwell.web.pages.rendering import limited_page

    visitor = visitor_of(request)
    form = await request.form()
    if needs_login(visitor):
        return error_page(request, visitor, 403, "Not allowed", "Log in to subscribe.")
    if not csrf_ok(request, visitor, form):
        return csrf_refused(request, visitor)
    raw = form.get("email")
    email = raw.strip() if isinstance(raw, str) else ""
    if not looks_like_email(email):
        return _asset_page(
            request,
            name,
            error="Enter an e-mail address like name@example.com.",
            status=422,
            email=email,
        )
    project = get_project(request)
    if project.asset(name) is None:
        from trustwell.status import unknown_asset

        known = [a.name for a in project.assets]
        return error_page(request, visitor, 404, "Asset not found", str(unknown_asset(name, known)))
    try:
        check_subscription(request, caller=visitor.name if visitor.logged_in else None, asset=name)
        outcome = subscribe(
            get_store(request), project, name, email, visitor.name, vouched=visitor.logged_in
        )
    except RateLimited as limited:
        return limited_page(request, visitor, limited)
    except UnknownAsset as exc:
        return error_page(request, visitor, 404, "Asset not found", str(exc))
    except ValueError as exc:
        return _asset_page(request, name, error=str(exc), status=422, email=email)
    return redirect_with_flash(request, f"/assets/{quote(name)}", _subscribed(outcome, name))


def _subscribed(outcome: Subscribed, name: str) -> str:
    """What the visitor is told after subscribing, by where the address stands."""
    email = outcome.address.email
    standing = outcome.address.standing
    if standing == "confirmation_sent":
        return (
            f"Almost done: we sent a message to {email}. Follow its link to be told when"
            f" {name} becomes untrustworthy."
        )
    if standing == "confirmation_pending":
        return (
            f"Follow the link in the message we sent to {email} earlier today to be told"
            f" when {name} becomes untrustworthy."
        )
    if not outcome.created:
        return f"{email} was already subscribed to {name}."
    return f"{email} will be told when {name} becomes untrustworthy."
