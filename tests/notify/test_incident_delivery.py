"""End to end: a failing run reaches a real webhook and a real SMTP server, and
`trustwell tick` walks an unacknowledged incident through its escalations."""

from __future__ import annotations

import hashlib
import hmac
import json
from email.message import Message
from pathlib import Path

import duckdb
import pytest
from notify_servers import Receiver, SMTPSink
from typer.testing import CliRunner

from trustwell.cli.app import create_app

SETTINGS = """\
name: acme
base_url: https://trust.acme.test
warehouses:
  main: {{type: duckdb, path: warehouse.duckdb}}
people:
  alice: {{email: alice@acme.test}}
  bob: {{email: bob@acme.test}}
  dave: {{email: dave@acme.test}}
teams:
  data-platform: {{members: [alice, bob], lead: dave}}
oncall:
  data-platform: {{members: [alice, bob], rotation: weekly, start: 2026-11-16T09:00:00Z}}
incident_channel: ops
channels:
  ops: {{type: webhook, url: "{hook}", secret: "${{HOOK_SECRET}}"}}
  mail: {{type: email, smtp: "smtp://127.0.0.1:{smtp}", from: trustwell@acme.test}}
response:
  SEV-1: {{ack_within: 15m, update_every: 30m, postmortem: required}}
"""

ASSETS = """\
assets:
  - name: raw.feed
    description: Daily orders feed, used by finance.
    owner: data-platform
    tier: 1
    subscribers: [finance@acme.test]
    checks:
      - {type: freshness, column: loaded_at, max_age: 26h}
"""
SECRET = "s3cret-for-tests"


@pytest.fixture
def project(
    tmp_path: Path, receiver: Receiver, smtp_sink: SMTPSink, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA raw; CREATE TABLE raw.feed (loaded_at TIMESTAMP)")
    connection.execute("INSERT INTO raw.feed VALUES ('2026-11-20 06:00:00')")
    connection.close()
    (tmp_path / "trustwell.yml").write_text(
        SETTINGS.format(hook=receiver.url + "/hook", smtp=smtp_sink.port)
    )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "feed.yml").write_text(ASSETS)
    return tmp_path


def notice_text(message: Message) -> str:
    """A subscriber e-mail's notice, without the unsubscribe link that ends every one."""
    body = message.get_payload(decode=True).decode().replace("\r\n", "\n")  # type: ignore[union-attr]
    notice, _, link = body.strip().partition("\n\n--\nTo stop these e-mails: ")
    assert link.startswith("https://trust.acme.test/unsubscribe?token="), body
    assert message["List-Unsubscribe"] == f"<{link}>"
    return notice


def cli(project: Path, *args: str) -> str:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


def test_a_failing_run_announces_the_incident_signed_and_tells_subscribers(
    project: Path, receiver: Receiver, smtp_sink: SMTPSink
) -> None:
    cli(project, "run")
    (request,) = receiver.requests
    body = request.json()
    assert request.headers["x-trustwell-event"] == "incident.declared"
    signed = request.headers["x-trustwell-timestamp"].encode() + b"." + request.body
    expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert request.headers["x-trustwell-signature"] == f"sha256={expected}"
    assert (body["event"], body["incident"]["id"], body["incident"]["severity"]) == (
        "incident.declared",
        "INC-1",
        "SEV-1",
    )
    notices = {m["To"]: m for m in smtp_sink.messages}
    assert set(notices) == {"alice@acme.test", "bob@acme.test", "finance@acme.test"}
    commander_mail = notices["alice@acme.test"].get_payload(decode=True).decode()
    assert "https://trust.acme.test/incidents/INC-1" in commander_mail
    finance = notice_text(notices["finance@acme.test"])
    # occurred_at = MAX(loaded_at) + max_age = Saturday 08:00; SEV-1 updates every 30m
    assert finance == (
        "Daily orders feed may be wrong since Saturday 08:00. "
        "We are investigating; next update by 09:30."
    )


def test_tick_escalates_an_unacknowledged_incident_then_stops_once_acked(
    project: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(project, "run")
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:10:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["escalated"] == []
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:16:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["escalated"] == ["INC-1"]
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:31:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["escalated"] == ["INC-1"]
    incident = json.loads(cli(project, "incident", "show", "INC-1", "--format", "json"))
    escalations = [e for e in incident["timeline"] if e["kind"] == "escalated"]
    assert [e["data"]["recipients"] for e in escalations] == [["alice"], ["alice", "dave"]]
    cli(project, "incident", "ack", "INC-1", "--as", "alice")
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:00:00Z")
    report = json.loads(cli(project, "tick", "--format", "json"))
    assert report["escalated"] == []
    events = [r.headers["x-trustwell-event"] for r in receiver.requests]
    assert events[:3] == ["incident.declared", "incident.escalated", "incident.escalated"]
    assert "incident.status_changed" in events


def test_tick_reminds_the_commander_when_stakeholders_wait_for_an_update(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(project, "run")
    cli(project, "incident", "ack", "INC-1", "--as", "alice")
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:20:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["reminded"] == []
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:31:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["reminded"] == ["INC-1"]
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:40:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["reminded"] == []
    cli(project, "incident", "update", "INC-1", "-m", "vendor contacted", "--as", "alice")
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:05:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["reminded"] == []
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:11:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["reminded"] == ["INC-1"]


def test_reporters_and_page_subscribers_hear_every_status_change(
    project: Path, smtp_sink: SMTPSink
) -> None:
    from trustwell.config.loader import load_project
    from trustwell.incidents.reports import submit_report
    from trustwell.status.subscriptions import subscribe
    from trustwell.store import open_store

    cli(project, "run")
    loaded = load_project(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        # Given by signed-in people (a session or a token): trusted at once.
        subscribe(store, loaded, "raw.feed", "ops-analyst@acme.test", "ops-analyst", vouched=True)
        outcome = submit_report(
            store,
            loaded,
            asset="raw.feed",
            description="orders look low",
            urgency="high",
            contact="cfo@acme.test",
            actor="rita",
            vouched=True,
        )
    finally:
        store.close()
    assert outcome.linked and outcome.incident is not None
    assert outcome.message.startswith("Already known: INC-1")
    smtp_sink.messages.clear()
    cli(project, "incident", "ack", "INC-1", "--as", "alice")
    told = {m["To"] for m in smtp_sink.messages}
    assert {"cfo@acme.test", "ops-analyst@acme.test", "finance@acme.test"} <= told


def test_a_public_update_with_an_eta_reaches_subscribers_with_it(
    project: Path, smtp_sink: SMTPSink
) -> None:
    cli(project, "run")
    smtp_sink.messages.clear()
    document = json.loads(
        cli(
            project,
            "incident",
            "update",
            "INC-1",
            "-m",
            "vendor paged",
            "--public",
            "Orders are delayed",
            "--eta",
            "2026-11-22T13:00:00Z",
            "--as",
            "alice",
            "--format",
            "json",
        )
    )
    assert document["eta"] == "2026-11-22T13:00:00Z"
    finance = next(m for m in smtp_sink.messages if m["To"] == "finance@acme.test")
    assert notice_text(finance) == (
        "Update on Daily orders feed: Orders are delayed. Expected to be fixed by 13:00."
    )


def test_an_overdue_action_item_outside_incidents_emails_its_owner_once_a_day(
    project: Path, smtp_sink: SMTPSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from trustwell.config.loader import load_project
    from trustwell.incidents.actions import add_action
    from trustwell.store import open_store

    loaded = load_project(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        item = add_action(
            store,
            None,
            "Add a volume check to raw.feed",
            "bob",
            datetime(2026, 11, 21, 12, tzinfo=UTC),
            "alice",
        )
    finally:
        store.close()
    assert json.loads(cli(project, "tick", "--format", "json"))["overdue_actions"] == 1
    (mail,) = [m for m in smtp_sink.messages if m["To"] == "bob@acme.test"]
    assert mail["Subject"] == f"Action item #{item} is overdue: Add a volume check to raw.feed"
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T12:00:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["overdue_actions"] == 0
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-23T09:30:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["overdue_actions"] == 1
    assert len([m for m in smtp_sink.messages if m["To"] == "bob@acme.test"]) == 2


def test_a_second_reminder_without_an_update_in_between_is_delivered_too(
    project: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(project, "run")
    cli(project, "incident", "ack", "INC-1", "--as", "alice")
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:31:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["reminded"] == ["INC-1"]
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:02:00Z")
    assert json.loads(cli(project, "tick", "--format", "json"))["reminded"] == ["INC-1"]
    events = [r.headers["x-trustwell-event"] for r in receiver.requests]
    assert events.count("incident.reminder") == 2
