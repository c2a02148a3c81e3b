"""OpenLineage out: a real ``trustwell run`` (CLI, API or scheduler) sends per asset a START
and a COMPLETE/FAIL event that validate against the spec, as the official client sends them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from openlineage.client.serde import Serde
from openlineage.client.transport.file import FileConfig, FileTransport
from openlineage_support import (
    API_KEY,
    NOW,
    Receiver,
    assert_valid,
    cli,
    client_event,
    http_settings,
    make_project,
    results_by_asset,
    running_receiver,
    set_environment,
)

from threaded_server import serve_in_thread


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    yield from running_receiver()


def test_a_run_sends_start_and_complete_or_fail_per_asset_valid_and_as_the_client_sends(
    tmp_path: Path, receiver: tuple[Receiver, str]
) -> None:
    server, url = receiver
    project = make_project(tmp_path, http_settings(url))
    code, stdout, stderr = cli(project, "run", "--format", "json")
    assert code == 1  # not_null:email fails: the run's own exit code
    assert "warning" not in stderr and API_KEY not in stderr + stdout
    events = server.events()
    assert [(e["job"]["name"], e["eventType"]) for e in events] == [
        ("checks.shop.orders", "START"),
        ("checks.shop.orders", "FAIL"),
        ("checks.shop.customers", "START"),
        ("checks.shop.customers", "COMPLETE"),
    ]
    for path, headers, body in server.requests:
        assert path == "/api/v1/lineage"
        assert headers["authorization"] == f"Bearer {API_KEY}"
        assert headers["content-type"] == "application/json"
        assert body.decode() == Serde.to_json(client_event(json.loads(body)))
    for event in events:
        assert_valid(event)
        assert event["job"]["namespace"] == "shop-checks"
        assert event["eventTime"] == NOW
    orders_run, customers_run = events[0]["run"]["runId"], events[2]["run"]["runId"]
    assert events[1]["run"]["runId"] == orders_run and events[3]["run"]["runId"] == customers_run
    assert orders_run != customers_run and uuid.UUID(orders_run) and uuid.UUID(customers_run)
    assert [e["inputs"][0]["namespace"] + "/" + e["inputs"][0]["name"] for e in events] == [
        "main/shop.orders",
        "main/shop.orders",
        "main/shop.customers",
        "main/shop.customers",
    ]
    assert events[0]["inputs"][0]["inputFacets"] == {}  # nothing is measured at START

    results = results_by_asset(stdout)
    orders = events[1]["inputs"][0]["inputFacets"]
    assert [
        (a["assertion"], a["success"], a.get("column"), a["actual"])
        for a in orders["dataQualityAssertions"]["assertions"]
    ] == [
        ("row_count", True, None, "4"),
        ("not_null:email", False, "email", "2"),
        ("unique:id", True, "id", "0"),
        ("stat:null_fraction(amount)", True, "amount", "0.25"),
        ("stat:max(amount)", True, "amount", "20"),
        ("both_set", False, None, "2"),  # two columns: no one column to name
    ]
    assert [
        (a["assertion"], a["success"], float(a["actual"]), a["severity"])
        for a in orders["dataQualityAssertions"]["assertions"]
    ] == [(r["check"], r["status"] == "pass", r["value"], "error") for r in results["shop.orders"]]
    assert [(r["check"], r["status"]) for r in results["shop.orders"]] == [
        ("row_count", "pass"),
        ("not_null:email", "fail"),
        ("unique:id", "pass"),
        ("stat:null_fraction(amount)", "pass"),
        ("stat:max(amount)", "pass"),
        ("both_set", "fail"),
    ]
    metrics = orders["dataQualityMetrics"]
    assert (metrics["rowCount"], metrics["columnMetrics"]) == (
        4,
        {
            "amount": {"max": 20.0, "nullCount": 1, "quantiles": {}},
            "email": {"nullCount": 2, "quantiles": {}},
        },
    )
    customers = events[3]["inputs"][0]["inputFacets"]
    assert customers["dataQualityAssertions"]["assertions"] == [
        {
            "assertion": "row_count",
            "success": True,
            "severity": "error",
            "expected": '{"min": 1.0}',
            "actual": "2",
        }
    ]
    assert customers["dataQualityMetrics"]["rowCount"] == 2


def test_the_file_transport_appends_ndjson_as_the_clients_own_file_transport_writes(
    tmp_path: Path,
) -> None:
    project = make_project(
        tmp_path, "openlineage:\n  transport: file\n  path: lineage/events.ndjson\n"
    )
    assert cli(project, "run")[0] == 1
    lines = (project / "lineage" / "events.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    documents = [json.loads(line) for line in lines]
    for document in documents:
        assert_valid(document)
        assert document["job"]["namespace"] == "trustwell"  # the default namespace
    # The client's own FileTransport, given the events read back, writes the same lines.
    theirs = tmp_path / "client.ndjson"
    transport = FileTransport(FileConfig(log_file_path=str(theirs), append=True))
    for document in documents:
        transport.emit(client_event(document))
    assert theirs.read_text(encoding="utf-8").splitlines() == lines
    assert cli(project, "run")[0] == 1  # a second run appends its own four
    assert len((project / "lineage" / "events.ndjson").read_text().splitlines()) == 8


def test_the_console_transport_prints_each_event_on_stderr(tmp_path: Path) -> None:
    project = make_project(tmp_path, "openlineage:\n  transport: console\n  namespace: ops\n")
    code, stdout, stderr = cli(project, "run", "--format", "json")
    assert code == 1
    json.loads(stdout)  # stdout is still the run's document alone
    printed = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert [(e["job"]["name"], e["eventType"]) for e in printed] == [
        ("checks.shop.orders", "START"),
        ("checks.shop.orders", "FAIL"),
        ("checks.shop.customers", "START"),
        ("checks.shop.customers", "COMPLETE"),
    ]
    for event in printed:
        assert_valid(event)


def test_without_openlineage_settings_nothing_is_queued(tmp_path: Path) -> None:
    project = make_project(tmp_path, "")
    assert cli(project, "run")[0] == 1
    assert json.loads(cli(project, "outbox", "--format", "json")[1]) == []


def test_a_run_triggered_through_the_api_sends_its_events_too(
    tmp_path: Path, receiver: tuple[Receiver, str]
) -> None:
    import httpx

    from trustwell.auth.tokens import create_token
    from trustwell.config.loader import load_project
    from trustwell.store import open_store
    from trustwell.web.app import create_app as create_web

    server, url = receiver
    project = make_project(tmp_path, http_settings(url))
    store = open_store(load_project(project).settings.store, project)
    token = create_token(store, name="ross", role="responder", actor="test")
    store.close()
    with serve_in_thread(create_web(project, scheduler=False)) as base:
        answer = httpx.post(
            f"{base}/api/v1/runs",
            json={"assets": ["shop.customers"]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
    assert answer.status_code == 201, answer.text
    events = server.events()
    assert [(e["job"]["name"], e["eventType"]) for e in events] == [
        ("checks.shop.customers", "START"),
        ("checks.shop.customers", "COMPLETE"),
    ]
    for event in events:
        assert_valid(event)


def test_a_scheduled_run_sends_its_events_too(
    tmp_path: Path, receiver: tuple[Receiver, str]
) -> None:
    from trustwell.config.loader import load_project
    from trustwell.store import open_store
    from trustwell.web.scheduler import Scheduler

    server, url = receiver
    project_dir = make_project(tmp_path, http_settings(url))
    assets = (project_dir / "assets" / "shop.yml").read_text(encoding="utf-8")
    scheduled = assets.replace("  - name: shop.customers\n", "  - name: shop.customers\n"
                               "    schedule: '0 9 * * *'\n")  # fmt: skip
    (project_dir / "assets" / "shop.yml").write_text(scheduled, encoding="utf-8")
    project = load_project(project_dir)
    store = open_store(project.settings.store, project.root)
    try:
        done = Scheduler(project, store, interval=5, name="w").run_once()
    finally:
        store.close()
    assert "schedule:shop.customers:2026-11-22T09:00:00Z" in done
    assert [(e["job"]["name"], e["eventType"]) for e in server.events()] == [
        ("checks.shop.customers", "START"),
        ("checks.shop.customers", "COMPLETE"),
    ]
