"""``trustwell lineage ASSET --upstream|--downstream``: what a user reads, and its errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidents.conftest import write_project
from trustwell.cli.app import create_app
from trustwell.config.loader import load_project
from trustwell.lineage.model import DatasetRef, Edge
from trustwell.lineage.records import record_edges
from trustwell.store import open_store


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    write_project(tmp_path)
    return tmp_path


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def test_downstream_lists_each_node_with_distance_state_tier_owner_and_origins(
    project_dir: Path,
) -> None:
    project = load_project(project_dir)
    store = open_store(project.settings.store, project.root)
    export = DatasetRef("s3://exports", "kpi.csv")
    edges = [Edge(DatasetRef("duckdb://w", "marts.kpi"), export)]
    store.write(lambda conn: record_edges(conn, edges, "dbt", seen=datetime.now(UTC)))
    store.close()
    code, stdout, stderr = cli(project_dir, "lineage", "raw.feed", "--downstream")
    assert (code, stderr) == (0, "")
    assert stdout == (
        "raw.feed, downstream:\n"
        "  1  marts.kpi             unknown  tier 1  growth-analytics  via yaml\n"
        "  2  s3://exports/kpi.csv  lineage-only dataset  via dbt\n"
    )


def test_depth_limits_the_hops_and_show_is_the_same_command(project_dir: Path) -> None:
    assert cli(project_dir, "lineage", "raw.feed", "--downstream", "--depth", "1") == cli(
        project_dir, "lineage", "show", "raw.feed", "--downstream", "--depth", "1"
    )
    code, stdout, _ = cli(project_dir, "lineage", "marts.kpi", "--downstream")
    assert (code, stdout) == (0, "marts.kpi, downstream:\n  nothing downstream\n")


def test_an_unknown_asset_exits_2_naming_the_nearest_assets(project_dir: Path) -> None:
    code, stdout, stderr = cli(project_dir, "lineage", "mart.kpi", "--upstream")
    assert (code, stdout) == (2, "")
    assert stderr == "error: unknown asset 'mart.kpi': did you mean 'marts.kpi'?\n"


def test_the_direction_must_be_given_once(project_dir: Path) -> None:
    for flags in ((), ("--upstream", "--downstream")):
        code, _, stderr = cli(project_dir, "lineage", "marts.kpi", *flags)
        assert (code, stderr) == (2, "error: give exactly one of --upstream or --downstream\n")
