"""Whether a recorded run has anything to tell the incident machinery.

:func:`trustwell.incidents.signals.handle_run` opens, joins or calms
incidents. A run in which no check failed and no check with an open incident
ran does none of that, and most runs are such runs: :func:`needs_incidents`
says so from the results and one small query, so that ``trustwell run`` of a
healthy project neither imports the incident service (and the notification,
on-call and lineage modules behind it) nor reads the lineage graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell.incidents.model import fingerprint
from trustwell.store.incident_tables import incident_fingerprints

if TYPE_CHECKING:
    from trustwell.checks.result import RunReport
    from trustwell.store import Store


def needs_incidents(store: Store, report: RunReport) -> bool:
    """True when :func:`~trustwell.incidents.signals.handle_run` may change something.

    That is: a check failed (it may open or join an incident), or a check that
    ran has an open incident (it may calm it). Warnings and errors never open
    an incident; a passing check calms only an incident holding its fingerprint.
    """
    if any(result.status == "fail" for result in report.results):
        return True
    ran = {fingerprint(result.asset, result.check) for result in report.results}
    if not ran:
        return False
    query = sa.select(incident_fingerprints.c.open_key).where(
        incident_fingerprints.c.open_key.is_not(None)
    )
    open_keys = set(store.read(lambda conn: conn.execute(query).scalars().all()))
    return not ran.isdisjoint(open_keys)
