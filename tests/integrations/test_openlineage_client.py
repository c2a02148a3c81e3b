"""The real ``openlineage-python`` client against a real ``trustwell serve``.

HttpTransport with ``api_key`` (plain and gzip), a retry after a 503 that a
proxy on 127.0.0.1 provokes once, duplicates, START after COMPLETE, a failed
assertion that opens an incident of the mapped asset, a refused event beside
good ones, and the file transport's NDJSON through ``trustwell lineage ingest``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from integrations.conftest import cli, cli_json
from integrations.openlineage_in_support import Receiver, receiver, rows

PRODUCER = "https://github.com/acme/pipelines"
RUN_STATE = "SELECT id, state FROM lineage_runs ORDER BY id"


@pytest.fixture
def live(project_dir: Path) -> Iterator[Receiver]:
    with receiver(project_dir) as running:
        yield running


def client(url: str, token: str, **transport: Any) -> Any:
    """A client configured as a user's ``openlineage.yml`` would configure it."""
    from openlineage.client import OpenLineageClient

    config = {"type": "http", "url": url, "auth": {"type": "api_key", "apiKey": token}}
    return OpenLineageClient(config={"transport": config | transport})


def event(
    state: str,
    run_id: str,
    at: str = "2026-11-22T08:30:00+00:00",
    *,
    checks: list[tuple[str, bool, str | None]] | None = None,
    output: str = "marts.kpi",
) -> Any:
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent
    from openlineage.client.event_v2 import RunState as State
    from openlineage.client.facet_v2 import data_quality_assertions_dataset as dqa

    facets = {}
    if checks is not None:
        facets["dataQualityAssertions"] = dqa.DataQualityAssertionsDatasetFacet(
            assertions=[dqa.Assertion(assertion=a, success=s, column=c) for a, s, c in checks]
        )
    return RunEvent(
        eventType=State[state],
        eventTime=at,
        run=Run(runId=run_id),
        job=Job(namespace="airflow", name="build_kpi"),
        inputs=[InputDataset(namespace="duckdb://warehouse", name="raw.feed")],
        outputs=[OutputDataset(namespace="duckdb://warehouse", name=output, facets=facets)],
        producer=PRODUCER,
    )


def test_http_transport_with_an_api_key_stores_lineage_and_duplicates_once(
    live: Receiver,
) -> None:
    run_id = str(uuid.uuid4())
    sender = client(live.url, live.tokens["reporter"])
    sender.emit(event("COMPLETE", run_id))
    sender.emit(event("START", run_id, "2026-11-22T08:00:00+00:00"))  # out of order
    sender.emit(event("COMPLETE", run_id))  # sent again
    assert rows(live.root, RUN_STATE) == [(run_id, "COMPLETE")]
    assert rows(live.root, "SELECT COUNT(*) FROM lineage_events") == [(2,)]
    upstream = cli_json(live.root, "lineage", "marts.kpi", "--upstream")
    assert upstream["edges"] == [
        {"upstream": "raw.feed", "downstream": "marts.kpi", "origins": ["openlineage", "yaml"]}
    ]


def test_a_gzip_client_s_failed_assertion_opens_an_incident_of_the_mapped_asset(
    live: Receiver,
) -> None:
    sender = client(live.url, live.tokens["reporter"], compression="gzip")
    sender.emit(event("COMPLETE", str(uuid.uuid4()), checks=[("not_null", False, "week")]))
    (incident,) = cli_json(live.root, "incident", "list")
    assert (incident["root_asset"], incident["detection_source"]) == ("marts.kpi", "external")
    assert incident["title"] == "openlineage:not_null(week) failed on marts.kpi"
    assert rows(live.root, "SELECT trigger, actor FROM runs") == [
        ("import:openlineage", "reporter-bot")
    ]


def test_a_viewer_token_is_refused_and_the_client_is_told(live: Receiver) -> None:
    import requests

    with pytest.raises(requests.HTTPError) as refused:
        client(live.url, live.tokens["viewer"]).emit(event("START", str(uuid.uuid4())))
    assert refused.value.response.status_code == 403
    assert rows(live.root, "SELECT COUNT(*) FROM lineage_events") == [(0,)]


def test_a_refused_event_beside_good_ones_is_a_400_with_the_reason(live: Receiver) -> None:
    import requests

    sender = client(live.url, live.tokens["reporter"])
    good = str(uuid.uuid4())
    sender.emit(event("START", good, "2026-11-22T08:00:00+00:00"))
    with pytest.raises(requests.HTTPError) as refused:
        sender.emit(event("COMPLETE", str(uuid.uuid4()), output="x" * 1001))
    sender.emit(event("COMPLETE", good))
    response = refused.value.response
    assert response.status_code == 400
    assert response.json()["error"]["message"] == ("outputs[0].name: longer than 1,000 characters")
    assert rows(live.root, RUN_STATE) == [(good, "COMPLETE")]


class FlakyProxy:
    """Forwards to ``target``, but answers the first POST with 503 (what a restart looks like)."""

    def __init__(self, target: str) -> None:
        self.target, self.seen = target, 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                proxy.seen += 1
                if proxy.seen == 1:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                keep = ("authorization", "content-type", "content-encoding")
                headers = {k: v for k, v in self.headers.items() if k.lower() in keep}
                answer = httpx.post(proxy.target + self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_client_retries_after_a_503_and_the_event_is_stored_once(live: Receiver) -> None:
    proxy = FlakyProxy(live.url)
    try:
        run_id = str(uuid.uuid4())
        sender = client(proxy.url, live.tokens["reporter"], compression="gzip")
        sender.emit(event("COMPLETE", run_id, checks=[("unique", False, None)]))
    finally:
        proxy.close()
    assert proxy.seen == 2
    assert rows(live.root, RUN_STATE) == [(run_id, "COMPLETE")]
    assert [i["root_asset"] for i in cli_json(live.root, "incident", "list")] == ["marts.kpi"]


def test_the_file_transport_s_ndjson_is_ingested_once(project_dir: Path, tmp_path: Path) -> None:
    from openlineage.client import OpenLineageClient

    path = tmp_path / "openlineage.ndjson"
    config = {"type": "file", "log_file_path": str(path), "append": True}
    writer = OpenLineageClient(config={"transport": config})
    run_id = str(uuid.uuid4())
    writer.emit(event("START", run_id, "2026-11-22T08:00:00+00:00"))
    writer.emit(event("FAIL", run_id, checks=[("row_count", False, None)]))
    writer.close()
    assert len(path.read_text().splitlines()) == 2
    code, stdout, stderr = cli(project_dir, "lineage", "ingest", str(path))
    assert (code, stderr) == (0, "")
    assert stdout.splitlines() == [
        "2 events in 1 file: 2 stored, 0 already stored, 0 bad; 1 results",
        "INC-1 opened (SEV-1)",
    ]
    assert cli(project_dir, "lineage", "ingest", str(path))[1].startswith(
        "2 events in 1 file: 0 stored, 2 already stored"
    )
    assert rows(project_dir, RUN_STATE) == [(run_id, "FAIL")]
