"""Several `trustwell run` processes racing on one store open one incident, not several.

The guarantee is in the database (a unique open fingerprint), so it holds on
SQLite and on PostgreSQL whatever the timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.conftest import write_project

RUNS = 4


def _race(project: Path) -> list[dict[str, object]]:
    env = {**os.environ, "TRUSTWELL_NOW": "2026-11-22T09:00:00Z"}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "trustwell",
                "run",
                "--project",
                str(project),
                "--format",
                "json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(RUNS)
    ]
    documents = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 1, stderr  # the freshness check fails
        documents.append(json.loads(stdout))
    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustwell",
            "incident",
            "list",
            "--project",
            str(project),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(listing.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_runs_open_one_incident(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    store = None
    if backend == "postgres":
        url: str = request.getfixturevalue("fresh_pg_url")
        store = url.replace("postgresql://", "postgresql+psycopg://", 1)
    warehouse = write_project(tmp_path, store)
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    found = _race(tmp_path)
    assert len(found) == 1
    (incident,) = found
    assert incident["fingerprints"] and incident["status"] == "declared"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_runs_of_different_checks_on_one_asset_open_one_incident(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    store = None
    if backend == "postgres":
        url: str = request.getfixturevalue("fresh_pg_url")
        store = url.replace("postgresql://", "postgresql+psycopg://", 1)
    warehouse = write_project(tmp_path, store)
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text()
        .replace("max_age: 26h, warn: {max_age: 20h}}", "max_age: 26h, tags: [fresh]}")
        .replace("{type: unique, column: id}", "{type: unique, column: id, tags: [dupes]}")
    )
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00", duplicate=True)
    env = {**os.environ, "TRUSTWELL_NOW": "2026-11-22T09:00:00Z"}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "trustwell",
                "run",
                "--project",
                str(tmp_path),
                "--tag",
                tag,
                "--format",
                "json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for tag in ("fresh", "dupes", "fresh", "dupes")
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 1, stderr
    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "trustwell",
            "incident",
            "list",
            "--project",
            str(tmp_path),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    (incident,) = json.loads(listing.stdout)
    assert len(incident["fingerprints"]) == 2
