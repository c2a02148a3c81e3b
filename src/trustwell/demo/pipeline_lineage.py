"""The demo's lineage, reported as an orchestrator reports it: OpenLineage events.

The nightly job that rebuilds ``marts.weekly_cac`` reads ``raw.ad_spend`` and
``raw.new_customers``; it says so in a START and a COMPLETE RunEvent, which
trustwell ingests as it would from ``POST /api/v1/lineage``. No ``upstream:``
is declared in the demo's YAML: grouping, severity, notices and the status page
read the edges these events leave (origin ``openlineage``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustwell.clock import isoformat

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

JOB = "nightly.build_weekly_cac"
NAMESPACE = "acme-orchestrator"
PRODUCER = "https://example.com/acme-orchestrator/v1"  # not trustwell: its events count
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
WAREHOUSE = "duckdb://trustwell-demo"
INPUTS = ("raw.ad_spend", "raw.new_customers")
OUTPUT = "marts.weekly_cac"


def pipeline_events(started: datetime, finished: datetime) -> list[dict[str, Any]]:
    """START and COMPLETE of one nightly rebuild, as the orchestrator sends them."""
    run_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}/{JOB}/{isoformat(started)}"))

    def event(kind: str, moment: datetime) -> dict[str, Any]:
        return {
            "eventType": kind,
            "eventTime": isoformat(moment),
            "run": {"runId": run_id},
            "job": {"namespace": NAMESPACE, "name": JOB},
            "inputs": [{"namespace": WAREHOUSE, "name": name} for name in INPUTS],
            "outputs": [{"namespace": WAREHOUSE, "name": OUTPUT}],
            "producer": PRODUCER,
            "schemaURL": SCHEMA_URL,
        }

    return [event("START", started), event("COMPLETE", finished)]


def report_pipeline_lineage(
    project: Project, store: Store, started: datetime, finished: datetime
) -> int:
    """Ingest the nightly job's events; how many were stored (0 when already known)."""
    from trustwell.integrations.openlineage_in.ingest import ingest_documents

    events = pipeline_events(started, finished)
    return ingest_documents(project, store, events, actor=NAMESPACE).stored
