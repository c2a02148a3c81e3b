"""Stakeholder reports: "this looks wrong" from anyone, answered at once.

A report on an asset (or a dashboard declared as a consumer) links to an open
incident on it or upstream of it, or opens a new incident with detection source
``report``. The reporter gets a reference (``RPT-7KQ2ZD``) and is told every
status change until resolution (see :func:`reporters_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from trustwell.incidents.model import IncidentSnapshot, TimelineEntry

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.config.models import Project
    from trustwell.store import Store

URGENCIES = ("low", "normal", "high")


class ReportNotFound(LookupError):
    """No report has this reference (HTTP 404)."""


@dataclass(frozen=True)
class ReportOutcome:
    """The answer a reporter gets at once."""

    reference: str  # "RPT-7KQ2ZD"
    incident: IncidentSnapshot | None
    linked: bool  # True: joined an open incident; False: opened a new one
    message: str


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
) -> ReportOutcome:
    """Store a report and link it to an open incident or open one; see the module doc."""
    raise NotImplementedError


def get_report(store: Store, reference: str) -> ReportView:
    """The report and its incident's status history; raises :class:`ReportNotFound`."""
    raise NotImplementedError


def reporters_of(conn: sa.Connection, incident_number: int) -> list[str]:
    """Contacts of the reports on an incident, in order, without repeats."""
    raise NotImplementedError
