"""A check that keeps failing is one timeline entry per incident and check, kept
current ("still failing: 3 runs since 09:00"), and one line in the post-mortem."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from incidents.conftest import Warehouse
from trustwell.cli.app import create_app
from trustwell.incidents.model import AffectedAsset, IncidentSnapshot, TimelineEntry
from trustwell.incidents.postmortem import draft_postmortem

STALE = "2026-11-20 06:00:00"


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def run_at(project: Path, monkeypatch: pytest.MonkeyPatch, now: str) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", now)
    code, _, stderr = cli(project, "run", "--format", "json")
    assert code == 1, stderr


def timeline(project: Path) -> list[dict[str, Any]]:
    code, stdout, stderr = cli(project, "incident", "show", "INC-1", "--format", "json")
    assert code == 0, stderr
    return json.loads(stdout)["timeline"]  # type: ignore[no-any-return]


def test_reruns_keep_one_entry_current(
    project_dir: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.load(feed_loaded_at=STALE)
    for now in ("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"):
        run_at(project_dir, monkeypatch, now)
    entries = timeline(project_dir)
    assert [e["kind"] for e in entries] == ["declared", "still_failing"]
    entry = entries[1]
    assert entry["at"] == "2026-11-22T11:00:00Z"
    assert entry["text"] == (
        "freshness:loaded_at on raw.feed still failing: 3 runs since 09:00 "
        "(latest: last row loaded 2d 5h ago (allowed 26h))"
    )


def test_each_check_that_keeps_failing_has_its_own_entry(
    project_dir: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.load(feed_loaded_at=STALE, duplicate=True)
    for now in ("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "2026-11-23T08:00:00Z"):
        run_at(project_dir, monkeypatch, now)
    texts = [e["text"] for e in timeline(project_dir) if e["kind"] == "still_failing"]
    assert texts == [
        "freshness:loaded_at on raw.feed still failing: 3 runs since Sun 22 Nov 09:00 "
        "(latest: last row loaded 3d 2h ago (allowed 26h))",
        "unique:id on raw.feed still failing: 3 runs since Sun 22 Nov 09:00 "
        "(latest: 1 row duplicating another row's id (33.33% of 3); allowed 0)",
    ]


def test_a_pass_in_between_starts_the_count_again(
    project_dir: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.load(feed_loaded_at=STALE)
    run_at(project_dir, monkeypatch, "2026-11-22T09:00:00Z")
    run_at(project_dir, monkeypatch, "2026-11-22T10:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-22 10:30:00")
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T11:00:00Z")
    assert cli(project_dir, "run")[0] == 0  # passes: the incident moves to monitoring
    warehouse.load(feed_loaded_at=STALE)
    run_at(project_dir, monkeypatch, "2026-11-22T12:00:00Z")
    run_at(project_dir, monkeypatch, "2026-11-22T13:00:00Z")
    texts = [e["text"] for e in timeline(project_dir) if e["kind"] == "still_failing"]
    assert texts == [
        "freshness:loaded_at on raw.feed still failing: 2 runs since 12:00 "
        "(latest: last row loaded 2d 7h ago (allowed 26h))"
    ]


def test_the_postmortem_shows_a_check_that_kept_failing_once(
    project_dir: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.load(feed_loaded_at=STALE)
    for now in ("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"):
        run_at(project_dir, monkeypatch, now)
    code, _, stderr = cli(project_dir, "postmortem", "INC-1")
    assert code == 0, stderr
    draft = (project_dir / "postmortems" / "INC-1.md").read_text()
    rows = [line for line in draft.splitlines() if "still failing" in line.lower()]
    assert rows == [
        "| 2026-11-22 11:00 UTC | trustwell | freshness:loaded_at on raw.feed still failing: "
        "3 runs since 09:00 (latest: last row loaded 2d 5h ago (allowed 26h)) |"
    ]


def test_entries_written_per_run_by_an_older_version_show_once() -> None:
    def at(hour: int) -> datetime:
        return datetime(2026, 11, 22, hour, tzinfo=UTC)

    legacy = {"asset": "raw.feed", "checks": ["freshness:loaded_at"]}
    incident = IncidentSnapshot(
        id="INC-1",
        title="freshness:loaded_at failed on raw.feed",
        severity="SEV-1",
        status="investigating",
        detection_source="check",
        root_asset="raw.feed",
        assets=(AffectedAsset("raw.feed", "root"),),
        fingerprints=("abc",),
        commander="alice",
        smes=("alice",),
        runbook=None,
        occurred_at=at(8),
        declared_at=at(9),
        acknowledged_at=None,
        resolved_at=None,
        closed_at=None,
        dismissed_at=None,
        drill=False,
        cause=None,
        summary=None,
        timeline=(
            TimelineEntry(at(9), "trustwell", "declared", "declared by freshness:loaded_at"),
            TimelineEntry(at(10), "trustwell", "still_failing", "Still failing (10)", None, legacy),
            TimelineEntry(at(10), "alice", "ack", "acknowledged"),
            TimelineEntry(at(11), "trustwell", "still_failing", "Still failing (11)", None, legacy),
        ),
    )
    rows = [line for line in draft_postmortem(incident, [], []).splitlines() if "|" in line]
    assert [row.split(" | ")[-1] for row in rows[2:]] == [
        "declared by freshness:loaded_at |",
        "acknowledged |",
        "Still failing (11) |",
    ]
