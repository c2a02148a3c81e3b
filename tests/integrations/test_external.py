"""External results as a run of their own, and their failures as incidents (source ``external``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from integrations.conftest import cli, cli_json
from trustwell.checks.result import Status
from trustwell.config.loader import load_project
from trustwell.integrations.external import (
    InvalidExternalResult,
    UnknownAsset,
    record_external,
)
from trustwell.integrations.results import ExternalResult
from trustwell.store import open_store

ROWS = "expect_table_row_count_to_be_between"


def result(
    asset: str, status: Status = "fail", check: str = "gx:rows", **kw: Any
) -> ExternalResult:
    return ExternalResult(asset=asset, check=check, type=ROWS, status=status, **kw)


def record(project_dir: Path, results: list[ExternalResult]) -> list[dict[str, object]]:
    project = load_project(project_dir)
    store = open_store(project.settings.store, project.root)
    try:
        return record_external(project, store, "gx", results).incidents
    finally:
        store.close()


def test_a_failing_external_result_opens_an_incident_detected_externally(
    project_dir: Path,
) -> None:
    incidents = record(project_dir, [result("marts.kpi", value=2.0, message="2 rows, not 3+")])
    assert incidents == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    (incident,) = cli_json(project_dir, "incident", "list")
    assert (incident["root_asset"], incident["detection_source"]) == ("marts.kpi", "external")
    assert incident["title"] == "gx:rows failed on marts.kpi"
    metrics = cli_json(project_dir, "metrics")
    assert metrics["detection_sources"]["external"] == 1
    assert metrics["internal_detection_share"] == 1.0  # everything but "report" (SPEC 3)


def test_external_results_are_history_like_any_run(project_dir: Path) -> None:
    record(
        project_dir,
        [result("raw.feed", "pass", value=2.0, column="id", details={"observed_value": 2})],
    )
    (entry,) = cli_json(project_dir, "history", "raw.feed")
    assert (entry["check"], entry["type"], entry["status"], entry["value"]) == (
        "gx:rows",
        ROWS,
        "pass",
        2.0,
    )
    assert entry["details"] == {"origin": "gx", "column": "id", "observed_value": 2}
    assert entry["message"] == f"{ROWS} on id: pass (reported by gx)"


def test_an_external_failure_downstream_of_a_failing_check_joins_its_incident(
    project_dir: Path,
) -> None:
    from incidents.conftest import Warehouse

    Warehouse(project_dir).load(feed_loaded_at="2026-11-20 06:00:00")  # raw.feed goes stale
    run = cli_json(project_dir, "run")
    assert run["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    assert record(project_dir, [result("marts.kpi")]) == [
        {"id": "INC-1", "action": "joined", "severity": "SEV-1"}
    ]
    (incident,) = cli_json(project_dir, "incident", "list")
    assert incident["detection_source"] == "check"
    assert {(a["asset"], a["impact"]) for a in incident["assets"]} >= {
        ("raw.feed", "root"),
        ("marts.kpi", "downstream"),
    }


def test_the_same_external_check_failing_again_stays_one_incident_and_passing_calms_it(
    project_dir: Path,
) -> None:
    record(project_dir, [result("other.table")])
    assert record(project_dir, [result("other.table")]) == [
        {"id": "INC-1", "action": "joined", "severity": "SEV-2"}
    ]
    assert record(project_dir, [result("other.table", "pass")]) == [
        {"id": "INC-1", "action": "monitoring", "severity": "SEV-2"}
    ]


@pytest.mark.parametrize(
    ("results", "error", "message"),
    [
        (
            [result("marts.kpi"), result("marts.kpj", check="gx:other")],
            UnknownAsset,
            "unknown asset 'marts.kpj': did you mean 'marts.kpi'?",
        ),
        (
            [result("marts.kpi", check="row_count")],
            InvalidExternalResult,
            "marts.kpi declares a check named 'row_count': a result from gx needs a name of "
            "its own",
        ),
        (
            [result("marts.kpi"), result("marts.kpi")],
            InvalidExternalResult,
            "marts.kpi gx:rows: given more than once in one import",
        ),
        (
            [result("marts.kpi", failing_fraction=1.5)],
            InvalidExternalResult,
            "marts.kpi gx:rows: failing fraction 1.5 is not between 0 and 1",
        ),
        ([], InvalidExternalResult, "no result to record from gx"),
    ],
)
def test_bad_results_are_refused_whole_and_nothing_is_recorded(
    project_dir: Path, results: list[ExternalResult], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        record(project_dir, results)
    assert str(raised.value) == message
    code, stdout, _ = cli(project_dir, "history", "marts.kpi", "--format", "json")
    assert (code, stdout.strip()) == (0, "[]")
    assert cli_json(project_dir, "incident", "list") == []


def test_external_results_open_and_join_on_sqlite_and_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str | None
) -> None:
    from incidents.conftest import write_project

    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    write_project(tmp_path, store=store_url)
    assert record(tmp_path, [result("raw.feed")]) == [
        {"id": "INC-1", "action": "opened", "severity": "SEV-1"}
    ]
    assert record(tmp_path, [result("marts.kpi", check="gx:kpi")]) == [
        {"id": "INC-1", "action": "joined", "severity": "SEV-1"}
    ]
    (incident,) = cli_json(tmp_path, "incident", "list")
    assert incident["detection_source"] == "external"
    assert [e["check"] for e in cli_json(tmp_path, "history", "marts.kpi")] == ["gx:kpi"]
