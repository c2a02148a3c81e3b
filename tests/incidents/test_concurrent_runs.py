"""Several `trustwell run` processes racing on one store open one incident, not several.

The guarantee is in the database (a unique open fingerprint, and on PostgreSQL an
advisory lock around grouping), so it holds on SQLite and PostgreSQL whatever the
timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from incidents.conftest import Warehouse, write_project

ENV = {**os.environ, "TRUSTWELL_NOW": "2026-11-22T09:00:00Z"}


def _trustwell(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "trustwell", *args, "--project", str(project)]


def _race(project: Path, selections: list[list[str]]) -> list[dict[str, Any]]:
    """Start one `trustwell run` per selection at once; return the incidents after."""
    processes = [
        subprocess.Popen(
            _trustwell(project, "run", *selection, "--format", "json"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for selection in selections
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 1, stderr  # a check fails in every run
    listing = subprocess.run(
        _trustwell(project, "incident", "list", "--format", "json"),
        capture_output=True,
        text=True,
        env=ENV,
        check=True,
    )
    return json.loads(listing.stdout)  # type: ignore[no-any-return]


def _project(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Warehouse:
    store = None
    if backend == "postgres":
        url: str = request.getfixturevalue("fresh_pg_url")
        store = url.replace("postgresql://", "postgresql+psycopg://", 1)
    return write_project(tmp_path, store)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_runs_open_one_incident(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    _project(tmp_path, backend, request).load(feed_loaded_at="2026-11-20 06:00:00")
    (incident,) = _race(tmp_path, [[], [], [], []])
    assert incident["fingerprints"] and incident["status"] == "declared"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_runs_of_different_checks_on_one_asset_open_one_incident(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    warehouse = _project(tmp_path, backend, request)
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text()
        .replace("max_age: 26h, warn: {max_age: 20h}}", "max_age: 26h, tags: [fresh]}")
        .replace("{type: unique, column: id}", "{type: unique, column: id, tags: [dupes]}")
    )
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00", duplicate=True)
    fresh, dupes = ["--tag", "fresh"], ["--tag", "dupes"]
    (incident,) = _race(tmp_path, [fresh, dupes, fresh, dupes])
    assert len(incident["fingerprints"]) == 2
