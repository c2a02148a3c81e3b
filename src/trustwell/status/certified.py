"""Each asset's certification per use case, for the status page: one grouped query.

:func:`certifications` reads the latest stored decision of every (asset, use
case) at once (``certification.service.current`` reads one asset at a time,
which is right for the asset page and too slow for 1,000 rows), and keeps
the use cases each asset names today. A use case never evaluated yet shows
as ``uncertified``, "not evaluated yet".

What the public sees: the rule writes its reasons from check names,
statuses, incident ids and severities, asset names, owners and SLO names,
all of which the public status page shows anyway (an asset's state reason
names its failing checks and the incident on it); it never quotes a check's
message, an incident's internal text or an address. So states, since and
reasons are shown to every visitor of a public page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell.store.certification_tables import certification_decisions as table

if TYPE_CHECKING:
    from trustwell.config.models import Project

#: The certification states, in the order the filter offers them.
CERT_STATES = ("certified", "at_risk", "revoked", "uncertified")
NOT_EVALUATED = "not evaluated yet"


@dataclass(frozen=True)
class UseCaseCert:
    """One use case of an asset: its state, since when and why."""

    use_case: str
    state: str  # certified | at_risk | revoked | uncertified
    since: datetime | None  # None: not evaluated yet
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) or NOT_EVALUATED


def certifications(conn: sa.Connection, project: Project) -> dict[str, list[UseCaseCert]]:
    """Every asset's use cases (as its YAML names them) with their latest decision."""
    newest = sa.select(sa.func.max(table.c.id)).group_by(table.c.asset, table.c.use_case)
    rows = conn.execute(
        sa.select(
            table.c.asset, table.c.use_case, table.c.state, table.c.since, table.c.reasons
        ).where(table.c.id.in_(newest))
    ).all()
    latest = {(r.asset, r.use_case): r for r in rows}
    known = project.settings.use_cases
    out: dict[str, list[UseCaseCert]] = {}
    for asset in project.assets:
        found = []
        for name in asset.use_cases:
            if name not in known:
                continue
            row = latest.get((asset.name, name))
            if row is None:
                found.append(UseCaseCert(name, "uncertified", None, ()))
            else:
                found.append(UseCaseCert(name, row.state, row.since, tuple(row.reasons)))
        if found:
            out[asset.name] = found
    return out
