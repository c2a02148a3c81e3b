"""``POST /api/v1/lineage`` and ``/lineage/batch`` over real HTTP: tokens, gzip, 400s, limits."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.openlineage_in_support import (
    Receiver,
    assertions,
    dataset,
    receiver,
    rows,
    run_event,
)


@pytest.fixture
def live(project_dir: Path) -> Iterator[Receiver]:
    with receiver(project_dir) as running:
        yield running


def error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def test_an_event_is_stored_with_a_reporter_token_and_answered_201(live: Receiver) -> None:
    with live.client() as client:
        response = client.post("/api/v1/lineage", json=run_event())
    assert response.status_code == 201, response.text
    assert response.json() == {
        "received": 1, "stored": 1, "duplicates": 0, "results": 0,
        "unmapped_results": 0, "incidents": [],
    }  # fmt: skip
    assert rows(live.root, "SELECT COUNT(*) FROM lineage_edges") == [(1,)]


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("viewer", 403)])
def test_without_a_reporter_token_nothing_is_stored(
    live: Receiver, role: str | None, status: int
) -> None:
    with live.client(role) as client:
        response = client.post("/api/v1/lineage", json=run_event())
    assert response.status_code == status
    assert rows(live.root, "SELECT COUNT(*) FROM lineage_events") == [(0,)]


def test_a_gzip_body_is_read(live: Receiver) -> None:
    body = gzip.compress(json.dumps(run_event()).encode())
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    with live.client() as client:
        response = client.post("/api/v1/lineage", content=body, headers=headers)
    assert response.status_code == 201, response.text
    assert rows(live.root, "SELECT COUNT(*) FROM lineage_edges") == [(1,)]


def test_a_gzip_bomb_is_refused_413_without_inflating_it(live: Receiver) -> None:
    padding = " " * (8 * 1024 * 1024)  # 8 MiB of spaces: some 8 KB compressed
    body = gzip.compress(json.dumps(run_event())[:-1].encode() + padding.encode() + b"}")
    assert len(body) < 1024 * 1024
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    with live.client() as client:
        response = client.post("/api/v1/lineage", content=body, headers=headers)
    assert error(response, 413, "too_large") == "the decompressed body is larger than 1 MiB"
    assert rows(live.root, "SELECT COUNT(*) FROM lineage_events") == [(0,)]


@pytest.mark.parametrize(
    ("content", "headers", "reason"),
    [
        (b"{not json", {}, "the body is not valid JSON: Expecting property name enclosed"),
        (b"\xff\xfe", {}, "the body is not UTF-8 text"),
        (b"[]", {}, "event: must be a JSON object"),
        (b"{}", {}, "event: has none of run, job or dataset: not an OpenLineage event"),
        (b"not gzip", {"Content-Encoding": "gzip"}, "the gzip body cannot be decompressed"),
        (b"{}", {"Content-Encoding": "br"}, "Content-Encoding 'br' is not supported"),
        (b"[" * 100_000, {}, "the body nests deeper than this server reads"),
    ],
)
def test_a_bad_body_is_a_400_with_the_reason(
    live: Receiver, content: bytes, headers: dict[str, str], reason: str
) -> None:
    with live.client() as client:
        response = client.post("/api/v1/lineage", content=content, headers=headers)
    assert error(response, 400, "invalid_event").startswith(reason)


def test_a_bad_event_beside_good_ones_stores_nothing_of_it(live: Receiver) -> None:
    bad = run_event(run_id="b" * 8)
    del bad["job"]["name"]
    with live.client() as client:
        refused = client.post("/api/v1/lineage", json=bad)
        good = client.post("/api/v1/lineage", json=run_event())
        long_name = run_event(outputs=[dataset("x" * 1001)])
        too_long = client.post("/api/v1/lineage", json=long_name)
    assert error(refused, 400, "invalid_event") == "job.name: missing"
    assert error(too_long, 400, "invalid_event") == "outputs[0].name: longer than 1,000 characters"
    assert good.status_code == 201
    assert rows(live.root, "SELECT id FROM lineage_runs") == [(run_event()["run"]["runId"],)]


def test_a_batch_is_stored_whole_and_a_bad_one_not_at_all(live: Receiver) -> None:
    failing = run_event(
        run_id="c" * 8, outputs=[dataset("marts.kpi", facets=assertions(("nn", False, "w")))]
    )
    bad = run_event(run_id="d" * 8)
    bad["eventTime"] = "soon"
    with live.client() as client:
        refused = client.post("/api/v1/lineage/batch", json=[run_event(), bad])
        assert rows(live.root, "SELECT COUNT(*) FROM lineage_events") == [(0,)]
        stored = client.post("/api/v1/lineage/batch", json=[run_event(), failing, run_event()])
        not_array = client.post("/api/v1/lineage/batch", json=run_event())
    assert error(refused, 400, "invalid_event").startswith("[1].eventTime: 'soon' is not")
    assert stored.status_code == 201, stored.text
    summary = stored.json()
    assert (summary["stored"], summary["duplicates"], summary["results"]) == (2, 1, 1)
    assert summary["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    assert error(not_array, 400, "invalid_event") == "the batch must be a JSON array of events"


def test_a_batch_may_be_larger_than_one_event_may(live: Receiver) -> None:
    # Events of 40 KB each (a long job description): 60 of them are over the 1 MiB of one event.
    def big(i: int) -> dict[str, Any]:
        event = run_event(run_id=f"{i:08d}")
        event["job"]["facets"] = {"documentation": {"description": "x" * 40_000}}
        return event

    events = [big(i) for i in range(60)]
    with live.client() as client:
        single = client.post("/api/v1/lineage", content=json.dumps(events[0]) + " " * 1024**2)
        batch = client.post("/api/v1/lineage/batch", json=events)
    assert error(single, 413, "too_large").startswith("the request body is larger than 1 MiB")
    assert batch.status_code == 201, batch.text
    assert batch.json()["stored"] == 60


def test_a_refusal_never_echoes_a_password_it_was_sent(live: Receiver) -> None:
    bad = run_event()
    bad["eventTime"] = "postgres://etl:hunter2@db:5432"
    with live.client() as client:
        response = client.post("/api/v1/lineage", json=bad)
    message = error(response, 400, "invalid_event")
    assert "hunter2" not in message and message.startswith("eventTime: 'postgres://etl:")
