"""An OpenLineage event that reports an asset's upstream re-evaluates its certification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidents.conftest import write_project
from trustwell.certification.service import current
from trustwell.cli.actions import open_project_store
from trustwell.cli.app import create_app

USE_CASES = """\
use_cases:
  lineage_known:
    requires: [row_count, {lineage: known}]
"""

EVENT = {
    "eventType": "COMPLETE",
    "eventTime": "2026-11-22T08:30:00Z",
    "producer": "https://example.test/etl",
    "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent",
    "run": {"runId": "0190a9b4-0000-7000-8000-000000000001"},
    "job": {"namespace": "etl", "name": "build_other"},
    "inputs": [{"namespace": "duckdb://warehouse", "name": "raw.feed"}],
    "outputs": [{"namespace": "duckdb://warehouse", "name": "other.table"}],
}


def test_ingested_lineage_certifies_an_asset_that_needs_known_lineage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "  - name: other.table\n", "  - name: other.table\n    use_cases: [lineage_known]\n"
        )
    )
    runner, app = CliRunner(), create_app()
    runner.invoke(app, ["run", "--project", str(tmp_path)])

    def state() -> str:
        project, store = open_project_store(tmp_path)
        try:
            (decision,) = current(store, project, "other.table")
            return decision.state
        finally:
            store.close()

    assert state() == "uncertified"
    event = tmp_path / "event.json"
    event.write_text(json.dumps(EVENT))
    result = runner.invoke(app, ["lineage", "ingest", str(event), "--project", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert state() == "certified"
