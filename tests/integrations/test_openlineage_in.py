"""OpenLineage in (parse and store): lineage, results and signals from events, each once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from integrations.conftest import cli_json
from integrations.openlineage_in_support import (
    assertions,
    dataset,
    opened,
    rows,
    run_event,
)
from trustwell.integrations.openlineage_in.ingest import IngestSummary, ingest_documents
from trustwell.integrations.openlineage_in.parse import InvalidEvent

EDGES = (
    "SELECT s.name, t.name, e.origin FROM lineage_edges e"
    " JOIN lineage_datasets s ON s.id = e.source_id JOIN lineage_datasets t ON t.id = e.target_id"
)


def ingest(project_dir: Path, *documents: Any) -> IngestSummary:
    with opened(project_dir) as (project, store):
        return ingest_documents(project, store, list(documents), actor="airflow")


def test_a_run_event_reports_edges_from_its_inputs_to_its_outputs(project_dir: Path) -> None:
    event = run_event(
        inputs=[dataset("raw.feed"), dataset("orders", "s3://landing")],
        outputs=[dataset("marts.kpi")],
    )
    summary = ingest(project_dir, event)
    assert (summary.stored, summary.duplicates, summary.results) == (1, 0, 0)
    assert sorted(rows(project_dir, EDGES)) == [
        ("orders", "marts.kpi", "openlineage"),
        ("raw.feed", "marts.kpi", "openlineage"),
    ]
    document = cli_json(project_dir, "lineage", "marts.kpi", "--upstream")
    assert {(e["upstream"], tuple(e["origins"])) for e in document["edges"]} == {
        ("raw.feed", ("openlineage", "yaml")),
        ("s3://landing/orders", ("openlineage",)),
    }
    assert rows(project_dir, "SELECT id, state FROM lineage_runs") == [
        ("01939a4e-7e4b-7a1e-9c3f-0d5b2a6f8e11", "COMPLETE")
    ]


def test_dataset_and_job_events_are_told_by_shape(project_dir: Path) -> None:
    dataset_event = {
        "eventTime": "2026-11-22T08:00:00Z",
        "producer": "https://example.test/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": dataset("lake.events", "s3://lake"),
    }
    job_event = {
        "eventTime": "2026-11-22T08:00:00Z",
        "producer": "https://example.test/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
        "job": {"namespace": "airflow", "name": "load_feed"},
        "inputs": [dataset("lake.events", "s3://lake")],
        "outputs": [dataset("raw.feed")],
    }
    assert ingest(project_dir, dataset_event, job_event).stored == 2
    assert rows(project_dir, EDGES) == [("lake.events", "raw.feed", "openlineage")]
    assert rows(project_dir, "SELECT COUNT(*) FROM lineage_runs") == [(0,)]


def test_a_failed_assertion_opens_an_incident_of_the_mapped_asset(project_dir: Path) -> None:
    event = run_event(
        inputs=[],
        outputs=[
            dataset(
                "marts.kpi",
                outputFacets=assertions(("not_null", False, "w"), ("row_count", True, None)),
            )
        ],
    )
    summary = ingest(project_dir, event)
    assert summary.results == 2
    assert summary.incidents == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    (incident,) = cli_json(project_dir, "incident", "list")
    assert (incident["root_asset"], incident["detection_source"]) == ("marts.kpi", "external")
    assert incident["title"] == "openlineage:not_null(w) failed on marts.kpi"
    history = {e["check"]: e for e in cli_json(project_dir, "history", "marts.kpi")}
    assert history["openlineage:not_null(w)"]["status"] == "fail"
    assert history["openlineage:row_count"]["status"] == "pass"
    assert rows(project_dir, "SELECT trigger, actor FROM runs") == [
        ("import:openlineage", "airflow")
    ]


def test_assertions_in_facets_and_input_facets_and_metrics_become_results(
    project_dir: Path,
) -> None:
    metrics = {
        "dataQualityMetrics": {
            "rowCount": 2,
            "columnMetrics": {"id": {"nullCount": 0, "distinctCount": 2}},
        }
    }
    event = run_event(
        inputs=[
            dataset("raw.feed", facets=assertions(("unique", True, "id")), inputFacets=metrics)
        ],
        outputs=[dataset("marts.kpi", inputFacets=assertions(("fresh", True, None)))],
    )
    assert ingest(project_dir, event).results == 5
    history = cli_json(project_dir, "history", "raw.feed")
    assert sorted((e["check"], e["status"], e["value"]) for e in history) == [
        ("openlineage:distinctCount(id)", "pass", 2.0),
        ("openlineage:nullCount(id)", "pass", 0.0),
        ("openlineage:rowCount", "pass", 2.0),
        ("openlineage:unique(id)", "pass", None),
    ]
    assert [e["check"] for e in cli_json(project_dir, "history", "marts.kpi")] == [
        "openlineage:fresh"
    ]


def test_assertions_of_an_unmapped_dataset_keep_only_the_lineage(project_dir: Path) -> None:
    event = run_event(
        inputs=[dataset("orders", "s3://landing", facets=assertions(("nn", False, "id")))]
    )
    summary = ingest(project_dir, event)
    assert (summary.results, summary.unmapped, summary.incidents) == (0, 1, [])
    assert rows(project_dir, "SELECT COUNT(*) FROM runs") == [(0,)]
    assert rows(project_dir, EDGES) == [("orders", "marts.kpi", "openlineage")]


def test_trustwell_s_own_events_keep_their_lineage_but_give_no_results(project_dir: Path) -> None:
    own = run_event(
        inputs=[dataset("raw.feed", inputFacets=assertions(("unique", False, "id")))],
        producer="https://pypi.org/project/trustwell/0.9.0/",
    )
    summary = ingest(project_dir, own)
    assert (summary.stored, summary.results, summary.incidents) == (1, 0, [])
    assert rows(project_dir, "SELECT COUNT(*) FROM runs") == [(0,)]
    assert rows(project_dir, EDGES) == [("raw.feed", "marts.kpi", "openlineage")]


def test_the_same_event_twice_is_stored_once(project_dir: Path) -> None:
    event = run_event(outputs=[dataset("marts.kpi", facets=assertions(("nn", False, "w")))])
    assert ingest(project_dir, event).stored == 1
    reordered = dict(reversed(list(event.items())))  # a re-sent line may order its keys anew
    again = ingest(project_dir, reordered, event)
    assert (again.stored, again.duplicates, again.results, again.incidents) == (0, 2, 0, [])
    assert rows(project_dir, "SELECT COUNT(*) FROM runs") == [(1,)]
    assert rows(project_dir, "SELECT COUNT(*) FROM lineage_events") == [(1,)]


def test_start_after_complete_ends_in_the_state_of_complete(project_dir: Path) -> None:
    start = run_event("START", at="2026-11-22T08:00:00Z")
    complete = run_event("COMPLETE", at="2026-11-22T08:30:00Z")
    ingest(project_dir, complete)
    ingest(project_dir, start)
    state = "SELECT state, event_time FROM lineage_runs"
    edge = "SELECT first_seen, last_seen FROM lineage_edges"
    out_of_order = rows(project_dir, state), rows(project_dir, edge)
    assert out_of_order[0][0][0] == "COMPLETE"
    assert str(out_of_order[1][0][0]).startswith("2026-11-22 08:00:00")
    assert str(out_of_order[1][0][1]).startswith("2026-11-22 08:30:00")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda e: e.pop("run") and e.pop("job"), "event: has none of run, job or dataset"),
        (lambda e: e["run"].pop("runId"), "run.runId: missing"),
        (lambda e: e.update(eventTime="yesterday"), "eventTime: 'yesterday' is not an ISO 8601"),
        (lambda e: e.update(eventType="DONE"), "eventType: 'DONE' is not one of START, RUNNING"),
        (lambda e: e["outputs"][0].pop("namespace"), "outputs[0].namespace: missing"),
        (lambda e: e.update(inputs={}), "inputs: must be an array"),
        (
            lambda e: e["outputs"][0].update(facets=assertions(("nn", "no", None))),
            "outputs[0].facets.dataQualityAssertions.assertions[0].success: must be true or false",
        ),
    ],
)
def test_a_bad_event_is_refused_with_the_field_path_and_nothing_is_stored(
    project_dir: Path, change: Any, reason: str
) -> None:
    good, bad = run_event(run_id="a" * 8), run_event()
    change(bad)
    with pytest.raises(InvalidEvent) as refused:
        ingest(project_dir, good, bad)
    assert str(refused.value).startswith(f"[1].{reason}")
    assert rows(project_dir, "SELECT COUNT(*) FROM lineage_events") == [(0,)]
    assert rows(project_dir, "SELECT COUNT(*) FROM lineage_edges") == [(0,)]


def test_on_sqlite_and_postgresql_a_re_sent_event_opens_one_incident(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str | None
) -> None:
    from incidents.conftest import write_project

    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    write_project(tmp_path, store=store_url)
    event = run_event(outputs=[dataset("marts.kpi", facets=assertions(("nn", False, "w")))])
    first, second = ingest(tmp_path, event), ingest(tmp_path, event)
    assert (first.stored, second.duplicates) == (1, 1)
    assert [i["action"] for i in first.incidents] == ["opened"] and second.incidents == []
    assert rows(tmp_path, EDGES) == [("raw.feed", "marts.kpi", "openlineage")]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda e: e["job"].update(name="a\x00b"), "event: contains a NUL character"),
        (lambda e: e.update(eventTime="0001-01-01T00:00:00+14:00"), "eventTime: '0001-01-01"),
        (
            lambda e: e["outputs"][0].update(
                inputFacets={"dataQualityMetrics": {"rowCount": float("nan")}}
            ),
            "outputs[0].inputFacets.dataQualityMetrics.rowCount: must be a finite number",
        ),
    ],
)
def test_what_the_store_cannot_keep_is_refused_before_it_is_written(
    project_dir: Path, change: Any, reason: str
) -> None:
    event = run_event()
    change(event)
    with pytest.raises(InvalidEvent) as refused:
        ingest(project_dir, event)
    assert str(refused.value).startswith(reason)
    assert rows(project_dir, "SELECT COUNT(*) FROM lineage_events") == [(0,)]


def test_an_asset_s_openlineage_alias_maps_its_dataset_and_its_assertions(
    project_dir: Path,
) -> None:
    assets = project_dir / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "  - name: marts.kpi\n",
            "  - name: marts.kpi\n    openlineage: {namespace: 'snowflake://acme', name: BI.KPI}\n",
        )
    )
    event = run_event(
        outputs=[dataset("BI.KPI", "snowflake://acme", facets=assertions(("nn", False, "w")))]
    )
    summary = ingest(project_dir, event)
    assert [i["action"] for i in summary.incidents] == ["opened"]
    (incident,) = cli_json(project_dir, "incident", "list")
    assert incident["root_asset"] == "marts.kpi"
    assert rows(project_dir, "SELECT name, asset FROM lineage_datasets ORDER BY name") == [
        ("BI.KPI", "marts.kpi"),
        ("raw.feed", "raw.feed"),
    ]
