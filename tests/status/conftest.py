"""The incident tests' small project (raw.feed → marts.kpi, other.table), for status tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from incidents.conftest import Warehouse, write_project
from trustwell.config.loader import load_project
from trustwell.config.models import Project
from trustwell.store import Store, open_store


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    return tmp_path


@pytest.fixture
def warehouse(project_dir: Path) -> Warehouse:
    return Warehouse(project_dir)


@pytest.fixture
def project(project_dir: Path) -> Project:
    return load_project(project_dir)


@pytest.fixture
def store(project: Project) -> Iterator[Store]:
    opened = open_store(project.settings.store, project.root)
    yield opened
    opened.close()
