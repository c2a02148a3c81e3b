"""Which stored results were recorded inside an incident (left out of ``anomaly`` baselines).

A value measured while the data was known bad would teach the band that bad
is normal. One SQL condition, correlated with ``results``, so that the read
of a check's history filters (or flags) them in the same query.
"""

from __future__ import annotations

import sqlalchemy as sa

from trustwell.store.incident_tables import incident_assets, incidents
from trustwell.store.tables import results


def inside_incident() -> sa.ColumnElement[bool]:
    """True for a result recorded while an incident on its asset was open.

    Inside means after the incident's ``occurred_at`` (else ``declared_at``),
    the last moment the data was known good, and before its ``resolved_at``
    (still open: no end). Drills and dismissed incidents (false positives:
    the data was fine) do not count. The asset is any asset of the incident
    (root, upstream or downstream impact).
    """
    start = sa.func.coalesce(incidents.c.occurred_at, incidents.c.declared_at)
    return (
        sa.exists()
        .where(
            incident_assets.c.asset == results.c.asset,
            incidents.c.number == incident_assets.c.incident,
            incidents.c.drill.is_(sa.false()),
            incidents.c.status != "dismissed",
            results.c.executed_at > start,
            sa.or_(
                incidents.c.resolved_at.is_(None), results.c.executed_at < incidents.c.resolved_at
            ),
        )
        .correlate(results)
    )
