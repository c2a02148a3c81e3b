"""``/report`` (the stakeholder form) and ``/reports/REF`` (following a report).

On a public status page anyone may report, without logging in; on a private
one it takes a reporter (or higher) session. Either way the form carries a
CSRF token (the session's, or the signed anonymous one of :mod:`.security`).
Sending is rate-limited per visitor and per asset (:mod:`trustwell.web.limits`).
The reference is shown at once; an anonymous reporter's address gets one
confirmation message and hears of status changes only once it is confirmed.
``/reports/REF`` shows the report and its incident's public updates only;
the reference is the reporter's key to it (the contact is never shown).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from trustwell.web.deps import get_project, get_store
from trustwell.web.pages.rendering import csrf_refused, error_page, render
from trustwell.web.pages.security import (
    Visitor,
    csrf_ok,
    login_redirect,
    needs_login,
    visitor_of,
)

router = APIRouter(include_in_schema=False)


def _targets(request: Request) -> list[tuple[str, list[str]]]:
    """The ``<select>`` groups: assets, then dashboards and other consumers."""
    project = get_project(request)
    assets = [a.name for a in project.assets]
    consumers = sorted({c for a in project.assets for c in a.consumers} - set(assets))
    groups = [("Data assets", assets)]
    if consumers:
        groups.append(("Dashboards and consumers", consumers))
    return groups


def _form(
    request: Request,
    visitor: Visitor,
    values: dict[str, str],
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    from trustwell.incidents.reports import DESCRIPTION_LIMIT, URGENCIES

    context: dict[str, Any] = {
        "groups": _targets(request),
        "urgencies": URGENCIES,
        "description_limit": DESCRIPTION_LIMIT,
        "values": values,
        "error": error,
    }
    return render(request, "report.html", visitor, context, status=status)


def _refusal(request: Request, visitor: Visitor) -> Response | None:
    if needs_login(visitor):
        return login_redirect(request)
    if not visitor.may_report:
        role = visitor.principal.role if visitor.principal else "visitor"
        return error_page(
            request,
            visitor,
            403,
            "Not allowed",
            f"Reporting needs the reporter role; you are a {role}.",
        )
    return None


@router.get("/report")
def report_form(request: Request, asset: str = "") -> Response:
    visitor = visitor_of(request)
    refused = _refusal(request, visitor)
    if refused is not None:
        return refused
    return _form(request, visitor, {"asset": asset, "urgency": "normal"})


@router.post("/report")
async def report_submit(request: Request) -> Response:
    from trustwell.incidents.reports import (
        DESCRIPTION_LIMIT,
        URGENCIES,
        resolve_reported_asset,
        submit_report,
    )
    from trustwell.status import UnknownAsset
    from trustwell.web.limits import RateLimited, check_report, client_of
    from trustwell.web.pages.rendering import limited_page
    from trustwell.web.pages.status_pages import looks_like_email

    visitor = visitor_of(request)
    form = await request.form()
    refused = _refusal(request, visitor)
    if refused is not None:
        return (
            refused
            if refused.status_code != 303
            else error_page(request, visitor, 403, "Not allowed", "Log in to report a problem.")
        )
    if not csrf_ok(request, visitor, form):
        return csrf_refused(request, visitor)
    values = {
        k: (v.strip() if isinstance(v, str) else "")
        for k, v in ((k, form.get(k)) for k in ("asset", "description", "urgency", "contact"))
    }
    # Browsers send a line break as CRLF but count it as one character for maxlength.
    values["description"] = values["description"].replace("\r\n", "\n")
    missing = [
        label
        for key, label in (
            ("asset", "which asset or dashboard"),
            ("description", "what looks wrong"),
            ("contact", "your e-mail address"),
        )
        if not values[key]
    ]
    if missing:
        return _form(
            request, visitor, values, error=f"Please tell us {', '.join(missing)}.", status=422
        )
    length = len(values["description"])
    if length > DESCRIPTION_LIMIT:
        error = (
            f"Please keep the description to {DESCRIPTION_LIMIT:,} characters (it has {length:,})."
        )
        return _form(request, visitor, values, error=error, status=422)
    if values["urgency"] not in URGENCIES:
        return _form(request, visitor, values, error="Choose how urgent it is.", status=422)
    if not looks_like_email(values["contact"]):
        # The reporter hears back by e-mail at every status change (as the API requires).
        error = "Enter an e-mail address like name@example.com, to hear back."
        return _form(request, visitor, values, error=error, status=422)
    project, caller = get_project(request), visitor.name if visitor.logged_in else None
    try:
        check_report(request, caller=caller, asset=resolve_reported_asset(project, values["asset"]))
        outcome = submit_report(
            get_store(request),
            project,
            asset=values["asset"],
            description=values["description"],
            urgency=values["urgency"],
            contact=values["contact"],
            actor=caller,  # anonymous: the contact
            vouched=visitor.logged_in,
            client_address=client_of(request),
        )
    except RateLimited as limited:
        return limited_page(request, visitor, limited)
    except UnknownAsset as exc:
        return _form(request, visitor, values, error=str(exc), status=422)
    except ValueError as exc:
        return _form(request, visitor, values, error=str(exc), status=422)
    return render(request, "report_done.html", visitor, {"outcome": outcome})


@router.get("/reports/{reference}")
def report_status(request: Request, reference: str) -> Response:
    from trustwell.incidents.reports import ReportNotFound, get_report

    visitor = visitor_of(request)
    if needs_login(visitor):
        return login_redirect(request)
    try:
        report = get_report(get_store(request), reference)
    except ReportNotFound as exc:
        return error_page(request, visitor, 404, "Report not found", str(exc))
    updates = []
    if report.incident is not None:
        updates = [e for e in reversed(report.incident.timeline) if e.public_text]
    return render(request, "report_status.html", visitor, {"report": report, "updates": updates})
