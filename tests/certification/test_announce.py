"""Certification changes reach owners and subscribers through the outbox, once each."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from certification.test_service import cli
from incidents.conftest import Warehouse, write_project
from trustwell.certification.announce import CHANGE_EVENT
from trustwell.certification.service import evaluate, history
from trustwell.cli.actions import open_project_store
from trustwell.errors import NotFound
from trustwell.status.subscriptions import subscribe, unsubscribe, unsubscribe_address
from trustwell.store.certification_tables import certification_decisions
from trustwell.store.incident_tables import outbox

CHANNELS = """\
channels:
  mail: {type: email, smtp: "smtp://127.0.0.1:1025", from: trustwell@acme.test}
  platform-alerts: {type: webhook, url: "http://127.0.0.1:9/hook"}
use_cases:
  exec_reporting:
    requires: [freshness, unique, owner]
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    text = settings.read_text().replace(
        "data-platform: {members: [alice, bob, carol], lead: dave}",
        "data-platform: {members: [alice, bob, carol], lead: dave, channel: platform-alerts}",
    )
    assert "channel: platform-alerts" in text
    settings.write_text(text + CHANNELS)
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "  - name: raw.feed\n",
            "  - name: raw.feed\n    use_cases: [exec_reporting]\n"
            "    subscribers: [finance@acme.test, cfo@acme.test, board@acme.test]\n",
        )
    )
    project, store = open_project_store(tmp_path)
    try:
        subscribe(store, project, "raw.feed", "ops@acme.test", "alice", vouched=True)
        subscribe(store, project, "raw.feed", "stranger@acme.test", "anonymous")  # unconfirmed
        unsubscribe(store, project, "raw.feed", "cfo@acme.test", "cfo@acme.test")
        unsubscribe_address(  # no more e-mail at all
            store, project, "board@acme.test", everything=True, actor="board@acme.test"
        )
    finally:
        store.close()
    return tmp_path


def notices(root: Path) -> list[sa.Row[Any]]:
    """The outbox rows of certification notices, oldest first, with their payloads."""
    _, store = open_project_store(root)
    query = sa.select(outbox).where(outbox.c.event == CHANGE_EVENT).order_by(outbox.c.id)
    try:
        return store.read(lambda c: list(c.execute(query)))
    finally:
        store.close()


def recipients(rows: list[sa.Row[Any]]) -> Counter[str]:
    return Counter(r.recipient or r.channel for r in rows)


def reevaluate(root: Path) -> None:
    project, store = open_project_store(root)
    try:
        evaluate(store, project)
    finally:
        store.close()


def test_revocation_tells_each_recipient_once_and_no_change_tells_nobody(root: Path) -> None:
    cli(root, "run")
    first = notices(root)
    # The owners' channel and two subscribers: cfo left, board opted out, stranger unconfirmed.
    told = {"platform-alerts", "finance@acme.test", "ops@acme.test"}
    assert recipients(first) == dict.fromkeys(told, 1)
    for row in first:
        assert row.payload["text"].startswith("raw.feed is certified for exec_reporting")
    mails = [r.payload["text"] for r in first if r.channel_type == "email"]
    assert len(mails) == 2 and all("\n\n--\nTo stop these e-mails: " in t for t in mails)
    reevaluate(root)
    assert len(notices(root)) == len(first)

    Warehouse(root).load(feed_loaded_at="2026-11-20 08:00:00")  # stale: fails, INC-1 opens
    cli(root, "run")
    revoked = [r for r in notices(root) if r.id not in {f.id for f in first}]
    assert recipients(revoked) == dict.fromkeys(told, 1)
    hook = next(r for r in revoked if r.channel_type == "webhook")
    assert hook.incident is None
    assert (hook.payload["state"], hook.payload["previous_state"]) == ("revoked", "certified")
    assert hook.payload["text"].startswith(
        "raw.feed is no longer certified for exec_reporting: freshness:"
    )
    mail = next(r for r in revoked if r.recipient == "finance@acme.test")
    assert mail.payload["subject"] == "raw.feed: no longer certified for exec_reporting"
    assert "INC-1" in mail.payload["text"] and "/unsubscribe?token=" in mail.payload["text"]
    assert "List-Unsubscribe" in mail.payload["headers"]

    reevaluate(root)
    cli(root, "run")  # still broken: the same state, no news
    assert len(notices(root)) == len(first) + len(revoked)


def test_a_second_process_deciding_the_same_change_queues_no_second_notice(root: Path) -> None:
    cli(root, "run")
    Warehouse(root).load(feed_loaded_at="2026-11-20 08:00:00")
    cli(root, "run")
    before = len(notices(root))
    project, store = open_project_store(root)
    try:
        # The other process read the same latest decision before this one's commit.
        newest = store.read(
            lambda c: c.execute(sa.select(sa.func.max(certification_decisions.c.id))).scalar()
        )
        store.write(
            lambda c: c.execute(
                certification_decisions.delete().where(certification_decisions.c.id == newest)
            )
        )
        evaluate(store, project, now=datetime(2026, 11, 22, 9, 1, tzinfo=UTC))  # a minute on
        changes = history(store, project, "raw.feed")
        assert [d.state for d in changes] == ["revoked", "certified"]  # decided again
        assert changes[0].decided_at == datetime(2026, 11, 22, 9, 1, tzinfo=UTC)
    finally:
        store.close()
    assert len(notices(root)) == before


def test_history_is_the_stored_changes_newest_first(root: Path) -> None:
    cli(root, "run")
    Warehouse(root).load(feed_loaded_at="2026-11-20 08:00:00")
    cli(root, "run")
    project, store = open_project_store(root)
    try:
        changes = history(store, project, "raw.feed")
        assert [d.state for d in changes] == ["revoked", "certified"]
        assert changes[0].id > changes[1].id and changes[0].incident_ids == ("INC-1",)
        assert [d.state for d in history(store, project, "raw.feed", limit=1)] == ["revoked"]
        assert history(store, project, "marts.kpi") == []  # no use case: never decided
        with pytest.raises(NotFound, match=r"did you mean 'raw\.feed'"):
            history(store, project, "raw.fed")
    finally:
        store.close()
