"""One OpenLineage event → what trustwell stores of it. Pure: no I/O.

The kind is told by shape, as the OpenLineage spec defines the three: a
``run`` makes a RunEvent, a ``dataset`` a DatasetEvent, a ``job`` alone a
JobEvent. Inputs and outputs become lineage datasets (mapped to assets by
:class:`~trustwell.lineage.naming.AssetIndex`) and, for a job that read and
wrote, edges from every input to every output (origin ``openlineage``).
``dataQualityAssertions`` (in ``facets``, ``inputFacets`` or ``outputFacets``)
become one :class:`ExternalResult` per assertion of the mapped asset, named
``openlineage:ASSERTION`` (``openlineage:ASSERTION(COLUMN)`` with a column);
``dataQualityMetrics`` become passing results ``openlineage:METRIC`` /
``openlineage:METRIC(COLUMN)`` whose value is the measurement, so that row
and NULL counts have a history of their own. Datasets that map to no asset
keep their lineage; their assertions and metrics are counted as unmapped.

A malformed event raises :class:`InvalidEvent` naming the field path
(``run.runId: missing``). Events trustwell produced itself (its ``producer``)
keep their lineage but give no results: they came from results already stored.

>>> parsed = parse_event(document, index)
>>> parsed.kind, [e.target.asset for e in parsed.edges]
('RunEvent', ['marts.revenue'])
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from trustwell.checks.result import Status
from trustwell.errors import Invalid
from trustwell.integrations.results import ExternalResult
from trustwell.lineage.model import DatasetRef, Edge, JobRef, RunRef
from trustwell.lineage.naming import AssetIndex

__all__ = ["TRUSTWELL_PRODUCER", "InvalidEvent", "ParsedEvent", "parse_event"]

Kind = Literal["RunEvent", "DatasetEvent", "JobEvent"]
#: The producer URI of trustwell's own events (``openlineage/events.py``), any version.
TRUSTWELL_PRODUCER = "https://pypi.org/project/trustwell/"
#: The states of a RunEvent's ``eventType`` (OpenLineage 2).
EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")
_FACET_KEYS = ("facets", "inputFacets", "outputFacets")
_COLUMN_METRICS = ("nullCount", "distinctCount", "sum", "count", "min", "max")


class InvalidEvent(Invalid):
    """An OpenLineage event that cannot be stored (HTTP 400): what and where is wrong."""

    code = "invalid_event"
    http_status = 400


@dataclass(frozen=True)
class ParsedEvent:
    """What one event reports: its identity, lineage and results."""

    kind: Kind
    key: str  # the idempotency key: the same event sent twice has the same key
    event_time: datetime
    producer: str
    run: RunRef | None = None
    datasets: tuple[DatasetRef, ...] = ()
    edges: tuple[Edge, ...] = ()
    results: tuple[ExternalResult, ...] = ()
    unmapped: int = 0  # assertions and metrics of datasets that are no asset

    @property
    def own(self) -> bool:
        """Whether trustwell produced this event (its results are already stored)."""
        return self.producer.startswith(TRUSTWELL_PRODUCER)


@dataclass
class _Reader:
    """Field access that says where a value is missing or of the wrong type."""

    where: str = ""
    results: list[ExternalResult] = field(default_factory=list)
    unmapped: int = 0

    def fail(self, path: str, what: str) -> InvalidEvent:
        return InvalidEvent(f"{self.where}{path}: {what}")

    def text(
        self,
        doc: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        longest: int = 1000,  # the store's columns: a longer value would fail there, a 5xx
    ) -> str:
        value = doc.get(key)
        if value is None and not required:
            return ""
        if value is None:
            raise self.fail(f"{path}{key}", "missing")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{path}{key}", "must be a non-empty string")
        if len(value) > longest:
            raise self.fail(f"{path}{key}", f"longer than {longest:,} characters")
        return value

    def mapping(self, doc: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        value = doc.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{path}{key}", "must be an object")
        return value

    def items(self, doc: Mapping[str, Any], key: str, path: str = "") -> list[Any]:
        value = doc.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{path}{key}", "must be an array")
        return value


def parse_event(document: Any, index: AssetIndex, *, where: str = "") -> ParsedEvent:
    """Read one event; ``where`` prefixes every error (``[3].`` in a batch, ``FILE line 7: ``).

    Raises :class:`InvalidEvent` for anything that is not an OpenLineage event.
    """
    read = _Reader(where)
    if not isinstance(document, dict):
        raise read.fail("event", "must be a JSON object")
    kind: Kind
    if "run" in document:
        kind = "RunEvent"
    elif "dataset" in document:
        kind = "DatasetEvent"
    elif "job" in document:
        kind = "JobEvent"
    else:
        raise read.fail("event", "has none of run, job or dataset: not an OpenLineage event")
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    if "\\u0000" in canonical:
        raise read.fail("event", "contains a NUL character (\\u0000), which the store cannot keep")
    producer = read.text(document, "producer", "")
    when = _event_time(read, document)
    if kind == "DatasetEvent":
        dataset = _dataset(read, read.mapping(document, "dataset", ""), "dataset.", index)
        return ParsedEvent(
            kind, _digest(canonical), when, producer, datasets=(dataset,),
            results=tuple(_merged(read.results)), unmapped=read.unmapped,
        )  # fmt: skip
    job_doc = read.mapping(document, "job", "")
    if not job_doc:
        raise read.fail("job", "missing")
    job = JobRef(read.text(job_doc, "namespace", "job."), read.text(job_doc, "name", "job."))
    inputs = [
        _dataset(read, _object(read, item, f"inputs[{i}]"), f"inputs[{i}].", index)
        for i, item in enumerate(read.items(document, "inputs"))
    ]
    outputs = [
        _dataset(read, _object(read, item, f"outputs[{i}]"), f"outputs[{i}].", index)
        for i, item in enumerate(read.items(document, "outputs"))
    ]
    edges = tuple(
        Edge(source, target, job=job) for source in inputs for target in outputs if source != target
    )
    run = None
    key = _digest(canonical)  # a JobEvent is the same event when its JSON is (keys in any order)
    if kind == "RunEvent":
        run_doc = read.mapping(document, "run", "")
        run_id = read.text(run_doc, "runId", "run.")
        if len(run_id) > 64:
            raise read.fail("run.runId", "longer than 64 characters (a UUID is 36)")
        state = document.get("eventType") or "OTHER"
        if state not in EVENT_TYPES:
            raise read.fail("eventType", f"{state!r} is not one of {', '.join(EVENT_TYPES)}")
        run = RunRef(run_id, job=job, state=state, event_time=when)
        # A run's event is the same event when it has the same run, type and time
        # (whatever its facets or the order of its keys, as a re-sent file line may differ).
        key = _digest(f"run\x1f{run_id}\x1f{state}\x1f{when.isoformat()}")
    return ParsedEvent(
        kind, key, when, producer, run=run, datasets=tuple([*inputs, *outputs]), edges=edges,
        results=tuple(_merged(read.results)), unmapped=read.unmapped,
    )  # fmt: skip


def _event_time(read: _Reader, document: Mapping[str, Any]) -> datetime:
    text = read.text(document, "eventTime", "")
    try:
        when = datetime.fromisoformat(text)
        # The spec asks for an offset; a time without one is taken as UTC.
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (ValueError, OverflowError):
        raise read.fail("eventTime", f"{text!r} is not an ISO 8601 date-time") from None


def _object(read: _Reader, value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise read.fail(path, "must be an object")
    return value


def _dataset(read: _Reader, doc: Mapping[str, Any], path: str, index: AssetIndex) -> DatasetRef:
    if not doc:
        raise read.fail(path.rstrip("."), "missing")
    namespace, name = read.text(doc, "namespace", path), read.text(doc, "name", path)
    asset = index.asset_for(namespace, name)
    for key in _FACET_KEYS:
        facets = read.mapping(doc, key, path)
        assertions = read.mapping(facets, "dataQualityAssertions", f"{path}{key}.")
        metrics = read.mapping(facets, "dataQualityMetrics", f"{path}{key}.")
        found = [
            *_assertions(read, assertions, f"{path}{key}.dataQualityAssertions.", asset or ""),
            *_metrics(read, metrics, f"{path}{key}.dataQualityMetrics.", asset or ""),
        ]
        if asset is None:
            read.unmapped += len(found)
        else:
            read.results.extend(found)
    return DatasetRef(namespace, name, asset=asset)


def _assertions(
    read: _Reader, facet: Mapping[str, Any], path: str, asset: str
) -> list[ExternalResult]:
    found = []
    for i, item in enumerate(read.items(facet, "assertions", path) if facet else []):
        at = f"{path}assertions[{i}]"
        doc = _object(read, item, at)
        name = read.text(doc, "assertion", f"{at}.", longest=200)
        success = doc.get("success")
        if not isinstance(success, bool):
            raise read.fail(f"{at}.success", "must be true or false")
        column = read.text(doc, "column", f"{at}.", required=False, longest=150) or None
        status: Status = (
            "pass" if success else ("warn" if doc.get("severity") == "warn" else "fail")
        )
        details = {
            k: doc[k]
            for k in ("expected", "actual", "severity", "params")
            if doc.get(k) is not None
        }
        actual = _number(doc.get("actual"))
        found.append(
            ExternalResult(
                asset=asset,
                check=_check_name(name, column),
                type=name[:40],  # the stored type is a short label
                status=status,
                value=actual,
                message="" if success else f"{name} failed" + (f" on {column}" if column else ""),
                column=column,
                details=details,
            )
        )
    return found


def _metrics(
    read: _Reader, facet: Mapping[str, Any], path: str, asset: str
) -> list[ExternalResult]:
    found = []
    for metric in ("rowCount", "bytes", "fileCount"):
        value = facet.get(metric)
        if value is not None:
            found.append(_metric(read, asset, metric, None, value, f"{path}{metric}"))
    columns = read.mapping(facet, "columnMetrics", path)
    for column, metrics in sorted(columns.items()):
        if len(column) > 150:
            raise read.fail(f"{path}columnMetrics", "a column name is longer than 150 characters")
        doc = _object(read, metrics, f"{path}columnMetrics.{column}")
        for metric in _COLUMN_METRICS:
            value = doc.get(metric)
            if value is not None:
                at = f"{path}columnMetrics.{column}.{metric}"
                found.append(_metric(read, asset, metric, column, value, at))
    return found


def _metric(
    read: _Reader, asset: str, metric: str, column: str | None, value: Any, path: str
) -> ExternalResult:
    number = _number(value)
    if number is None or isinstance(value, str):
        raise read.fail(path, "must be a finite number")
    return ExternalResult(
        asset=asset, check=_check_name(metric, column), type=f"dataQualityMetrics.{metric}",
        status="pass", value=number, column=column, details={"metric": metric},
    )  # fmt: skip


def _merged(results: list[ExternalResult]) -> list[ExternalResult]:
    """One result per check name: a dataset listed twice (input and output) reports once;
    a failing report wins over a passing one."""
    rank = {"pass": 0, "warn": 1, "error": 2, "fail": 3}
    chosen: dict[tuple[str, str], ExternalResult] = {}
    for result in results:
        key = (result.asset, result.check)
        if key not in chosen or rank[result.status] > rank[chosen[key].status]:
            chosen[key] = result
    return list(chosen.values())


def _check_name(name: str, column: str | None) -> str:
    return f"openlineage:{name}" + (f"({column})" if column else "")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, int | float | str) else None
    except (ValueError, OverflowError):
        return None
    # NaN and infinities have no place in a history (and JSON cannot say them).
    return number if number is not None and math.isfinite(number) else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
