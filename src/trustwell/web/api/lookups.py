"""Typed dependencies that find what a path names, or answer 404 themselves.

An endpoint that takes ``AssetDep`` receives the declared :class:`Asset`; one
that takes ``IncidentDep`` receives the incident's id, known to exist. The
caller's principal is declared before them on every endpoint, so an unknown
token is a 401 and a weak one a 403 before anything is looked up: a refused
caller learns nothing about what exists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query

# Imported at run time, not only for mypy: FastAPI resolves the dependencies'
# annotations (``ProjectDep`` names ``Project``) in this module's namespace.
from trustwell.config.models import Asset, Project  # noqa: F401
from trustwell.store import Store
from trustwell.web.deps import ProjectDep, StoreDep
from trustwell.web.errors import ApiError

MAX_LIMIT = 1000
DEFAULT_LIMIT = 500

AssetName = Annotated[str, Path(min_length=1, max_length=400, description="the asset's name")]
IncidentId = Annotated[str, Path(min_length=1, max_length=40, description="INC-7 (or 7)")]
_MAX_ID = 2**31 - 1  # larger numbers name nothing (and overflow SQLite's integers)


def known_asset(name: AssetName, project: ProjectDep) -> Asset:
    """The declared asset called ``name``; 404 with a "did you mean" otherwise."""
    for asset in project.assets:
        if asset.name == name:
            return asset
    from trustwell.config.errors import did_you_mean

    known = [a.name for a in project.assets]
    raise ApiError(404, "not_found", f"unknown asset '{name}'{did_you_mean(name, known)}")


def incident_number(ident: str) -> int:
    """The number of ``INC-<n>`` (or ``<n>``); IncidentNotFound (a 404) when it names none.

    Pages and the API both check the range here: a number past ``_MAX_ID``
    would overflow the database's integers (a 500) instead of finding nothing.
    """
    from trustwell.incidents.records import IncidentNotFound, incident_id, parse_incident_id

    number = parse_incident_id(ident)  # not an id: IncidentNotFound
    if number > _MAX_ID:
        raise IncidentNotFound(f"no incident {incident_id(number)}")
    return number


def known_incident(id: IncidentId, store: StoreDep) -> str:
    """``INC-<n>`` of an incident that exists; 404 otherwise."""
    import sqlalchemy as sa

    from trustwell.incidents.records import incident_id
    from trustwell.store.incident_tables import incidents

    number = incident_number(id)
    query = sa.select(incidents.c.number).where(incidents.c.number == number)
    if store.read(lambda conn: conn.execute(query).first()) is None:
        raise ApiError(404, "not_found", f"no incident {incident_id(number)}")
    return incident_id(number)


AssetDep = Annotated["Asset", Depends(known_asset)]
IncidentDep = Annotated[str, Depends(known_incident)]


class Page:
    """``?limit=&offset=`` of a listing; the total goes in ``X-Total-Count``."""

    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> None:
        self.limit, self.offset = limit, offset

    def slice(self, items: list[Any]) -> list[Any]:
        return items[self.offset : self.offset + self.limit]


PageDep = Annotated[Page, Depends()]


def audit(store: Store, actor: str, action: str, target: str | None, data: Any = None) -> None:
    """One row of the audit trail, for writes that have no incident timeline of their own."""
    from trustwell import clock
    from trustwell.store.web_tables import audit_log

    values = {"at": clock.now(), "actor": actor, "action": action, "target": target, "data": data}
    store.write(lambda conn: conn.execute(audit_log.insert().values(**values)))
