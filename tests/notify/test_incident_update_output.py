"""``incident update`` says what it posted, who was told (never an address) and the ETA."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from notify_servers import Receiver, SMTPSink
from typer.testing import CliRunner

from trustwell.cli.app import create_app

SETTINGS = """\
name: acme
base_url: https://trust.acme.test
timezone: Europe/Berlin
warehouses:
  main: {{type: duckdb, path: warehouse.duckdb}}
people:
  alice: {{email: alice@acme.test}}
  bob: {{email: bob@acme.test}}
teams:
  data-platform: {{members: [alice, bob]}}
oncall:
  data-platform: {{members: [alice, bob], rotation: weekly, start: 2026-11-16T09:00:00Z}}
incident_channel: ops
channels:
  ops: {{type: webhook, url: "{hook}"}}
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
    subscribers: [finance@acme.test, cfo@acme.test]
    checks:
      - {type: freshness, column: loaded_at, max_age: 26h}
"""


@pytest.fixture
def project(
    tmp_path: Path, receiver: Receiver, smtp_sink: SMTPSink, monkeypatch: pytest.MonkeyPatch
) -> Path:
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
    CliRunner().invoke(create_app(), ["run", "--project", str(tmp_path)])
    return tmp_path


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def test_a_public_update_says_who_was_told_and_the_eta(
    project: Path, smtp_sink: SMTPSink, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:10:00Z")
    smtp_sink.messages.clear()
    args = ["-m", "vendor contacted", "--public", "Orders are delayed", "--as", "alice"]
    code, stdout, stderr = cli(
        project, "incident", "update", "INC-1", *args, "--eta", "2026-11-22T14:00:00Z"
    )
    assert code == 0, stderr
    assert stdout.splitlines() == [
        "INC-1 SEV-1 declared: update posted by alice",
        "  internal: vendor contacted",
        "  public: Orders are delayed",
        "  ETA: 2026-11-22 15:00 CET",
        "  notices queued for ops (webhook) and 4 e-mail addresses",
        "  next update due by 2026-11-22 10:40 CET",
    ]
    assert "@" not in stdout
    # what it says was queued is what was sent
    assert {m["To"] for m in smtp_sink.messages} == {
        "alice@acme.test",
        "bob@acme.test",
        "finance@acme.test",
        "cfo@acme.test",
    }
    assert receiver.requests[-1].headers["x-trustwell-event"] == "incident.updated"


def test_an_internal_update_without_an_eta_says_so(project: Path) -> None:
    code, stdout, _ = cli(project, "incident", "update", "INC-1", "-m", "looking", "--as", "bob")
    assert code == 0
    lines = stdout.splitlines()
    assert lines[2:5] == [
        "  public: none (the status page and subscribers are not told)",
        "  ETA: none given",
        "  notices queued for ops (webhook) and 2 e-mail addresses",  # commander and expert
    ]


def test_json_stays_the_incident_document(project: Path) -> None:
    code, stdout, _ = cli(project, "incident", "update", "INC-1", "-m", "x", "--format", "json")
    assert code == 0
    assert json.loads(stdout)["id"] == "INC-1"
