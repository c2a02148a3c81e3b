"""OpenLineage out: a real ``trustwell run`` sends its events to a real receiver on 127.0.0.1.

Each event validates against the OpenLineage JSON Schema (the spec files of the
openlineage-python release installed, kept in ``openlineage_spec/``: the
package ships the classes generated from them, not the files), its facets
against their own schemas, and reads back into the official client's classes,
whose ``Serde`` gives the very bytes trustwell sent.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import jsonschema_rs
import pytest
from openlineage.client.event_v2 import InputDataset, Job, Run, RunEvent, RunState
from openlineage.client.facet_v2 import data_quality_assertions_dataset as dqa
from openlineage.client.facet_v2 import data_quality_metrics_input_dataset as dqm
from openlineage.client.serde import Serde
from openlineage.client.transport.file import FileConfig, FileTransport
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from typer.testing import CliRunner

from threaded_server import free_port, serve_in_thread
from trustwell.cli.app import create_app

SPEC = Path(__file__).with_name("openlineage_spec")
RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
API_KEY = "ol-key-5f3a9c2e71"
NOW = "2026-11-22T09:00:00Z"
LATER = "2026-11-22T10:00:00Z"

ASSETS = """\
assets:
  - name: shop.orders
    checks:
      - {type: row_count, min: 1}
      - {type: not_null, column: email}
      - {type: unique, column: id}
      - {type: stat, column: amount, stat: null_fraction, max: 0.5}
      - {type: stat, column: amount, stat: max, max: 100}
      - {type: not_null, columns: [id, email], where: "id > 1", name: both_set}
  - name: shop.customers
    checks:
      - {type: row_count, min: 1}
"""


@dataclass
class Receiver:
    """What the receiver was sent: (path, headers, body) per request."""

    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        async def lineage(request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.requests.append((request.url.path, dict(request.headers), body))
            return Response(status_code=201)

        return Starlette(routes=[Route("/api/v1/lineage", lineage, methods=["POST"])])

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(body) for _, _, body in self.requests]


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    server = Receiver()
    with serve_in_thread(server.app()) as url:
        yield server, url


def make_project(root: Path, openlineage: str) -> Path:
    connection = duckdb.connect(str(root / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA shop")
    connection.execute("CREATE TABLE shop.orders (id INT, email VARCHAR, amount DOUBLE)")
    connection.execute(
        "INSERT INTO shop.orders VALUES (1, 'a@x.io', 10), (2, NULL, 20), (3, 'c@x.io', NULL),"
        " (4, NULL, 5)"
    )
    connection.execute("CREATE TABLE shop.customers (id INT)")
    connection.execute("INSERT INTO shop.customers VALUES (1), (2)")
    connection.close()
    settings = "name: shop\nwarehouses:\n  main: {type: duckdb, path: warehouse.duckdb}\n"
    (root / "trustwell.yml").write_text(settings + openlineage, encoding="utf-8")
    (root / "assets").mkdir()
    (root / "assets" / "shop.yml").write_text(ASSETS, encoding="utf-8")
    return root


def http_settings(url: str) -> str:
    return (
        f"openlineage:\n  transport: http\n  url: {url}\n  api_key: ${{OL_API_KEY}}\n"
        "  namespace: shop-checks\n  timeout: 2\n"
    )


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    monkeypatch.setenv("OL_API_KEY", API_KEY)


def validator(ref: str) -> Any:
    documents = {}
    for file in SPEC.glob("*.json"):
        schema = json.loads(file.read_text(encoding="utf-8"))
        documents[schema["$id"]] = schema
    return jsonschema_rs.validator_for(
        {"$ref": ref}, retriever=lambda uri: documents[uri.split("#")[0]], validate_formats=True
    )


def assert_valid(event: dict[str, Any]) -> None:
    """The event against the RunEvent schema, and each input facet against its own."""
    errors = [e.message for e in validator(RUN_EVENT).iter_errors(event)]
    assert errors == []
    for dataset in event["inputs"]:
        for facet in dataset["inputFacets"].values():
            assert [e.message for e in validator(facet["_schemaURL"]).iter_errors(facet)] == []


def client_event(document: dict[str, Any]) -> RunEvent:
    """The document read back into the client's own classes (their validators run)."""
    inputs = []
    for dataset in document["inputs"]:
        facets: dict[str, Any] = {}
        raw = dataset["inputFacets"]
        if "dataQualityAssertions" in raw:
            facet = raw["dataQualityAssertions"]
            facets["dataQualityAssertions"] = dqa.DataQualityAssertionsDatasetFacet(
                assertions=[dqa.Assertion(**a, params=None) for a in facet["assertions"]],
                producer=facet["_producer"],
            )
        if "dataQualityMetrics" in raw:
            facet = raw["dataQualityMetrics"]
            facets["dataQualityMetrics"] = dqm.DataQualityMetricsInputDatasetFacet(
                rowCount=facet.get("rowCount"),
                columnMetrics={
                    name: dqm.ColumnMetrics(**values)
                    for name, values in facet["columnMetrics"].items()
                },
                producer=facet["_producer"],
            )
        inputs.append(
            InputDataset(namespace=dataset["namespace"], name=dataset["name"], inputFacets=facets)
        )
    return RunEvent(
        eventType=RunState[document["eventType"]],
        eventTime=document["eventTime"],
        run=Run(runId=document["run"]["runId"]),
        job=Job(namespace=document["job"]["namespace"], name=document["job"]["name"]),
        inputs=inputs,
        outputs=[],
        producer=document["producer"],
    )


def results_by_asset(stdout: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for result in json.loads(stdout)["results"]:
        grouped.setdefault(result["asset"], []).append(result)
    return grouped


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


def test_an_unreachable_receiver_is_a_warning_and_the_next_tick_delivers_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    project = make_project(tmp_path, http_settings(url))
    code, stdout, stderr = cli(project, "run")
    assert code == 1  # the same exit code as without openlineage: the failing check
    assert "INC-1 opened, SEV-3, no commander: not_null:email, both_set on shop.orders" in stdout
    assert stderr.strip().splitlines()[-1] == (
        f"warning: 4 OpenLineage events not delivered (POST {url}/…: ConnectError);"
        " they stay queued and are retried by `trustwell tick` and `trustwell serve`"
    )
    code, listing, _ = cli(project, "outbox", "--format", "json")
    assert code == 0 and API_KEY not in listing
    rows = json.loads(listing)
    # Newest first. Only the first event was tried: one refusal says the receiver is down,
    # so the others wait for its retry instead of each waiting out a timeout of its own.
    assert [(r["channel"], r["event"], r["status"], r["attempts"]) for r in rows] == [
        ("openlineage", "openlineage.complete", "pending", 0),
        ("openlineage", "openlineage.start", "pending", 0),
        ("openlineage", "openlineage.fail", "pending", 0),
        ("openlineage", "openlineage.start", "pending", 1),
    ]
    assert len({r["next_attempt_at"] for r in rows}) == 1

    server = Receiver()
    with serve_in_thread(server.app(), port=port):
        monkeypatch.setenv("TRUSTWELL_NOW", LATER)  # past every backoff
        code, out, err = cli(project, "tick")
        assert code == 0, err
        assert API_KEY not in out + err
    events = server.events()
    assert sorted((e["job"]["name"], e["eventType"]) for e in events) == [
        ("checks.shop.customers", "COMPLETE"),
        ("checks.shop.customers", "START"),
        ("checks.shop.orders", "FAIL"),
        ("checks.shop.orders", "START"),
    ]
    for event in events:
        assert_valid(event)
        assert event["eventTime"] == NOW  # when the run happened, not when it was delivered
    rows = json.loads(cli(project, "outbox", "--format", "json")[1])
    assert [r["status"] for r in rows] == ["sent"] * 4


def test_a_refused_api_key_never_shows_in_the_warning_the_outbox_or_the_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def refuse(request: Request) -> Response:
        # A receiver that echoes what it was sent, key included, in its error.
        return Response(f"bad token {request.headers['authorization']}", status_code=401)

    app = Starlette(routes=[Route("/api/v1/lineage", refuse, methods=["POST"])])
    with serve_in_thread(app) as url:
        project = make_project(tmp_path, http_settings(url))
        code, stdout, stderr = cli(project, "run", "--format", "json")
        listing = cli(project, "outbox", "--format", "json")[1]
    assert code == 1
    assert "HTTP 401: bad token Bearer ***" in stderr
    assert "HTTP 401: bad token Bearer ***" in caplog.text  # the outbox's own log line
    for text in (stdout, stderr, listing, caplog.text):
        assert API_KEY not in text


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


def test_healthz_and_metrics_name_an_openlineage_receiver_down_past_alert_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from trustwell.web.app import create_app as create_web

    url = f"http://127.0.0.1:{free_port()}"
    project = make_project(tmp_path, http_settings(url) + "  alert_after: 10m\n")
    assert cli(project, "run")[0] == 1  # at NOW: the first failure
    monkeypatch.setenv("TRUSTWELL_NOW", LATER)
    with serve_in_thread(create_web(project, scheduler=False)) as base:
        health = httpx.get(f"{base}/healthz", timeout=30)
        metrics = httpx.get(f"{base}/metrics", timeout=30).text
    assert (health.status_code, health.json()["status"]) == (200, "degraded")
    [failing] = health.json()["channels_failing"]
    assert (failing["channel"], failing["failing_seconds"], failing["alert_after_seconds"]) == (
        "openlineage",
        3600,
        600,
    )
    assert 'trustwell_channel_alerting{channel="openlineage"} 1' in metrics
    assert 'trustwell_outbox_pending{channel="openlineage"} 4' in metrics
    assert API_KEY not in health.text + metrics


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


def test_a_file_that_cannot_be_written_is_a_warning_and_the_run_keeps_its_exit_code(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, "openlineage:\n  transport: file\n  path: blocked/e.ndjson\n")
    (project / "blocked").write_text("a file where the folder should be", encoding="utf-8")
    code, _, stderr = cli(project, "run")
    assert code == 1
    assert stderr.strip().splitlines()[-1] == (
        f"warning: 4 OpenLineage events not delivered (cannot append to"
        f" {project.resolve()}/blocked/e.ndjson: File exists); they stay queued and are"
        " retried by `trustwell tick` and `trustwell serve`"
    )


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
