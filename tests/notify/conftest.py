"""Fixtures: a SQLite store, and real servers on 127.0.0.1 (HTTP receiver, Jira fake, SMTP)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from notify_factories import JIRA_TOKEN
from notify_servers import JiraFake, Receiver

from trustwell.store import Store


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


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
