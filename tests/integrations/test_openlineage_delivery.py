"""OpenLineage out never fails a run: a receiver that is down or refuses is a warning, the
events stay queued for the next tick, /healthz says so, and the api_key never shows."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from openlineage_support import (
    API_KEY,
    LATER,
    NOW,
    Receiver,
    assert_valid,
    cli,
    http_settings,
    make_project,
    set_environment,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from threaded_server import free_port, serve_in_thread


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch)


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
