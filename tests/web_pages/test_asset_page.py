"""The asset page: each check's history chart and its latest value, as stored."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from incidents.conftest import Warehouse
from trustwell.config.models import Project


def _chart_of(html: str, check: str) -> str:
    """The history SVG in the row of ``check``."""
    row = html.split(f'<th scope="row">{check}', 1)[1].split("</tr>", 1)[0]
    return row.split('<svg class="spark"', 1)[1].split("</svg>", 1)[0]


def _marks(svg: str) -> list[str]:
    return re.findall(r'class="spark-(pass|warn|fail)"', svg)


def test_two_runs_in_the_same_second_keep_each_its_own_status_on_the_chart(
    client: TestClient, project_dir: Path, project: Project
) -> None:
    from trustwell.checks.service import run_project

    warehouse = Warehouse(project_dir)
    # TRUSTWELL_NOW is fixed: both runs are stored at the same second.
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=1)  # row_count min 3: fail
    run_project(project, [a for a in project.assets if a.name == "marts.kpi"])
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=5)  # passes again
    run_project(project, [a for a in project.assets if a.name == "marts.kpi"])

    chart = _chart_of(client.get("/assets/marts.kpi").text, "row_count")
    assert _marks(chart) == ["fail", "pass"]  # oldest first, as the store holds them


def test_the_public_copy_of_an_asset_carries_no_check_message_in_its_history(
    client: TestClient, project_dir: Path, project: Project
) -> None:
    from trustwell.checks.service import run_project
    from trustwell.status.detail import public_view
    from trustwell.status.state import asset_detail

    Warehouse(project_dir).load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=1)
    run_project(project)
    store = client.app.state.store  # type: ignore[attr-defined]
    detail = asset_detail(store, project, "marts.kpi")
    assert detail.checks[0].runs[0].message == "row count is 1, expected at least 3"
    shown = public_view(detail)
    assert [run.message for c in shown.checks for run in c.runs] == [""]
    assert shown.checks[0].runs[0].value == 1.0  # values and statuses stay
