"""``/confirm`` and ``/unsubscribe``: the signed links of the e-mails.

Both work without logging in, on public and private status pages alike: the
reader of an e-mail has no account. The signed token in the link is what
authorises the change (:mod:`trustwell.notify.links`), so the forms carry no
CSRF token: another site cannot make a valid link for someone else's address,
and a cookie-less mail viewer must still be able to leave.

Following a link only shows a page with a button; the POST changes things.
Mail scanners that open every link therefore neither confirm nor
unsubscribe anyone. ``POST /unsubscribe?token=…`` with the body
``List-Unsubscribe=One-Click`` is the RFC 8058 one-click unsubscribe that mail
programs send from the ``List-Unsubscribe-Post`` header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from starlette.responses import Response

from trustwell import clock
from trustwell.web.deps import get_project, get_store
from trustwell.web.pages.rendering import error_page, render
from trustwell.web.pages.security import visitor_of

if TYPE_CHECKING:
    from trustwell.notify.links import Link, Purpose
    from trustwell.web.pages.security import Visitor

router = APIRouter(include_in_schema=False)


def _link(request: Request, token: str, purpose: Purpose) -> Link | str:
    """The verified link, or the reason it is refused."""
    from trustwell.notify.links import InvalidLink, verify
    from trustwell.store.keys import LINK_KEY, load_service_key

    key = load_service_key(get_store(request), LINK_KEY)
    try:
        return verify(key, token, purpose, clock.now())
    except InvalidLink as exc:
        return str(exc)


def _refused(request: Request, visitor: Visitor, reason: str) -> Response:
    message = f"{reason[:1].upper()}{reason[1:]}. Nothing was changed."
    return error_page(request, visitor, 400, "This link does not work", message)


@router.get("/confirm")
def confirm_page(request: Request, token: str = "") -> Response:
    visitor = visitor_of(request)
    link = _link(request, token, "confirm")
    if isinstance(link, str):
        return _refused(request, visitor, link)
    context = {"email": link.email, "token": token}
    return render(request, "confirm.html", visitor, context)


@router.post("/confirm")
def confirm_submit(request: Request, token: str = "") -> Response:
    from trustwell.status.addresses import confirm_address

    visitor = visitor_of(request)
    link = _link(request, token, "confirm")
    if isinstance(link, str):
        return _refused(request, visitor, link)
    now = clock.now()
    get_store(request).write(lambda conn: confirm_address(conn, link.email, now=now, by="link"))
    message = f"{link.email} is confirmed: it will get the notices it asked for."
    return render(request, "address_done.html", visitor, {"title": "Confirmed", "message": message})


@router.get("/unsubscribe")
def unsubscribe_page(request: Request, token: str = "") -> Response:
    visitor = visitor_of(request)
    link = _link(request, token, "unsubscribe")
    if isinstance(link, str):
        return _refused(request, visitor, link)
    context = {"email": link.email, "token": token, "about": _about(request, link)}
    return render(request, "unsubscribe.html", visitor, context)


@router.post("/unsubscribe")
async def unsubscribe_submit(request: Request, token: str = "") -> Response:
    from trustwell.status.subscriptions import unsubscribe_address

    visitor = visitor_of(request)
    link = _link(request, token, "unsubscribe")
    if isinstance(link, str):
        return _refused(request, visitor, link)
    form = await request.form()
    about = _about(request, link)
    # The one-click body (RFC 8058) means "this list": the assets and reports of the link.
    everything = form.get("scope") == "all" or not about
    project = get_project(request)
    known = [a for a in link.assets if project.asset(a) is not None]  # some may be gone
    done = unsubscribe_address(
        get_store(request),
        project,
        link.email,
        assets=[] if everything else known,
        reports=[] if everything else list(link.reports),
        everything=everything,
        actor=link.email,  # the owner of the address, by its link
        strict=False,
    )
    what = f"from {project.settings.name}" if everything else f"about {about}"
    message = f"{done.email} will get no more e-mails {what}."
    return render(
        request, "address_done.html", visitor, {"title": "Unsubscribed", "message": message}
    )


def _about(request: Request, link: Link) -> str:
    """``Weekly CAC and your report RPT-7KQ2ZD``: what the link's notices were about."""
    from trustwell.notify.notices import asset_label, join_labels

    project = get_project(request)
    labels = []
    for name in link.assets:
        found = project.asset(name)
        if found is not None:
            labels.append(asset_label(name, found.description))
    labels += [f"your report {r}" for r in link.reports]
    return join_labels(labels)
