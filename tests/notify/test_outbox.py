"""The outbox: stored with the change, delivered with retries, never lost, never sent twice."""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from notify_factories import DECLARED, assets, incident, settings, with_entry
from notify_servers import Receiver
from typer.testing import CliRunner

from trustwell.cli import outbox as outbox_cli
from trustwell.clock import isoformat
from trustwell.config.models import ProjectSettings
from trustwell.incidents.model import TimelineEntry
from trustwell.notify import OutgoingMessage, plan_messages
from trustwell.notify.outbox import (
    DeliveryReport,
    _claim,
    deliver_due,
    enqueue,
    outbox_rows,
    retry_dead,
)
from trustwell.store import Store, open_store
from trustwell.store.incident_tables import outbox

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def hook_settings(url: str, **channel: Any) -> ProjectSettings:
    return settings({"ops": {"type": "webhook", "url": url, **channel}}, incident_channel="ops")


def some_messages(config: ProjectSettings, count: int = 3) -> list[OutgoingMessage]:
    """``count`` incident.updated events on INC-7, one channel message each."""
    messages: list[OutgoingMessage] = []
    snapshot = incident()
    for n in range(count):
        at = DECLARED + timedelta(minutes=n + 1)
        snapshot = with_entry(snapshot, TimelineEntry(at, "alice", "update", f"update {n}"))
        messages += plan_messages("incident.updated", snapshot, config, assets())
    return messages


def put(store: Store, messages: list[OutgoingMessage], now: datetime = T0) -> int:
    return store.write(lambda conn: enqueue(conn, messages, now))


def next_due(store: Store) -> datetime | None:
    pending = outbox_rows(store, "pending")
    return max((r.next_attempt_at for r in pending), default=None)


def test_enqueue_twice_stores_each_message_once(store: Store) -> None:
    messages = some_messages(hook_settings("http://127.0.0.1:9/hook"))
    assert put(store, messages) == 3
    assert put(store, messages + messages) == 0
    rows = outbox_rows(store)
    assert [(r.status, r.attempts, r.incident) for r in rows] == [("pending", 0, 7)] * 3


def test_enqueue_is_part_of_the_callers_transaction(store: Store) -> None:
    messages = some_messages(hook_settings("http://127.0.0.1:9/hook"))

    def change_then_fail(conn: sa.Connection) -> None:
        enqueue(conn, messages, T0)
        raise RuntimeError("the incident change failed")

    with pytest.raises(RuntimeError):
        store.write(change_then_fail)
    assert outbox_rows(store) == []


def test_channel_failing_three_times_still_receives_every_message_exactly_once(
    store: Store, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = hook_settings(receiver.url + "/hook")
    messages = some_messages(config)
    put(store, messages)
    receiver.script.extend([500, 500, 500])
    rng = random.Random(7)

    now = T0
    reports = []
    for _ in range(6):  # ticks, each just after the latest scheduled retry
        monkeypatch.setenv("TRUSTWELL_NOW", isoformat(now))
        reports.append(deliver_due(store, config, rng=rng))
        now = (next_due(store) or now) + timedelta(seconds=1)

    assert reports[0] == DeliveryReport(sent=0, retried=3, dead=0)
    assert reports[1] == DeliveryReport(sent=3, retried=0, dead=0)
    assert reports[2:] == [DeliveryReport()] * 4
    succeeded = receiver.deliveries()[3:]
    assert sorted(succeeded) == sorted(m.dedupe_key for m in messages)
    assert len(receiver.requests) == 6  # three failures, three successes, nothing after
    bodies = [r.json()["incident"]["timeline"][-1]["text"] for r in receiver.requests[3:]]
    assert sorted(bodies) == ["update 0", "update 1", "update 2"]
    assert {(r.status, r.attempts, r.last_error) for r in outbox_rows(store)} == {("sent", 2, None)}


def test_backoff_grows_exponentially_with_full_jitter(store: Store, receiver: Receiver) -> None:
    config = hook_settings(receiver.url + "/hook")
    put(store, some_messages(config, count=1))
    receiver.script.extend([500] * 7)
    now, delays = T0, []
    for _ in range(7):
        deliver_due(store, config, now)
        due = next_due(store)
        assert due is not None
        delays.append((due - now).total_seconds())
        now = due
    ceilings = [30, 60, 120, 240, 480, 900, 900]  # doubling from 30 s, capped at 15 minutes
    assert all(1 <= d <= c for d, c in zip(delays, ceilings, strict=True)), delays


def test_dead_after_the_retry_window_is_listed_and_can_be_retried(
    store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    url = receiver.url + "/hook"
    (tmp_path / "trustwell.yml").write_text(
        "name: acme\nstore: sqlite:///store.db\nincident_channel: ops\n"
        f"channels:\n  ops: {{type: webhook, url: '{url}', secret: hook-secret-value,"
        " retry_for: 1h}\n"
    )
    config = hook_settings(url, secret="hook-secret-value", retry_for="1h")
    put(store, some_messages(config, count=1))
    receiver.script.extend([503] * 500)
    now, rng = T0, random.Random(3)
    while outbox_rows(store, "pending"):
        deliver_due(store, config, now, rng=rng)
        now = next_due(store) or now
    receiver.script.clear()

    app = typer.Typer()
    outbox_cli.register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["outbox", "--status", "dead", "--format", "json",
                                 "--project", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["status"] == "dead"
    assert row["attempts"] == len(receiver.requests) >= 8
    last_attempt = datetime.fromisoformat(row["next_attempt_at"])  # due then, and tried then
    assert last_attempt - T0 >= timedelta(hours=1)  # retry_for
    assert row["incident"] == "INC-7"
    assert row["event"] == "incident.updated"
    assert row["channel"] == "ops"
    assert row["last_error"] == (
        f'POST http://127.0.0.1:{receiver.port}/…: HTTP 503: {{"ok": false}}'
    )

    result = runner.invoke(app, ["outbox", "retry", str(row["id"]), "999", "-p", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == f"requeued {row['id']}\n"
    assert "error: not dead (or unknown): 999" in result.stderr
    result = runner.invoke(app, ["outbox", "deliver", "-p", str(tmp_path)])
    assert (result.exit_code, result.stdout) == (0, "sent 1, retried 0, dead 0\n")
    text = runner.invoke(app, ["outbox", "-p", str(tmp_path)], env={"COLUMNS": "200"}).stdout
    assert "incident.updated" in text
    assert "sent" in text


def test_retry_dead_ignores_rows_that_are_not_dead(store: Store) -> None:
    put(store, some_messages(hook_settings("http://127.0.0.1:9/hook"), count=1))
    assert retry_dead(store, [1, 2]) == []


def test_secrets_never_reach_last_error(store: Store, receiver: Receiver) -> None:
    channels = {
        "chat": {"type": "slack", "webhook_url": receiver.url + "/services/T0/B0/SLACKSECRET"},
        "ops": {"type": "webhook", "url": f"http://user:pw-s3cret@127.0.0.1:{receiver.port}/h"},
    }
    config = settings(channels, incident_channel="chat", teams={
        "data-platform": {"members": ["alice"], "channel": "ops"}})  # fmt: skip
    put(store, plan_messages("incident.declared", incident(), config, assets()))
    receiver.script.extend([500, 500])
    assert deliver_due(store, config, T0) == DeliveryReport(retried=2)
    errors = [r.last_error or "" for r in outbox_rows(store)]
    assert len(errors) == 2
    for error in errors:
        assert error.startswith(f"POST http://127.0.0.1:{receiver.port}/…: HTTP 500")
        assert "SLACKSECRET" not in error
        assert "s3cret" not in error


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends(store: Store) -> None:
    put(store, some_messages(hook_settings("http://127.0.0.1:9/hook")))
    lease_end = T0 + timedelta(minutes=5)

    def claim(now: datetime) -> list[int]:
        claimed = store.write(
            lambda conn: _claim(conn, now=now, until=lease_end, batch=10, exclude=())
        )
        return [d.id for d in claimed]

    assert claim(T0) == [1, 2, 3]
    assert claim(T0 + timedelta(minutes=4)) == []
    assert claim(lease_end + timedelta(seconds=1)) == [1, 2, 3]


def test_two_deliverers_at_once_deliver_every_row_exactly_once(
    tmp_path: Path, receiver: Receiver
) -> None:
    config = hook_settings(receiver.url + "/hook")
    stores = [open_store("sqlite:///" + str(tmp_path / "s.db"), tmp_path) for _ in range(2)]
    try:
        put(stores[0], some_messages(config, count=40))
        reports: list[DeliveryReport] = []

        def work(store: Store) -> None:
            reports.append(deliver_due(store, config, T0))

        threads = [threading.Thread(target=work, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sum(r.sent for r in reports) == 40
        keys = receiver.deliveries()
        assert len(keys) == len(set(keys)) == 40
        count = stores[0].read(
            lambda conn: conn.execute(
                sa.select(sa.func.count()).where(outbox.c.status == "sent")
            ).scalar_one()
        )
        assert count == 40
    finally:
        for store in stores:
            store.close()


def test_two_deliverers_on_postgresql_deliver_every_row_exactly_once(
    fresh_pg_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    config = hook_settings(receiver.url + "/hook")
    url = fresh_pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    stores = [open_store(url, tmp_path) for _ in range(3)]
    try:
        put(stores[0], some_messages(config, count=60))
        assert put(stores[1], some_messages(config, count=60)) == 0  # ON CONFLICT on PG too
        reports: list[DeliveryReport] = []

        def work(store: Store) -> None:
            reports.append(deliver_due(store, config, T0))

        threads = [threading.Thread(target=work, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sum(r.sent for r in reports) == 60
        keys = receiver.deliveries()
        assert len(keys) == len(set(keys)) == 60
        assert {r.status for r in outbox_rows(stores[0])} == {"sent"}
    finally:
        for store in stores:
            store.close()


def test_a_deliverer_whose_lease_ran_out_mid_batch_stops_even_with_a_fixed_now(
    store: Store, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tick and the web scheduler always pass ``now``: the lease must still be
    # measured in real elapsed time, or a slow batch delivers rows that another
    # deliverer has claimed since (sent twice).
    from trustwell.notify import outbox as outbox_module

    config = hook_settings(receiver.url + "/hook")
    put(store, some_messages(config))
    seconds = iter(range(0, 10_000, 300))  # five minutes pass between readings
    monkeypatch.setattr(outbox_module, "monotonic", lambda: float(next(seconds)))
    report = deliver_due(store, config, T0)
    assert report == DeliveryReport(sent=1)
    assert len(receiver.requests) == 1
    assert [r.status for r in outbox_rows(store)] == ["pending", "pending", "sent"]
