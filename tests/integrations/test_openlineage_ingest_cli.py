"""``trustwell lineage ingest FILE|DIR``: NDJSON events, bad lines named and skipped, once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integrations.conftest import cli
from integrations.openlineage_in_support import assertions, dataset, rows, run_event


def ndjson(path: Path, *lines: Any) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_a_file_is_ingested_once_and_bad_lines_are_named_and_skipped(
    project_dir: Path, tmp_path: Path
) -> None:
    failing = run_event(outputs=[dataset("marts.kpi", facets=assertions(("nn", False, "w")))])
    no_time = run_event(run_id="e" * 8)
    del no_time["eventTime"]
    events = ndjson(
        tmp_path / "events.ndjson", run_event("START"), "{truncated", "", no_time, failing
    )
    code, stdout, stderr = cli(project_dir, "lineage", "ingest", str(events), "--as", "airflow")
    assert code == 2
    assert stderr.splitlines() == [
        f"error: {events} line 2: not valid JSON: Expecting property name enclosed in double"
        " quotes (column 2)",
        f"error: {events} line 4: eventTime: missing",
    ]
    assert stdout.splitlines() == [
        "4 events in 1 file: 2 stored, 0 already stored, 2 bad; 1 results",
        "INC-1 opened (SEV-1)",
    ]
    assert rows(project_dir, "SELECT state FROM lineage_runs") == [("COMPLETE",)]
    code, stdout, _ = cli(project_dir, "lineage", "ingest", str(events))
    assert code == 2
    assert stdout.startswith("4 events in 1 file: 0 stored, 2 already stored, 2 bad; 0 results")
    assert rows(project_dir, "SELECT COUNT(*) FROM runs") == [(1,)]


def test_a_folder_of_the_file_transport_s_files_is_read_in_name_order(
    project_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    ndjson(folder / "ol-2-COMPLETE.json", run_event("COMPLETE", at="2026-11-22T08:30:00Z"))
    ndjson(folder / "ol-1-START.json", run_event("START", at="2026-11-22T08:00:00Z"))
    (folder / ".hidden").write_text("not an event\n")
    code, stdout, stderr = cli(project_dir, "lineage", "ingest", str(folder), "--format", "json")
    assert (code, stderr) == (0, "")
    document = json.loads(stdout)
    assert (document["stored"], document["bad_lines"]) == (2, 0)
    assert [Path(f).name for f in document["files"]] == ["ol-1-START.json", "ol-2-COMPLETE.json"]
    upstream = json.loads(
        cli(project_dir, "lineage", "marts.kpi", "--upstream", "--format", "json")[1]
    )
    assert upstream["edges"][0]["origins"] == ["openlineage", "yaml"]


def test_a_missing_path_is_an_error(project_dir: Path, tmp_path: Path) -> None:
    code, _, stderr = cli(project_dir, "lineage", "ingest", str(tmp_path / "nope"))
    assert (code, stderr.strip()) == (2, f"error: {tmp_path / 'nope'}: no such file or folder")
