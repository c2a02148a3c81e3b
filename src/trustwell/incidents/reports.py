"""Stakeholder reports: "this looks wrong" from anyone, answered at once.

A report on an asset (or a dashboard declared as a consumer) links to an open
incident on it or upstream of it, or opens a new incident with detection source
``report``. The reporter gets a reference (``RPT-7KQ2ZD``) at once and is told
every status change until resolution (see :mod:`.reporters`) once
the contact address is trusted: given by a signed-in person, or confirmed by
its owner through the one confirmation message an anonymous report causes.

A report's text never becomes public by itself: the incident it opens is
titled "Reported problem with Weekly CAC" (the asset's plain-language name),
and the text stays on the internal timeline and the report's own page.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell import clock
from trustwell.clock import clock_time
from trustwell.incidents.context import IncidentContext
from trustwell.incidents.model import IncidentSnapshot, TimelineEntry
from trustwell.incidents.records import (
    SYSTEM_ACTOR,
    add_asset,
    add_timeline,
    lock_incident_grouping,
    open_incident_on,
    snapshot,
)

# ReportNotFound is defined in records (beside IncidentNotFound) so that reporters need
# not import this module, which imports the service, which imports reporters: no import
# cycle. Callers keep importing it from here.
from trustwell.incidents.records import ReportNotFound as ReportNotFound
from trustwell.status.addresses import AddressStanding, record_address
from trustwell.store.incident_tables import participants, reports

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

URGENCIES = ("low", "normal", "high")
REFERENCE_PREFIX = "RPT-"
#: The longest description, in the form and in the API alike.
DESCRIPTION_LIMIT = 10_000
#: Timeline entries a reporter may follow: how the status moved, and public updates.
_STATUS_KINDS = frozenset({"declared", "status"})


@dataclass(frozen=True)
class ReportOutcome:
    """The answer a reporter gets at once."""

    reference: str  # "RPT-7KQ2ZD"
    incident: IncidentSnapshot | None
    linked: bool  # True: joined an open incident; False: opened a new one
    message: str
    contact: AddressStanding  # whether the reporter will hear back by e-mail


@dataclass(frozen=True)
class ReportView:
    """What ``/reports/REF`` shows (never the contact address)."""

    reference: str
    asset: str
    description: str
    urgency: str
    created_at: datetime
    outcome: str  # opened | linked
    incident: IncidentSnapshot | None
    status_history: list[TimelineEntry]


def submit_report(
    store: Store,
    project: Project,
    *,
    asset: str,
    description: str,
    urgency: str,
    contact: str,
    occurred_at: datetime | None = None,
    actor: str | None = None,
    vouched: bool = False,
    client_address: str | None = None,
) -> ReportOutcome:
    """Store a report, then link it to an open incident or open a new one.

    ``asset`` is an asset name or a consumer (``dashboard.weekly_business_review``)
    declared by an asset, which stands for that asset. If the asset or anything
    upstream of it has an open incident (not a drill), the report joins it:
    a ``report`` timeline entry, the reporter as participant. Otherwise a new
    incident opens with detection source ``report`` (its Commander notified,
    an action item "Add a check that would have caught this" created).
    ``actor`` (who submits, default the contact) is recorded on the timeline.

    ``vouched``: ``actor`` is signed in (a page session, an API token) and the
    contact is trusted at once. Otherwise (the default, fail closed) the
    contact gets one confirmation message and no notice until it is confirmed,
    and is never made Commander. ``client_address`` is kept for abuse handling.

    Raises :class:`~trustwell.status.UnknownAsset` (a ValueError with the
    nearest name) or ValueError for a bad urgency, an empty or too long text.

    >>> submit_report(store, project, asset="marts.weekly_cac", description="CAC doubled",
    ...               urgency="high", contact="cfo@acme.test").message
    'Already known: INC-7 (investigating). Next update by 11:00.'
    """
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}, got {urgency!r}")
    text, who = description.strip(), contact.strip()
    if not text:
        raise ValueError("description is empty: say what looks wrong")
    if len(text) > DESCRIPTION_LIMIT:
        raise ValueError(
            f"description is {len(text):,} characters long;"
            f" keep it to {DESCRIPTION_LIMIT:,} characters"
        )
    if not who:
        raise ValueError("contact is empty: give an email address to hear back")
    from trustwell.notify.notices import asset_label

    ctx = IncidentContext(project, store)
    root = resolve_reported_asset(project, asset)
    suspects = [root, *ctx.graph.ancestors(root)]
    found = project.asset(root)
    label = asset_label(root, found.description if found else None)
    now = clock.now()
    by = actor or who

    def work(conn: sa.Connection) -> ReportOutcome:
        lock_incident_grouping(conn)  # two reports at once must not open two incidents
        reference = _new_reference(conn)
        # Before the incident's notices are planned: a vouched contact hears of it.
        standing = _contact_standing(
            conn,
            project,
            who,
            vouched_by=by if vouched else None,
            now=now,
            label=label,
            reference=reference,
        )
        number = open_incident_on(conn, suspects)
        linked = number is not None
        entry = f"Report {reference} ({urgency}) on {asset}: {text}"
        if number is None:
            from trustwell.incidents.service import open_incident

            number = open_incident(
                conn,
                ctx,
                root=root,
                title=f"Reported problem with {label}",  # never the reporter's words
                now=now,
                actor=by,
                source="report",
                occurred_at=occurred_at,
                # A stranger is never the Commander fallback of SPEC 3.
                reporter=who if vouched else None,
            )
            if not vouched:
                _add_reporter(conn, number, who, now)
        else:
            add_asset(conn, number, root, "downstream", now)
            _add_reporter(conn, number, who, now)
        add_timeline(
            conn,
            number,
            at=now,
            actor=by,
            kind="report",
            text=entry,
            data={"reference": reference, "urgency": urgency, "asset": asset, "contact": who},
        )
        conn.execute(
            reports.insert().values(
                reference=reference,
                asset=root,
                description=text,
                urgency=urgency,
                contact=who,
                occurred_at=occurred_at,
                created_at=now,
                incident=number,
                outcome="linked" if linked else "opened",
                client_address=client_address,
            )
        )
        incident = snapshot(conn, number)
        message = _linked_message(incident, now, ctx.timezone) if linked else _opened(incident)
        return ReportOutcome(reference, incident, linked, message, standing)

    return store.write(work)


def resolve_reported_asset(project: Project, name: str) -> str:
    """The asset a report is about: the asset itself, or the asset declaring a consumer.

    >>> resolve_reported_asset(project, "dashboard.weekly_business_review")
    'marts.weekly_cac'
    """
    from trustwell.status import unknown_asset

    wanted = name.strip()
    if project.asset(wanted) is not None:
        return wanted
    for asset in project.assets:
        if wanted in asset.consumers:
            return asset.name
    known = [a.name for a in project.assets] + [c for a in project.assets for c in a.consumers]
    raise unknown_asset(wanted, known)


def get_report(store: Store, reference: str) -> ReportView:
    """The report and its incident's status history; raises :class:`ReportNotFound`.

    ``status_history`` holds the incident's ``declared`` and ``status`` entries
    and every entry with a public text; pages show ``public_text`` and
    ``data["to"]``, never the internal ``text``.
    """
    wanted = reference.strip().upper()

    def work(conn: sa.Connection) -> ReportView:
        row = conn.execute(sa.select(reports).where(reports.c.reference == wanted)).first()
        if row is None:
            raise ReportNotFound(f"no report {reference.strip()!r}")
        incident = snapshot(conn, row.incident) if row.incident is not None else None
        history = [
            e
            for e in (incident.timeline if incident else ())
            if e.kind in _STATUS_KINDS or e.public_text
        ]
        return ReportView(
            reference=row.reference,
            asset=row.asset,
            description=row.description,
            urgency=row.urgency,
            created_at=row.created_at,
            outcome=row.outcome,
            incident=incident,
            status_history=history,
        )

    return store.read(work)


# --- helpers: take a connection, never commit -------------------------------------


def _contact_standing(
    conn: sa.Connection,
    project: Project,
    contact: str,
    *,
    vouched_by: str | None,
    now: datetime,
    label: str,
    reference: str,
) -> AddressStanding:
    from trustwell.status.addresses import normalize_email

    try:
        address = normalize_email(contact)
    except ValueError:  # a name, not an address (possible from Python): nobody to write to
        return AddressStanding(contact, "not_an_address")
    return record_address(
        conn,
        project,
        address,
        vouched_by=vouched_by,
        now=now,
        about=f"your report on {label}",
        reference=reference,
    )


def _new_reference(conn: sa.Connection) -> str:
    """``RPT-`` and six base32 characters, not used before."""
    while True:
        code = base64.b32encode(secrets.token_bytes(5)).decode()[:6]
        reference = REFERENCE_PREFIX + code
        taken = conn.execute(
            sa.select(reports.c.reference).where(reports.c.reference == reference)
        ).first()
        if taken is None:
            return reference


def _add_reporter(conn: sa.Connection, number: int, person: str, now: datetime) -> None:
    from trustwell.incidents.records import set_role

    known = conn.execute(
        sa.select(participants.c.id).where(
            participants.c.incident == number,
            participants.c.person == person,
            participants.c.role == "reporter",
        )
    ).first()
    if known is None:
        set_role(conn, number, person, "reporter", now, SYSTEM_ACTOR)


def _linked_message(incident: IncidentSnapshot, now: datetime, timezone: str) -> str:
    message = f"Already known: {incident.id} ({incident.status})."
    if incident.next_update_at is not None:
        message += f" Next update by {clock_time(incident.next_update_at, now, timezone)}."
    latest = incident.latest_public_update
    if latest is not None and latest.public_text:
        message += f" Latest update: {latest.public_text}"
    return message


def _opened(incident: IncidentSnapshot) -> str:
    who = f"the on-call engineer ({incident.commander})" if incident.commander else "the data team"
    return f"Thank you: {incident.id} is open and {who} has been notified."
