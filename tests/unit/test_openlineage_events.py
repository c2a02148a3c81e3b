"""The OpenLineage events of a run report: pure, from results to documents."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trustwell.checks.result import CheckResult, RunReport
from trustwell.config.models import Asset, Project, ProjectSettings
from trustwell.openlineage.events import dataset_identity, lineage_run_id, run_events

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 11, 22, 9, 0, 7, tzinfo=UTC)


def asset(**fields: Any) -> Asset:
    return Asset.model_validate(fields)


def project(*assets: Asset) -> Project:
    settings = ProjectSettings.model_validate(
        {
            "warehouses": {
                "lake": {"type": "duckdb"},
                "pg": {"type": "postgres", "url": "postgresql://h/db"},
            }
        }
    )
    return Project(Path("/p"), settings, list(assets))


def result(asset: str, check: str, kind: str, status: str, value: float | None) -> CheckResult:
    return CheckResult(asset, check, kind, status, value, {"max": 1}, None, "m")  # type: ignore[arg-type]


def facets(events: list[Any], index: int) -> dict[str, Any]:
    return events[index].document["inputs"][0]["inputFacets"]


def test_a_warning_is_an_unsuccessful_assertion_of_severity_warn_and_the_run_completes() -> None:
    orders = asset(
        name="orders",
        checks=[
            {"type": "row_count", "min": 1, "warn": {"min": 10}},
            {"type": "unique", "column": "id"},
        ],
    )
    report = RunReport(
        "run-1",
        T0,
        T1,
        [
            result("orders", "row_count", "row_count", "warn", 5),
            result("orders", "unique:id", "unique", "pass", 0),
        ],
    )
    events = run_events(report, project(orders), [orders], "ns")
    assert [(e.event_type, e.document["eventTime"]) for e in events] == [
        ("START", "2026-11-22T09:00:00Z"),
        ("COMPLETE", "2026-11-22T09:00:07Z"),
    ]
    assertions = facets(events, 1)["dataQualityAssertions"]["assertions"]
    assert [(a["assertion"], a["success"], a["severity"]) for a in assertions] == [
        ("row_count", False, "warn"),
        ("unique:id", True, "error"),
    ]
    assert facets(events, 1)["dataQualityMetrics"]["rowCount"] == 5


def test_an_errored_check_fails_the_run_and_gives_no_metric() -> None:
    orders = asset(name="orders", checks=[{"type": "row_count", "min": 1}])
    report = RunReport("r", T0, T1, [result("orders", "row_count", "row_count", "error", None)])
    events = run_events(report, project(orders), [orders], "ns")
    assert [e.event_type for e in events] == ["START", "FAIL"]
    (assertion,) = facets(events, 1)["dataQualityAssertions"]["assertions"]
    assert (assertion["success"], "actual" in assertion) == (False, False)
    assert facets(events, 1)["dataQualityMetrics"] == {
        "_producer": events[1].document["producer"],
        "_schemaURL": "https://openlineage.io/spec/facets/1-0-3/"
        "DataQualityMetricsInputDatasetFacet.json#/$defs/DataQualityMetricsInputDatasetFacet",
        "columnMetrics": {},
    }


def test_column_metrics_come_from_checks_over_every_row_only() -> None:
    orders = asset(
        name="orders",
        checks=[
            {"type": "row_count", "min": 1},
            {"type": "stat", "column": "amount", "stat": "distinct_count", "min": 1},
            {"type": "stat", "column": "amount", "stat": "min", "min": 0},
            {"type": "stat", "column": "amount", "stat": "sum", "min": 0},
            {"type": "stat", "column": "amount", "stat": "median", "min": 0},
            {"type": "stat", "column": "email", "stat": "null_fraction", "max": 1},
            {"type": "not_null", "column": "id", "where": "amount > 0"},  # a part only
            {"type": "not_null", "columns": ["id", "email"]},  # no one column
        ],
    )
    values = [
        ("row_count", "row_count", 200),
        ("stat:distinct_count(amount)", "stat", 17),
        ("stat:min(amount)", "stat", 1.5),
        ("stat:sum(amount)", "stat", 900.25),
        ("stat:median(amount)", "stat", 4.0),
        ("stat:null_fraction(email)", "stat", 0.125),
        ("not_null:id", "not_null", 3),
        ("not_null:id,email", "not_null", 9),
    ]
    report = RunReport("r", T0, T1, [result("orders", c, t, "pass", v) for c, t, v in values])
    metrics = facets(run_events(report, project(orders), [orders], "ns"), 1)["dataQualityMetrics"]
    assert (metrics["rowCount"], metrics["columnMetrics"]) == (
        200,
        {
            "amount": {"distinctCount": 17, "min": 1.5, "sum": 900.25, "quantiles": {"0.5": 4.0}},
            "email": {"nullCount": 25, "quantiles": {}},
        },
    )


def test_datasets_are_the_warehouse_and_relation_unless_an_alias_names_them() -> None:
    table = asset(name="orders", table="shop.orders", warehouse="pg")
    files = asset(name="events", path="data/events/*.parquet")
    query = asset(name="recent", query="SELECT 1 AS x")
    aliased = asset(
        name="facts",
        openlineage={"namespace": "postgres://db:5432", "name": "analytics.public.facts"},
    )
    named = project(table, files, query, aliased)
    assert [dataset_identity(named, a) for a in (table, files, query, aliased)] == [
        ("pg", "shop.orders"),
        ("lake", "data/events/*.parquet"),
        ("lake", "recent"),
        ("postgres://db:5432", "analytics.public.facts"),
    ]


def test_run_ids_are_uuids_stable_per_run_and_asset() -> None:
    assert lineage_run_id("run-1", "orders") == lineage_run_id("run-1", "orders")
    assert lineage_run_id("run-1", "orders") != lineage_run_id("run-2", "orders")
    assert lineage_run_id("run-1", "orders") != lineage_run_id("run-1", "customers")
    orders = asset(name="orders")
    events = run_events(RunReport("run-1", T0, T1, []), project(orders), [orders], "ns")
    assert {e.document["run"]["runId"] for e in events} == {lineage_run_id("run-1", "orders")}
    assert events[1].document["job"] == {"facets": {}, "name": "checks.orders", "namespace": "ns"}
