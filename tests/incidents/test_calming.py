"""An incident calms to ``monitoring`` on the latest result of every check that opened or
joined it, whichever runs those results came from (SPEC section 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from incidents.conftest import Warehouse
from trustwell.cli.app import create_app


def run(project: Path, *assets: str) -> dict[str, Any]:
    selection = [arg for name in assets for arg in ("--asset", name)]
    result = CliRunner().invoke(
        create_app(), ["run", *selection, "--format", "json", "--project", str(project)]
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def incident(project: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        create_app(), ["incident", "show", "INC-1", "--format", "json", "--project", str(project)]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def open_with_a_joined_downstream_check(warehouse: Warehouse, project: Path) -> None:
    """raw.feed's freshness opens INC-1; marts.kpi's row_count joins it in the same run."""
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00", kpi_rows=1)
    assert run(project)["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    assert len(incident(project)["fingerprints"]) == 2


def test_runs_of_single_assets_that_fix_every_check_move_the_incident_to_monitoring(
    project_dir: Path, warehouse: Warehouse
) -> None:
    open_with_a_joined_downstream_check(warehouse, project_dir)
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00", kpi_rows=3)
    assert run(project_dir, "marts.kpi")["incidents"] == []  # raw.feed still fails
    assert incident(project_dir)["status"] == "declared"

    warehouse.load(feed_loaded_at="2026-11-22 08:30:00", kpi_rows=3)
    document = run(project_dir, "raw.feed")
    assert document["incidents"] == [{"id": "INC-1", "action": "monitoring", "severity": "SEV-1"}]
    found = incident(project_dir)
    assert found["status"] == "monitoring" and found["resolved_at"] is None
    assert found["timeline"][-1]["text"] == (
        "Status declared → monitoring: checks pass again (freshness:loaded_at, row_count); "
        "confirm the data is fixed and backfilled before resolving"
    )


def test_a_run_of_one_fixed_asset_leaves_the_incident_while_another_check_still_fails(
    project_dir: Path, warehouse: Warehouse
) -> None:
    open_with_a_joined_downstream_check(warehouse, project_dir)
    warehouse.load(feed_loaded_at="2026-11-22 08:30:00", kpi_rows=1)
    # raw.feed passes now, but the last result of marts.kpi's row_count is a fail.
    assert run(project_dir, "raw.feed")["incidents"] == []
    assert incident(project_dir)["status"] == "declared"


def test_a_warning_counts_as_calm(project_dir: Path, warehouse: Warehouse) -> None:
    open_with_a_joined_downstream_check(warehouse, project_dir)
    warehouse.load(feed_loaded_at="2026-11-21 10:00:00", kpi_rows=3)  # 23h: warns at 20h
    run(project_dir, "marts.kpi")
    document = run(project_dir, "raw.feed")
    assert [r["status"] for r in document["results"]] == ["warn", "pass"]
    assert document["incidents"] == [{"id": "INC-1", "action": "monitoring", "severity": "SEV-1"}]


def test_a_run_that_touches_none_of_its_checks_changes_nothing(
    project_dir: Path, warehouse: Warehouse
) -> None:
    open_with_a_joined_downstream_check(warehouse, project_dir)
    assert run(project_dir, "other.table")["incidents"] == []
    assert incident(project_dir)["status"] == "declared"
