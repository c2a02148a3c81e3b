"""The OpenLineage RunEvents of one trustwell run: pure, from the report to event documents.

Per asset a ``START`` and a ``COMPLETE`` (``FAIL`` when one of its checks
failed or errored) for the job ``checks.<asset>``, with the asset as input
dataset. The terminal event carries the input facets ``dataQualityAssertions``
(one assertion per check: its name, ``success`` and its column when it has
one) and ``dataQualityMetrics`` (``rowCount`` and ``columnMetrics`` where a
check measured them over the whole relation). Events are built with the
official client's classes and turned into JSON documents with its ``Serde``,
so a receiver gets what the client itself would send. The client is imported
inside the functions: a project without ``openlineage:`` never loads it.

>>> [(e.asset, e.event_type) for e in run_events(report, project, assets, "shop")]
[('orders', 'START'), ('orders', 'COMPLETE')]
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustwell import __version__
from trustwell.clock import isoformat

if TYPE_CHECKING:
    from trustwell.checks.result import CheckResult, RunReport
    from trustwell.checks.spec import Check
    from trustwell.config.models import Asset, Project

#: Who made the events (a URI, as OpenLineage's ``producer`` must be).
PRODUCER = f"https://pypi.org/project/trustwell/{__version__}/"
#: Run ids are derived in this namespace: the same (trustwell run, asset) is the same run.
_RUN_IDS = uuid.UUID("5d2f7c1e-3a8b-4f0e-9c61-2b7d9e4a1f30")
_FAILED = ("fail", "error")


@dataclass(frozen=True)
class LineageEvent:
    """One RunEvent of one asset, as the JSON document the receiver gets."""

    asset: str
    run_id: str  # the OpenLineage run id (a UUID)
    event_type: str  # START | COMPLETE | FAIL
    document: Mapping[str, Any]


def lineage_run_id(trustwell_run: str, asset: str) -> str:
    """The OpenLineage run id of ``asset`` in a trustwell run: a UUID, stable per pair.

    >>> lineage_run_id("0b6e…", "orders") == lineage_run_id("0b6e…", "orders")
    True
    """
    return str(uuid.uuid5(_RUN_IDS, f"{trustwell_run}\x1f{asset}"))


def dataset_identity(project: Project, asset: Asset) -> tuple[str, str]:
    """The OpenLineage ``(namespace, name)`` of an asset's dataset.

    The asset's ``openlineage: {namespace, name}`` alias wins; otherwise the
    warehouse's name is the namespace and the relation (its table, its files,
    or the asset's name for a ``query:``) is the name, which the lineage store's
    default naming (``lineage/naming.py``) maps back to the asset by name or table.
    """
    if asset.openlineage is not None:
        return asset.openlineage.namespace, asset.openlineage.name
    if asset.path is not None:
        relation = asset.path
    elif asset.query is not None:
        relation = asset.name
    else:
        relation = asset.table_name
    return project.warehouse_of(asset), relation


def run_events(
    report: RunReport, project: Project, assets: Sequence[Asset], namespace: str
) -> list[LineageEvent]:
    """START and COMPLETE/FAIL of every asset in ``assets``, in that order per asset."""
    by_asset: dict[str, list[CheckResult]] = {}
    for result in report.results:
        by_asset.setdefault(result.asset, []).append(result)
    events: list[LineageEvent] = []
    for asset in assets:
        results = by_asset.get(asset.name, [])
        run_id = lineage_run_id(report.run_id, asset.name)
        terminal = "FAIL" if any(r.status in _FAILED for r in results) else "COMPLETE"
        checks = {c.display_name: c for c in asset.checks}
        dataset = dataset_identity(project, asset)
        for event_type, at, facets in (
            ("START", report.started_at, False),
            (terminal, report.finished_at, True),
        ):
            document = _event(
                event_type,
                at,
                run_id,
                (namespace, f"checks.{asset.name}"),
                dataset,
                (results, checks) if facets else None,
            )
            events.append(LineageEvent(asset.name, run_id, event_type, document))
    return events


def _event(
    event_type: str,
    at: datetime,
    run_id: str,
    job: tuple[str, str],
    dataset: tuple[str, str],
    measured: tuple[list[CheckResult], Mapping[str, Check]] | None,
) -> dict[str, Any]:
    from openlineage.client.event_v2 import InputDataset, Job, Run, RunEvent, RunState
    from openlineage.client.serde import Serde

    input_facets: dict[str, Any] = {}
    if measured is not None:
        results, checks = measured
        input_facets = {
            "dataQualityAssertions": _assertions(results, checks),
            "dataQualityMetrics": _metrics(results, checks),
        }
    event = RunEvent(
        eventType=RunState[event_type],
        eventTime=isoformat(at),
        run=Run(runId=run_id),
        job=Job(namespace=job[0], name=job[1]),
        inputs=[InputDataset(namespace=dataset[0], name=dataset[1], inputFacets=input_facets)],
        outputs=[],
        producer=PRODUCER,
    )
    return Serde.to_dict(event)


def _assertions(results: Iterable[CheckResult], checks: Mapping[str, Check]) -> Any:
    from openlineage.client.facet_v2 import data_quality_assertions_dataset as dqa

    assertions = []
    for result in results:
        check = checks.get(result.check)
        columns = check.column_list if check is not None else []
        assertions.append(
            dqa.Assertion(
                assertion=result.check,
                # "Whether the test found issues": a warning found some, at severity warn.
                success=result.status == "pass",
                column=columns[0] if len(columns) == 1 else None,
                severity="warn" if result.status == "warn" else "error",
                expected=json.dumps(result.threshold, sort_keys=True) if result.threshold else None,
                actual=None if result.value is None else _number_text(result.value),
                params=None,
            )
        )
    return dqa.DataQualityAssertionsDatasetFacet(assertions=assertions, producer=PRODUCER)


def _metrics(results: Iterable[CheckResult], checks: Mapping[str, Check]) -> Any:
    """``rowCount`` and per column what a check measured over every row (no ``where:``)."""
    from openlineage.client.facet_v2 import data_quality_metrics_input_dataset as dqm

    row_count: int | None = None
    columns: dict[str, dict[str, Any]] = {}
    null_fractions: dict[str, float] = {}
    for result in results:
        check = checks.get(result.check)
        if check is None or result.value is None or result.status == "error" or check.where:
            continue
        value = result.value
        stat = getattr(check, "stat", None)
        if check.type == "row_count":
            row_count = int(value)
        elif check.type == "not_null" and len(check.column_list) == 1:
            columns.setdefault(check.column_list[0], {})["nullCount"] = int(value)
        elif check.type == "stat" and stat is not None:
            column = columns.setdefault(check.column_list[0], {})
            if stat == "null_fraction":
                null_fractions[check.column_list[0]] = value
            elif stat == "distinct_count":
                column["distinctCount"] = int(value)
            elif stat in ("min", "max", "sum"):
                column[stat] = value
            elif stat == "median":
                column.setdefault("quantiles", {})["0.5"] = value
    if row_count is not None:  # a NULL fraction is a count once the rows are known
        for name, fraction in null_fractions.items():
            columns[name].setdefault("nullCount", round(fraction * row_count))
    return dqm.DataQualityMetricsInputDatasetFacet(
        rowCount=row_count,
        columnMetrics={
            name: dqm.ColumnMetrics(**values) for name, values in sorted(columns.items()) if values
        },
        producer=PRODUCER,
    )


def _number_text(value: float) -> str:
    """``12`` for a whole number, else the float as Python writes it."""
    return str(int(value)) if float(value).is_integer() else repr(value)
