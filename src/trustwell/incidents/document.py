"""The incident document: one versioned model for the CLI, the API and webhooks.

``trustwell incident show --format json``, ``GET /api/v1/incidents/{id}`` and
the ``incident`` of every webhook body are this one document, built by
:func:`incident_document` from an :class:`~trustwell.incidents.model.IncidentSnapshot`.
Its JSON Schema is published by ``trustwell schema --incident`` (SPEC section 3).

Versioning, as dbt does for its artifacts: ``schema_version`` is in every
document and in the schema's ``$id``. Adding an optional field keeps the
version; renaming, removing or retyping a field raises it.

Pure: Pydantic and the incident model only.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from trustwell.clock import isoformat
from trustwell.incidents.model import IncidentSnapshot, Status

#: Raised when a field is renamed, removed or changes type (never for a new optional one).
SCHEMA_VERSION: Literal[1] = 1
SCHEMA_ID = f"urn:trustwell:schema:incident:{SCHEMA_VERSION}"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Times are UTC, to the second, with a Z (trustwell.clock.isoformat), as in every output.
Timestamp = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
        json_schema_extra={"format": "date-time"},
    ),
]


class _Part(BaseModel):
    # Every field is in every document (null when unknown), so the schema requires them all.
    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_serialization_defaults_required=True
    )


class AffectedAssetDocument(_Part):
    """An affected asset and how it is affected."""

    asset: str
    impact: Literal["root", "upstream", "downstream"]


class TimelineEntryDocument(_Part):
    """One entry of the timeline (the incident's audit trail), oldest first."""

    at: Timestamp
    actor: str = Field(description="who acted: a person, a token's name or trustwell")
    kind: str = Field(description="declared, joined, still_failing, ack, status, update, …")
    text: str
    public_text: str | None = Field(description="what stakeholders read, if anything")
    data: dict[str, Any] | None = Field(description="the entry's facts, by kind")


class IncidentDocument(_Part):
    """An incident as the CLI, the API and webhooks describe it (SPEC section 3)."""

    model_config = ConfigDict(title="trustwell incident")

    schema_version: Literal[1] = Field(
        SCHEMA_VERSION, description="the version of this document's schema"
    )
    id: str = Field(pattern=r"^INC-[0-9]+$", examples=["INC-7"])
    title: str
    severity: Literal["SEV-1", "SEV-2", "SEV-3"]
    status: Status
    detection_source: Literal["check", "anomaly", "report", "manual", "external"]
    root_asset: str
    assets: list[AffectedAssetDocument]
    fingerprints: list[str]
    commander: str | None
    smes: list[str]
    runbook: str | None
    occurred_at: Timestamp | None = Field(description="when the data went bad")
    declared_at: Timestamp
    acknowledged_at: Timestamp | None
    resolved_at: Timestamp | None
    closed_at: Timestamp | None
    dismissed_at: Timestamp | None
    drill: bool
    cause: str | None = Field(description="the root-cause category, once resolved")
    summary: str | None
    next_update_at: Timestamp | None = Field(description="when stakeholders hear next")
    latest_public_update: str | None
    eta: str | None = Field(description="the ETA of the latest update that gave one")
    timeline: list[TimelineEntryDocument]


def incident_document(incident: IncidentSnapshot) -> IncidentDocument:
    """The document of one incident."""

    def when(value: Any) -> str | None:
        return isoformat(value) if value else None

    latest = incident.latest_public_update
    return IncidentDocument(
        id=incident.id,
        title=incident.title,
        severity=incident.severity,  # validated: one of the three
        status=Status(incident.status),
        detection_source=incident.detection_source,
        root_asset=incident.root_asset,
        assets=[AffectedAssetDocument(asset=a.asset, impact=a.impact) for a in incident.assets],
        fingerprints=list(incident.fingerprints),
        commander=incident.commander,
        smes=list(incident.smes),
        runbook=incident.runbook,
        occurred_at=when(incident.occurred_at),
        declared_at=isoformat(incident.declared_at),
        acknowledged_at=when(incident.acknowledged_at),
        resolved_at=when(incident.resolved_at),
        closed_at=when(incident.closed_at),
        dismissed_at=when(incident.dismissed_at),
        drill=incident.drill,
        cause=incident.cause,
        summary=incident.summary,
        next_update_at=when(incident.next_update_at),
        latest_public_update=latest.public_text if latest else None,
        eta=latest_eta(incident),
        timeline=[
            TimelineEntryDocument(
                at=isoformat(e.at),
                actor=e.actor,
                kind=e.kind,
                text=e.text,
                public_text=e.public_text,
                data=dict(e.data) if e.data else None,
            )
            for e in incident.timeline
        ],
    )


def incident_json(incident: IncidentSnapshot) -> dict[str, Any]:
    """The document as JSON-ready data: what every interface prints, serves or sends."""
    return incident_document(incident).model_dump(mode="json")


def latest_eta(incident: IncidentSnapshot) -> str | None:
    """The ETA of the latest status update that gave one."""
    for entry in reversed(incident.timeline):
        if entry.kind == "update" and entry.data and entry.data.get("eta"):
            return str(entry.data["eta"])
    return None


def incident_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the document (``trustwell schema --incident``)."""
    body = IncidentDocument.model_json_schema(mode="serialization")
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **body}
