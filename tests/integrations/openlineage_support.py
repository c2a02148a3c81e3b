"""Helpers of the OpenLineage-out tests: a project, a real receiver, the spec validators.

Each event is validated against the OpenLineage JSON Schema (the spec files of the
openlineage-python release installed, kept in ``openlineage_spec/``: the package
ships the classes generated from them, not the files), its facets against their
own schemas, and read back into the official client's classes, whose ``Serde``
gives the very bytes trustwell sent.
"""

from __future__ import annotations

import json
import threading
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
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from typer.testing import CliRunner

from threaded_server import serve_in_thread
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


def running_receiver() -> Iterator[tuple[Receiver, str]]:
    """A receiver served on 127.0.0.1 until the generator is closed; (it, its base URL)."""
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


def set_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's time and the api_key's variable, as every test here uses them."""
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
