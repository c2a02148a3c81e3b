"""Fixtures of the contract tests: the demo's project and warehouse, built once per module."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from trustwell.demo.folder import write_project_files
from trustwell.demo.warehouse import build_warehouse

BUILT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project (trustwell.yml, assets/raw.yml, assets/marts.yml) over its warehouse."""
    root = tmp_path_factory.mktemp("demo")
    write_project_files(root)
    build_warehouse(root / "warehouse.duckdb", BUILT)
    return root


@pytest.fixture
def empty_project(tmp_path: Path, demo: Path) -> Path:
    """A project with the demo's settings and warehouse (by absolute path) and no asset."""
    root = tmp_path / "empty"
    root.mkdir()
    settings = (demo / "trustwell.yml").read_text(encoding="utf-8")
    warehouse = (demo / "warehouse.duckdb").as_posix()
    settings = settings.replace("path: warehouse.duckdb", f"path: {warehouse}")
    (root / "trustwell.yml").write_text(settings, encoding="utf-8")
    return root
