"""No notice is lost: channel outages, failing channels and dead letters, as an operator
meets them. The store checks are in test_nothing_lost_store.py, the webhook signatures in
test_nothing_lost_signatures.py (one module would be too long to read in one sitting)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from nothing_lost_support import (
    HOOK_SECRET,
    T0,
    HookReceiver,
    hook_settings,
    live_app,
    next_due,
    prometheus_samples,
    queue,
    walk,
)
from typer.testing import CliRunner

from trustwell.auth.tokens import create_token
from trustwell.cli.app import create_app as create_cli
from trustwell.clock import isoformat
from trustwell.config.loader import load_project
from trustwell.notify.outbox import DeliveryReport, deliver_due, outbox_rows
from trustwell.store import Store, open_store
from trustwell.store.web_tables import audit_log, channel_health


@pytest.fixture
def receiver() -> Iterator[HookReceiver]:
    with HookReceiver() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = "sqlite:///" + str(tmp_path / "store.db")
    else:
        url = request.getfixturevalue("fresh_pg_url")
    opened = open_store(url, tmp_path)
    try:
        yield opened
    finally:
        opened.close()


# --- 1. retry for at least 24 hours ---------------------------------------------------------


def _outage(receiver: HookReceiver, minutes: float) -> Any:
    def world(now: Any) -> None:
        receiver.down = now < T0 + timedelta(minutes=minutes)

    return world


def test_a_25_minute_outage_delays_every_notice_and_loses_none(
    store: Store, receiver: HookReceiver
) -> None:
    settings = hook_settings(receiver.url)
    keys = queue(store, 6)
    steps = walk(store, settings, until=T0 + timedelta(days=2), seed=1,
                 before_each=_outage(receiver, 25))  # fmt: skip

    assert receiver.refused() >= 6 * 4  # the outage was real: each notice failed repeatedly
    assert sorted(receiver.accepted()) == sorted(keys)  # every one arrived, exactly once
    assert {(r.status, r.last_error) for r in outbox_rows(store)} == {("sent", None)}
    assert sum(report.dead for _, report in steps) == 0
    recovered_by = max(at for at, report in steps if report.sent)
    assert recovered_by - T0 <= timedelta(minutes=25 + 15)  # within one backoff cap of the end


def test_a_20_hour_outage_delays_every_notice_and_loses_none(
    sqlite_store: Store, receiver: HookReceiver
) -> None:
    settings = hook_settings(receiver.url)
    keys = queue(sqlite_store, 3)
    steps = walk(sqlite_store, settings, until=T0 + timedelta(days=2), seed=2,
                 before_each=_outage(receiver, 20 * 60))  # fmt: skip

    assert sorted(receiver.accepted()) == sorted(keys)
    assert {r.status for r in outbox_rows(sqlite_store)} == {"sent"}
    assert sum(report.dead for _, report in steps) == 0
    first_success = min(at for at, report in steps if report.sent)
    assert timedelta(hours=20) <= first_success - T0 <= timedelta(hours=20, minutes=15)


def test_a_channel_down_for_good_dead_letters_only_after_its_own_retry_for(
    sqlite_store: Store, receiver: HookReceiver
) -> None:
    receiver.down = True
    settings = hook_settings(receiver.url, retry_for="48h")
    queue(sqlite_store, 1)
    steps = walk(sqlite_store, settings, until=T0 + timedelta(days=5), seed=3)

    [(died_at, last)] = [(at, report) for at, report in steps if report.dead]
    assert last == DeliveryReport(dead=1)
    assert timedelta(hours=48) <= died_at - T0 <= timedelta(hours=48, minutes=15)
    assert all(report.retried == 1 for at, report in steps if at < died_at)
    [row] = outbox_rows(sqlite_store)
    assert (row.status, row.attempts) == ("dead", receiver.refused())
    assert row.last_error == f"POST http://127.0.0.1:{receiver.port}/…: HTTP 503"


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("retry_for: 5m", "retry_for '5m' is not a duration from 1h to 30d"),
        ("retry_for: 40d", "retry_for '40d' is not a duration from 1h to 30d"),
        (
            "retry_for: 99999999999999999999d",
            "retry_for '99999999999999999999d' is not a duration from 1h to 30d",
        ),
        (
            "retry_for: as long as it takes really",
            "retry_for expected a duration from 1h to 30d",
        ),
        ("alert_after: 10s", "alert_after '10s' is not a duration of at least 1m"),
        ("alert_after: 2d", "alert_after (2d) must be shorter than retry_for (1d)"),
    ],
)
def test_a_retry_window_out_of_bounds_is_refused_before_anything_runs(
    tmp_path: Path, setting: str, problem: str
) -> None:
    (tmp_path / "trustwell.yml").write_text(
        f"name: acme\nchannels:\n  ops: {{type: webhook, url: 'http://127.0.0.1:9/h', {setting}}}\n"
    )
    result = CliRunner().invoke(create_cli(), ["run", "-p", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: the project is invalid (1 problem):\n"
        f"  channels.ops: {problem} (a number and s, m, h, d or w, e.g. 48h)"
        " in trustwell.yml line 3\n"
        if "duration" in problem
        else "error: the project is invalid (1 problem):\n"
        f"  channels.ops: {problem} in trustwell.yml line 3\n"
    )
    assert not (tmp_path / ".trustwell").exists()  # no store was even created


# --- 2. alert on a failing channel ----------------------------------------------------------


def _project(
    root: Path, hook_url: str, store: str = "sqlite:///.trustwell/trustwell.db", more: str = ""
) -> Path:
    (root / "trustwell.yml").write_text(
        f"name: acme\nstore: {store}\nchannels:\n"
        f"  ops: {{type: webhook, url: '{hook_url}', secret: {HOOK_SECRET}{more}}}\n"
    )
    return root


def _opened(root: Path) -> tuple[Any, Store]:
    project = load_project(root)
    return project, open_store(project.settings.store, project.root)


def test_healthz_and_metrics_alert_on_a_channel_failing_longer_than_alert_after(
    tmp_path: Path, receiver: HookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver.down = True
    root = _project(tmp_path, f"http://tw:pw-s3cret@127.0.0.1:{receiver.port}/hook")
    project, store = _opened(root)

    def at(minutes: int) -> tuple[httpx.Response, dict[str, str]]:
        monkeypatch.setenv("TRUSTWELL_NOW", isoformat(T0 + timedelta(minutes=minutes)))
        health = httpx.get(f"{base}/healthz", timeout=30)
        metrics = httpx.get(f"{base}/metrics", timeout=30)
        for text in (health.text, metrics.text):
            assert "s3cret" not in text and "503" not in text
        return health, dict(prometheus_samples(metrics.text))

    with live_app(root) as base:
        queue(store, 2)
        assert deliver_due(store, project.settings, T0) == DeliveryReport(retried=2)

        health, samples = at(10)  # failing, but not yet for longer than alert_after (15m)
        assert (health.status_code, health.json()) == (
            200, {"status": "ok", "store": "ok", "channels_failing": []})  # fmt: skip
        assert samples['trustwell_channel_failing_seconds{channel="ops"}'] == "600"
        assert samples['trustwell_channel_alerting{channel="ops"}'] == "0"

        health, samples = at(20)
        assert health.status_code == 200  # degraded, not down: a load balancer keeps us
        assert health.json() == {
            "status": "degraded",
            "store": "ok",
            "channels_failing": [
                {
                    "channel": "ops",
                    "failing_since": "2026-11-24T09:00:00Z",
                    "failing_seconds": 1200,
                    "consecutive_failures": 2,
                    "alert_after_seconds": 900,
                }
            ],
        }
        assert samples['trustwell_channel_failing_seconds{channel="ops"}'] == "1200"
        assert samples['trustwell_channel_alerting{channel="ops"}'] == "1"
        assert samples['trustwell_outbox_pending{channel="ops"}'] == "2"
        assert samples['trustwell_outbox_dead{channel="ops"}'] == "0"
        [row] = store.read(lambda conn: conn.execute(sa.select(channel_health)).mappings().all())
        assert row["last_error"] == f"POST http://127.0.0.1:{receiver.port}/…: HTTP 503"

        receiver.down = False
        moment = T0 + timedelta(minutes=20)
        assert deliver_due(store, project.settings, moment) == DeliveryReport(sent=2)
        health, samples = at(21)
        assert health.json() == {"status": "ok", "store": "ok", "channels_failing": []}
        assert samples['trustwell_channel_failing_seconds{channel="ops"}'] == "0"
        assert samples['trustwell_channel_alerting{channel="ops"}'] == "0"
        assert samples['trustwell_outbox_pending{channel="ops"}'] == "0"
    store.close()


def test_healthz_is_503_when_the_store_cannot_be_read(
    tmp_path: Path, fresh_pg_url: str, pg_server: Any
) -> None:
    import psycopg

    root = _project(tmp_path, "http://127.0.0.1:9/hook", store=fresh_pg_url)
    name = fresh_pg_url.rsplit("/", 1)[1]
    with live_app(root) as base:
        assert httpx.get(f"{base}/healthz", timeout=30).json()["status"] == "ok"
        with psycopg.connect(pg_server.url("postgres"), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        health = httpx.get(f"{base}/healthz", timeout=30)
        assert (health.status_code, health.json()) == (
            503, {"status": "error", "store": "unavailable", "channels_failing": []})  # fmt: skip


# --- 3. dead letters stay re-sendable -------------------------------------------------------


def _dead_letter(store: Store, project: Any, receiver: HookReceiver) -> tuple[str, Any]:
    """One message, its channel down until the message is dead; (its key, when it died)."""
    receiver.down = True
    [key] = queue(store, 1)
    steps = walk(store, project.settings, until=T0 + timedelta(days=1), seed=4)
    [died_at] = [at for at, report in steps if report.dead]
    assert died_at - T0 >= timedelta(hours=1)  # the channel's retry_for
    return key, died_at


def test_a_dead_letter_requeued_from_the_cli_is_tried_again_and_delivered_once(
    tmp_path: Path, receiver: HookReceiver
) -> None:
    project, store = _opened(_project(tmp_path, receiver.url, more=", retry_for: 1h"))
    key, died_at = _dead_letter(store, project, receiver)

    after = died_at + timedelta(minutes=1)
    result = CliRunner().invoke(
        create_cli(),
        ["outbox", "retry", "1", "--as", "ada", "-p", str(tmp_path)],
        env={"TRUSTWELL_NOW": isoformat(after)},
    )
    assert (result.exit_code, result.stdout) == (0, "requeued 1\n")
    # Still down: past its window, yet a requeued message gets fresh attempts, not death.
    assert deliver_due(store, project.settings, after) == DeliveryReport(retried=1)
    receiver.down = False
    assert deliver_due(store, project.settings, next_due(store)) == DeliveryReport(sent=1)
    assert receiver.accepted() == [key]
    audit = store.read(lambda conn: conn.execute(sa.select(audit_log)).mappings().all())
    assert [(a["actor"], a["action"], a["target"]) for a in audit] == [
        ("ada", "outbox.retried", "outbox#1")
    ]
    store.close()


def test_a_dead_letter_is_requeued_through_the_api_by_an_admin_only(
    tmp_path: Path, receiver: HookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, store = _opened(_project(tmp_path, receiver.url, more=", retry_for: 1h"))
    _, died_at = _dead_letter(store, project, receiver)
    monkeypatch.setenv("TRUSTWELL_NOW", isoformat(died_at + timedelta(minutes=5)))
    tokens = {role: create_token(store, name=name, role=role, actor="test")
              for role, name in (("viewer", "vera"), ("admin", "ada"))}  # fmt: skip

    def retry(role: str, row: int) -> httpx.Response:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        return httpx.post(f"{base}/api/v1/outbox/{row}/retry", headers=headers, timeout=30)

    with live_app(tmp_path) as base:
        refused = retry("viewer", 1)
        assert refused.status_code == 403
        assert [r.status for r in outbox_rows(store)] == ["dead"]
        missing = retry("admin", 999)
        assert (missing.status_code, missing.json()) == (
            404, {"error": {"code": "not_found", "message": "no outbox message 999"}})  # fmt: skip
        requeued = retry("admin", 1)
        assert requeued.status_code == 200
        body = requeued.json()
        assert (body["id"], body["status"], body["attempts"]) == (1, "pending", 0)
        assert body["next_attempt_at"] == isoformat(died_at + timedelta(minutes=5))
        again = retry("admin", 1)
        assert (again.status_code, again.json()) == (409, {"error": {
            "code": "conflict", "message": "outbox message 1 is pending, not dead"}})  # fmt: skip
    audit = store.read(lambda conn: conn.execute(sa.select(audit_log)).mappings().all())
    assert [(a["actor"], a["target"]) for a in audit if a["action"] == "outbox.retried"] == [
        ("ada", "outbox#1")
    ]
    store.close()
