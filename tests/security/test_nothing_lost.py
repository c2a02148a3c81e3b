"""No notice and no result is lost: channel outages, failing channels, dead letters, a broken
store, and replayed webhooks — each as an operator or an attacker would meet it."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from nothing_lost_support import (
    DOCS,
    T0,
    HookReceiver,
    KnockCounter,
    hook_settings,
    live_app,
    next_due,
    prometheus_samples,
    python_block,
    queue,
    walk,
)
from typer.testing import CliRunner

from trustwell.auth.tokens import create_token
from trustwell.cli.app import create_app as create_cli
from trustwell.clock import isoformat
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


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store("sqlite:///" + str(tmp_path / "store.db"), tmp_path)
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
        ("retry_for: 5m", "'retry_for': '5m' is not a duration from 1h to 30d"),
        ("retry_for: 40d", "'retry_for': '40d' is not a duration from 1h to 30d"),
        (
            "retry_for: 99999999999999999999d",
            "'retry_for': '99999999999999999999d' is not a duration from 1h to 30d",
        ),
        ("retry_for: as long as it takes really", "'retry_for': expected a duration from 1h to 30d"),
        ("alert_after: 10s", "'alert_after': '10s' is not a duration of at least 1m"),
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
