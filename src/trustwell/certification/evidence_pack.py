"""Evidence packs (SPEC 5): everything an auditor needs to check one asset's certificates.

:func:`build_pack` reads, for one asset and a window ending now, the
policies of its use cases, every certification decision in force in the
window, its checks with their results, its SLOs, its lineage and the
incidents on it or upstream (with post-mortems and action items), and
returns the ``evidence.json`` document. It reads through the services that
own the data (certification, store history, SLO, lineage, incidents) and
shapes it with the pure :mod:`trustwell.certification.pack_json`.
:func:`schema` is the published JSON Schema of the document
(``evidence_pack.schema.json`` next to this module).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from trustwell import __version__
from trustwell.certification import pack_json
from trustwell.certification.pack_json import PACK_VERSION, StoredPostmortem, Window
from trustwell.certification.service import in_force
from trustwell.clock import isoformat
from trustwell.clock import now as clock_now
from trustwell.errors import NotFound
from trustwell.incidents.actions import list_actions
from trustwell.incidents.model import IncidentSnapshot
from trustwell.incidents.records import parse_incident_id, snapshot
from trustwell.lineage.service import project_graph
from trustwell.store.incident_tables import incident_assets, incidents, postmortems
from trustwell.store.service import results_between

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.store import Store

SCHEMA_FILE = "evidence_pack.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema every ``evidence.json`` of :data:`PACK_VERSION` validates against."""
    text = resources.files("trustwell.certification").joinpath(SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def build_pack(
    store: Store, project: Project, asset: str, span: timedelta, now: datetime | None = None
) -> dict[str, Any]:
    """The evidence pack of ``asset`` over the ``span`` ending at ``now`` (the clock's)."""
    found = project.asset(asset)
    if found is None:
        raise NotFound(f"no asset {asset!r} in the project")
    end = now or clock_now()
    window = Window(start=end - span, end=end)
    graph = project_graph(store, project)
    upstream = graph.ancestors(asset)
    return {
        "pack_version": PACK_VERSION,
        "generated_at": isoformat(end),
        "generator": f"trustwell {__version__}",
        "asset": asset,
        "owner": found.owner,
        "description": found.description,
        "window": window.to_json(),
        "policies": _policies(project, found),
        "decisions": [
            pack_json.decision_json(d, window)
            for d in in_force(store, asset, window.start, window.end)
        ],
        "checks": _checks(store, found, window),
        "slos": _slos(store, project, found, end),
        "lineage": {"upstream": upstream, "downstream": graph.descendants(asset)},
        "incidents": _incidents(store, asset, upstream, window),
    }


def _policies(project: Project, asset: Asset) -> dict[str, dict[str, Any]]:
    """The policy of every use case the asset names (an unknown name is left out)."""
    out: dict[str, dict[str, Any]] = {}
    for name in asset.use_cases:
        use_case = project.settings.use_cases.get(name)
        if use_case is not None:
            written = use_case.model_dump(mode="json")
            out[name] = pack_json.policy_json(use_case.policy(name), written)
    return out


def _checks(store: Store, asset: Asset, window: Window) -> list[dict[str, Any]]:
    found = results_between(store, asset.name, window.start, window.end)
    return [
        pack_json.check_json(
            check.display_name,
            str(check.type),
            check.model_dump(mode="json", exclude_none=True),  # as stored with each run
            found,
        )
        for check in asset.checks
    ]


def _slos(store: Store, project: Project, asset: Asset, end: datetime) -> list[dict[str, Any]]:
    if not asset.slos:
        return []
    from trustwell.slo.service import asset_slos

    return [pack_json.slo_json(r, end) for r in asset_slos(store, project, asset.name, end)]


def _incidents(
    store: Store, asset: str, upstream: list[str], window: Window
) -> list[dict[str, Any]]:
    """Incidents (not drills) touching the asset or its upstream at some moment in the window."""
    names = [asset, *upstream]

    def work(conn: sa.Connection) -> list[tuple[IncidentSnapshot, StoredPostmortem | None]]:
        touching = sa.select(incident_assets.c.incident).where(incident_assets.c.asset.in_(names))
        numbers = conn.execute(
            sa.select(incidents.c.number)
            .where(
                incidents.c.number.in_(touching),
                incidents.c.drill.is_(False),
                # began (data went bad, or declared) by the end; overlaps() decides the rest
                sa.or_(
                    incidents.c.declared_at <= window.end, incidents.c.occurred_at <= window.end
                ),
            )
            .order_by(incidents.c.number)
        ).scalars()
        found = [snapshot(conn, int(n)) for n in numbers]
        return [(i, _postmortem(conn, i.id)) for i in found if pack_json.overlaps(i, window)]

    out = []
    for incident, postmortem in store.read(work):
        actions = list_actions(store, incident=parse_incident_id(incident.id))
        out.append(pack_json.incident_json(incident, asset, postmortem, actions))
    return out


def _postmortem(conn: sa.Connection, ident: str) -> StoredPostmortem | None:
    row = conn.execute(
        sa.select(postmortems).where(postmortems.c.incident == parse_incident_id(ident))
    ).first()
    if row is None:
        return None
    return StoredPostmortem(
        status=row.status,
        body=row.body,
        path=row.path,
        completed_at=row.completed_at,
        completed_by=row.completed_by,
    )
