"""Storing OpenLineage events: each once, lineage first, then its results and signals.

:func:`ingest_events` takes parsed events (:mod:`.parse`) and, per event, in
one transaction claims its idempotency key in ``lineage_events`` and writes
its run, datasets and edges (``seen`` is the event's time, so events that
arrive out of order leave the rows events in order would); then its results
go through :func:`~trustwell.integrations.external.record_external` (a run of
trigger ``import:openlineage``; a failed assertion opens or joins an incident,
detection source ``external``). An event whose key is already stored is a
duplicate and changes nothing. Results are checked for every event before
anything is written, so a refused batch stores nothing.

>>> summary = ingest_documents(project, store, [event], actor="airflow")
>>> summary.stored, summary.duplicates
(1, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from trustwell import clock
from trustwell.errors import Invalid
from trustwell.integrations.openlineage_in.parse import InvalidEvent, ParsedEvent, parse_event
from trustwell.lineage.naming import AssetIndex

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.config.models import Project
    from trustwell.store import Store

__all__ = ["IngestSummary", "ingest_documents", "ingest_events", "parse_documents"]


@dataclass
class IngestSummary:
    """What an ingest did: the answer of the API and of ``trustwell lineage ingest``."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    results: int = 0
    unmapped: int = 0  # assertions and metrics of datasets that are no asset
    incidents: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON answer."""
        return {
            "received": self.received,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "results": self.results,
            "unmapped_results": self.unmapped,
            "incidents": self.incidents,
        }


def parse_documents(
    project: Project,
    documents: Sequence[Any],
    *,
    where: Sequence[str] | None = None,
    index: AssetIndex | None = None,
) -> list[ParsedEvent]:
    """Parse and check every document before anything is stored (:class:`InvalidEvent`).

    ``where`` labels each document in errors (default ``[i].`` for a batch of
    several, nothing for one); ``index`` maps datasets to assets (built from the
    project when not given: a caller parsing line by line builds it once).
    """
    from trustwell.integrations.external import check_results

    index = index or AssetIndex.from_assets(project.assets)
    if where is None:
        where = [""] if len(documents) == 1 else [f"[{i}]." for i in range(len(documents))]
    parsed = []
    for label, document in zip(where, documents, strict=True):
        event = parse_event(document, index, where=label)
        if event.results and not event.own:
            try:
                check_results(project, "openlineage", event.results)
            except Invalid as exc:
                raise InvalidEvent(f"{label}{exc}") from None
        parsed.append(event)
    return parsed


def ingest_documents(
    project: Project,
    store: Store,
    documents: Sequence[Any],
    *,
    actor: str | None = None,
    deliver: bool = True,
) -> IngestSummary:
    """:func:`parse_documents` then :func:`ingest_events`: all of them, or none if one is bad."""
    events = parse_documents(project, documents)
    return ingest_events(project, store, events, actor=actor, deliver=deliver)


def ingest_events(
    project: Project,
    store: Store,
    events: Sequence[ParsedEvent],
    *,
    actor: str | None = None,
    deliver: bool = True,
) -> IngestSummary:
    """Store each event once (see the module); returns what was stored.

    ``deliver=False`` leaves the notices of opened incidents queued in the outbox.
    """
    from trustwell.integrations.external import record_external

    summary = IngestSummary(received=len(events))
    for event in events:
        if not store.write(partial(_claim_and_record, event=event)):
            summary.duplicates += 1
            continue
        summary.stored += 1
        if event.own:  # trustwell's own events: their results are stored already
            continue
        summary.unmapped += event.unmapped
        if not event.results:
            continue
        try:
            report = record_external(
                project, store, "openlineage", event.results, actor=actor, deliver=deliver
            )
        except BaseException:
            # Unclaim, so that the client's retry stores the results after all.
            store.write(partial(_unclaim, event=event))
            raise
        summary.results += len(event.results)
        summary.incidents.extend(report.incidents)
    if summary.stored:  # the lineage changed: an asset may gain or lose "lineage: known"
        from trustwell.certification.service import reevaluate

        reevaluate(store, project)  # logs, never fails the ingest
    return summary


def _claim_and_record(conn: sa.Connection, event: ParsedEvent) -> bool:
    """Claim the event's key and write its lineage; False (nothing written) if already claimed."""
    from sqlalchemy.dialects import postgresql, sqlite

    from trustwell.lineage.records import record_datasets, record_edges, record_run
    from trustwell.store.lineage_tables import lineage_events

    insert: Any = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    claimed = conn.execute(
        insert(lineage_events)
        .values(key=event.key, kind=event.kind, event_time=event.event_time,
                received_at=clock.now())
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(lineage_events.c.key)  # rowcount is not to be trusted for DO NOTHING
    ).first()  # fmt: skip
    if claimed is None:
        return False
    seen = event.event_time
    if event.edges:
        record_edges(conn, event.edges, "openlineage", run=event.run, seen=seen)
    elif event.run is not None:
        record_run(conn, event.run, "openlineage", seen=seen)
    if event.datasets:
        record_datasets(conn, event.datasets, seen=seen)
    return True


def _unclaim(conn: sa.Connection, event: ParsedEvent) -> None:
    from trustwell.store.lineage_tables import lineage_events

    conn.execute(lineage_events.delete().where(lineage_events.c.key == event.key))
