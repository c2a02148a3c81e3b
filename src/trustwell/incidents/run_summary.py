"""The incidents of one run as ``trustwell run`` prints them, read back from the store.

The run's JSON keeps the documented ``{id, action, severity}``; a person also
wants who leads each incident and which of this run's checks are behind it
(``INC-3 opened, SEV-1, commander alice: freshness:loaded_at on raw.ad_spend``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell.incidents.records import get_row, parse_incident_id
from trustwell.store.incident_tables import incident_fingerprints

if TYPE_CHECKING:
    from trustwell.checks.result import RunReport


def incident_summaries(conn: sa.Connection, report: RunReport) -> list[dict[str, Any]]:
    """Each of ``report.incidents`` with its ``commander`` and ``checks``.

    ``checks`` (``{"asset", "check"}``, in the run's order) are the incident's
    checks that failed in this run, or, for one that moved to monitoring, the
    checks that pass again.
    """
    summaries = []
    for entry in report.incidents:
        number = parse_incident_id(entry["id"])
        prints = conn.execute(
            sa.select(incident_fingerprints.c.asset, incident_fingerprints.c.check_name).where(
                incident_fingerprints.c.incident == number
            )
        ).all()
        mine = {(p.asset, p.check_name) for p in prints}
        wanted = ("pass", "warn") if entry["action"] == "monitoring" else ("fail",)
        checks = [
            {"asset": r.asset, "check": r.check}
            for r in report.results
            if (r.asset, r.check) in mine and r.status in wanted
        ]
        summaries.append({**entry, "commander": get_row(conn, number).commander, "checks": checks})
    return summaries
