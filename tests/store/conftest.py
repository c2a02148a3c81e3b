"""Fixtures for store tests: the same tests run on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trustwell.store import Store, open_store

SQLITE_URL = "sqlite:///.trustwell/trustwell.db"  # the default, relative to the project


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """A store URL for an empty store: the default SQLite file, or a fresh PG database."""
    if request.param == "sqlite":
        return SQLITE_URL
    return str(request.getfixturevalue("fresh_pg_url"))


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def store(store_url: str, project_root: Path) -> Iterator[Store]:
    opened = open_store(store_url, project_root)
    try:
        yield opened
    finally:
        opened.close()
