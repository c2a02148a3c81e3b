"""A dbt ``run_results.json`` (schema v6) as the results of the manifest's tests. Pure.

Each test's result is an :class:`ExternalResult` of the asset it tests, named
``dbt:TEST_NAME`` (dbt's test names are unique in a project, so a later
import joins the same history and incident): ``pass``, ``fail``, ``warn`` and
``error`` keep their meaning; ``value`` is dbt's ``failures`` (the failing rows
it counted). A skipped test has no result and is listed as left out.

>>> results = results_for_tests(manifest, read_run_results(data, "target/run_results.json"))
>>> results[0].check
'dbt:not_null_customers_id'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustwell.checks.result import Status
from trustwell.integrations.dbt.manifest import DbtArtifactError, Manifest, schema_version
from trustwell.integrations.results import ExternalResult
from trustwell.redact import scrub

#: Run results schema versions this reader knows (v6: dbt-core 1.8 to 1.12).
RUN_RESULTS_VERSIONS = ("v6",)
_STATUSES: dict[str, Status] = {"pass": "pass", "fail": "fail", "warn": "warn", "error": "error"}


@dataclass(frozen=True)
class NodeResult:
    """What dbt reported for one node of its run."""

    unique_id: str
    status: str
    failures: int | None
    message: str


@dataclass(frozen=True)
class RunResults:
    """One ``dbt build``/``test`` invocation's results, by node."""

    invocation_id: str
    results: dict[str, NodeResult]


def read_run_results(data: Any, label: str) -> RunResults:
    """The node results of a parsed ``run_results.json``; ``label`` names it in errors."""
    schema_version(data, label, "run-results", RUN_RESULTS_VERSIONS)
    items = data.get("results")
    if not isinstance(items, list):
        raise DbtArtifactError(f"{label}: results is not a list")
    found: dict[str, NodeResult] = {}
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("unique_id"), str):
            raise DbtArtifactError(f"{label}: result {index} has no unique_id")
        failures = item.get("failures")
        found[item["unique_id"]] = NodeResult(
            item["unique_id"],
            str(item.get("status")),
            failures if isinstance(failures, int) and not isinstance(failures, bool) else None,
            scrub(str(item.get("message") or "")),
        )
    metadata = data.get("metadata") or {}
    return RunResults(str(metadata.get("invocation_id") or ""), found)


def results_for_tests(
    manifest: Manifest, run: RunResults
) -> tuple[list[ExternalResult], list[str]]:
    """The results of the manifest's tests that ``run`` reports, and what was left out."""
    results: list[ExternalResult] = []
    notes: list[str] = []
    for test in manifest.tests:
        reported = run.results.get(test.unique_id)
        if reported is None:
            continue  # not selected in this invocation
        status = _STATUSES.get(reported.status)
        if status is None:
            notes.append(f"test {test.name}: {reported.status} in this run: no result recorded")
            continue
        details: dict[str, Any] = {"unique_id": test.unique_id, "test": test.test_type}
        if run.invocation_id:
            details["invocation_id"] = run.invocation_id
        results.append(
            ExternalResult(
                asset=test.asset,
                check=f"dbt:{test.name}",
                type=test.test_type,
                status=status,
                value=None if reported.failures is None else float(reported.failures),
                message=_message(test.name, status, reported),
                column=test.column,
                unit="rows",
                details=details,
            )
        )
    return results, notes


def _message(name: str, status: Status, reported: NodeResult) -> str:
    said = f": {reported.message}" if reported.message and status != "pass" else ""
    return f"dbt test {name}: {status}{said}"
