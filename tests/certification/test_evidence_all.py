"""``gather_all`` reads every asset's evidence at once and scores exactly as ``gather_in``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidents.conftest import Warehouse, write_project
from trustwell.certification.evidence import DEFAULT_WINDOW, gather_in, slo_evidence
from trustwell.certification.evidence_all import gather_all
from trustwell.certification.score import trust_score
from trustwell.cli.actions import open_project_store
from trustwell.cli.app import create_app
from trustwell.clock import now
from trustwell.incidents.service import declare
from trustwell.lineage.service import lineage_graph


def cli(root: Path, *args: str) -> None:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(root)])
    assert result.exit_code in (0, 1), result.stderr


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "    upstream: [raw.feed]\n",
            "    upstream: [raw.feed]\n"
            "    description: Weekly KPIs.\n"
            "    slos:\n      - {check: row_count, objective: 90%, window: 28d}\n",
        )
    )
    return tmp_path


def test_every_assets_evidence_scores_as_one_assets_does(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = Warehouse(root)
    cli(root, "run")
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00", duplicate=True, kpi_rows=2)
    cli(root, "run")  # raw.feed stale and duplicated, marts.kpi short: incidents open
    project, store = open_project_store(root)
    try:
        declare(store, project, asset="marts.kpi", title="KPI looks wrong", actor="bob")
        declare(  # an open drill never counts
            store, project, asset="other.table", title="Drill", actor="alice", drill=True
        )
        moment = now()
        slos = {a.name: slo_evidence(store, project, a, moment) for a in project.assets if a.slos}
        assert slos["marts.kpi"]  # the SLO is read, and missed or burning
        every = store.read(
            lambda c: gather_all(c, project, moment, lineage_graph(c, project), slos)
        )
        assert set(every) == {a.name for a in project.assets}
        for asset in project.assets:
            one = store.read(
                lambda c, a=asset: gather_in(c, project, a, moment, slos.get(a.name, ()))
            )
            bulk = every[asset.name]
            assert bulk.checks == one.checks
            assert bulk.open_incidents == one.open_incidents
            assert (bulk.lineage_known, bulk.owner, bulk.description, bulk.slos) == (
                one.lineage_known,
                one.owner,
                one.description,
                one.slos,
            )
            rate, expected = bulk.pass_rates[DEFAULT_WINDOW], one.pass_rates[DEFAULT_WINDOW]
            assert (rate.passed, rate.total) == (expected.passed, expected.total)
            assert trust_score(bulk) == trust_score(one)
        kpi = every["marts.kpi"]
        # the feed's (marts.kpi's failure joined it), then the one declared on marts.kpi
        assert [i.upstream for i in kpi.open_incidents] == [True, False]
        assert every["other.table"].open_incidents == ()
        assert trust_score(kpi).value < trust_score(every["other.table"]).value
    finally:
        store.close()
