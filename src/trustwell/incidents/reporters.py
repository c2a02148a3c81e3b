"""Who hears of a stakeholder report: its reporter, until they say stop. Never commits.

:func:`reports_by_reporter` feeds the notify layer; :func:`stop_report_notices`
is the "unsubscribe from this report" of the link, the API and the CLI.
Whether the reporter's address may be written to at all is decided by
:mod:`trustwell.status.addresses`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from trustwell.incidents.records import ReportNotFound
from trustwell.store.incident_tables import reports
from trustwell.store.web_tables import audit_log


def reporters_of(conn: sa.Connection, incident_number: int) -> list[str]:
    """Email contacts of the reports on an incident, oldest first, without repeats.

    Reports whose reporter unsubscribed are left out, and contacts that are
    not email addresses. Never commits.
    """
    return list(reports_by_reporter(conn, incident_number))


def reports_by_reporter(conn: sa.Connection, incident_number: int) -> dict[str, list[str]]:
    """Reporter address → references of their reports on the incident, oldest first.

    For the notify layer (``extra["reports"]`` of ``plan_messages``): every
    reporter hears of each status change until resolution, and each notice's
    unsubscribe link names the reports it is about. Reports whose reporter
    unsubscribed are left out. Never commits.
    """
    from trustwell.status.addresses import normalize_email

    rows = conn.execute(
        sa.select(reports.c.contact, reports.c.reference)
        .where(reports.c.incident == incident_number, reports.c.unsubscribed_at.is_(None))
        .order_by(reports.c.created_at, reports.c.reference)
    ).all()
    found: dict[str, list[str]] = {}
    for contact, reference in rows:
        try:
            found.setdefault(normalize_email(contact), []).append(reference)
        except ValueError:
            continue
    return found


def stop_report_notices(
    conn: sa.Connection,
    email: str,
    references: Sequence[str],
    *,
    now: datetime,
    actor: str,
    missing_ok: bool = False,
) -> list[str]:
    """Tell ``email`` nothing more about these reports of theirs; the references changed.

    Raises :class:`ReportNotFound` for a reference that is unknown or not a
    report of ``email`` (the same answer, so it tells nobody whose report it
    is), unless ``missing_ok``. Never commits.
    """
    from trustwell.status.addresses import normalize_email

    changed: list[str] = []
    for given in dict.fromkeys(r.strip().upper() for r in references):
        row = conn.execute(sa.select(reports).where(reports.c.reference == given)).first()
        try:
            own = row is not None and normalize_email(row.contact) == email
        except ValueError:
            own = False
        if (row is None or not own) and missing_ok:
            continue
        if row is None or not own:
            raise ReportNotFound(f"{email} sent no report {given!r}")
        if row.unsubscribed_at is None:
            conn.execute(
                reports.update().where(reports.c.reference == given).values(unsubscribed_at=now)
            )
            conn.execute(
                audit_log.insert().values(
                    at=now,
                    actor=actor,
                    action="report.unsubscribed",
                    target=given,
                    data={"email": email},
                )
            )
            changed.append(given)
    return changed
