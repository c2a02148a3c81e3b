"""Evidence gathered from a real store: latest results, incidents upstream, pass rates."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidents.conftest import Warehouse, write_project
from trustwell.certification.decide import decide
from trustwell.certification.evidence import DEFAULT_WINDOW, gather
from trustwell.cli.actions import open_project_store
from trustwell.cli.app import create_app
from trustwell.clock import now

USE_CASES = """\
use_cases:
  exec_reporting:
    requires: [row_count, owner, {lineage: known}, {pass_rate: 90%, window: 7d}]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Warehouse]:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    warehouse = write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    return tmp_path, warehouse


def run(root: Path) -> dict[str, object]:
    result = CliRunner().invoke(create_app(), ["run", "--format", "json", "--project", str(root)])
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_evidence_of_a_healthy_then_broken_upstream(project: tuple[Path, Warehouse]) -> None:
    root, warehouse = project
    first = run(root)
    loaded, store = open_project_store(root)
    try:
        kpi = loaded.asset("marts.kpi")
        assert kpi is not None
        evidence = gather(store, loaded, kpi, now())
        (check,) = evidence.checks
        assert (check.type, check.status, check.run_id) == ("row_count", "pass", first["run_id"])
        assert check.result_id is not None
        assert evidence.lineage_known and evidence.owner == "growth-analytics"
        assert evidence.open_incidents == ()
        assert set(evidence.pass_rates) == {DEFAULT_WINDOW, timedelta(days=7)}
        assert evidence.pass_rates[DEFAULT_WINDOW].passed == 1
        policy = loaded.settings.use_cases["exec_reporting"].policy("exec_reporting")
        assert decide(policy, evidence).state == "certified"

        warehouse.load(feed_loaded_at="2026-11-20 08:00:00")  # stale: an incident on raw.feed
        second = run(root)
        evidence = gather(store, loaded, kpi, now())
        (incident,) = evidence.open_incidents
        assert incident.upstream and incident.asset == "raw.feed"
        assert evidence.checks[0].run_id == second["run_id"]
        assert evidence.pass_rates[DEFAULT_WINDOW].total == 2
        other = loaded.asset("other.table")
        assert other is not None
        lone = gather(store, loaded, other, now())
        assert lone.open_incidents == () and not lone.lineage_known
    finally:
        store.close()
