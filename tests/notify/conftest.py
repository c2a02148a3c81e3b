"""Fixtures: a SQLite store, and real servers on 127.0.0.1 (HTTP receiver, Jira fake, SMTP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from notify_factories import JIRA_TOKEN
from notify_servers import JiraFake, Receiver, SMTPSink

from trustwell.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store("sqlite:///" + str(tmp_path / "s.db"), tmp_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def jira() -> Iterator[JiraFake]:
    server = JiraFake(JIRA_TOKEN)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SMTPSink]:
    sink = SMTPSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
