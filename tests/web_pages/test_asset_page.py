"""The asset page: each check's history chart and its latest value, as stored."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from incidents.conftest import Warehouse
from trustwell.config.models import Project
from web_pages.conftest import token


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
    from trustwell.status.detail import asset_detail, public_view

    Warehouse(project_dir).load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=1)
    run_project(project)
    store = client.app.state.store  # type: ignore[attr-defined]
    detail = asset_detail(store, project, "marts.kpi")
    assert detail.checks[0].runs[0].message == "row count is 1, expected at least 3"
    shown = public_view(detail)
    assert [run.message for c in shown.checks for run in c.runs] == [""]
    assert shown.checks[0].runs[0].value == 1.0  # values and statuses stay


def _value_cell(html: str, check: str) -> str:
    """The text of the Value cell in the row of ``check`` (tags dropped)."""
    row = html.split(f'<th scope="row">{check}', 1)[1].split("</tr>", 1)[0]
    cell = re.split(r"<td[^>]*>", row)[2].split("</td>", 1)[0]
    return re.sub(r"<[^>]+>", " ", cell).split("  ")[0].strip()


def test_check_values_are_shown_with_their_unit_and_raw_only_in_the_api(
    client: TestClient, project_dir: Path, project: Project
) -> None:
    from trustwell.checks.service import run_project

    # 51 hours old, and one of the three ids duplicated
    Warehouse(project_dir).load(feed_loaded_at="2026-11-20 06:00:00", duplicate=True)
    run_project(project)
    page = client.get("/assets/raw.feed").text
    assert _value_cell(page, "freshness:loaded_at") == "2d 3h"
    assert _value_cell(page, "unique:id") == "1 failing row (33.3 %)"
    assert "183600" not in page
    assert _value_cell(client.get("/assets/marts.kpi").text, "row_count") == "3 rows"
    # the tooltip of each point and the chart's text alternative carry the unit too
    chart = _chart_of(page, "freshness:loaded_at")
    assert "<title>2026-11-22 09:00 UTC: 2d 3h (fail)</title>" in chart
    assert "latest 2d 3h (fail)" in chart

    store = client.app.state.store  # type: ignore[attr-defined]
    api = client.get(
        "/api/v1/assets/raw.feed", headers={"Authorization": f"Bearer {token(store, 'viewer')}"}
    )
    checks = {c["name"]: c for c in api.json()["checks"]}
    assert checks["freshness:loaded_at"]["latest"]["value"] == 183600.0
    assert checks["unique:id"]["latest"]["value"] == 1.0


def test_every_page_has_the_number_filters() -> None:
    from trustwell.web.pages.rendering import environment

    template = environment().from_string(
        "{{ 12345|count }} · {{ 0.017|percent }} · {{ 19500|duration }} · {{ 1234.5678|number }}"
    )
    assert template.render() == "12,345 · 1.7 % · 5h 25m · 1,234.57"


def test_every_cell_of_the_card_tables_names_its_column_for_the_phone_layout(
    client: TestClient, incident: str
) -> None:
    """On a phone each row is a card and each cell shows its column's name (data-label)."""
    for path in ("/", "/assets/raw.feed", "/incidents"):
        page = client.get(path).text
        body = page.split('<table class="cards', 1)[1].split("</table>", 1)[0].split("<tbody>")[1]
        cells = re.findall(r"<td[^>]*>", body)
        assert cells, path
        assert all(re.fullmatch(r'<td data-label="[^"]+">', cell) for cell in cells), path


def test_documented_columns_are_listed_on_the_asset_page_for_everyone(project_dir: Path) -> None:
    from web_pages.conftest import make_client

    assets = project_dir / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "  - name: marts.kpi\n",
            "  - name: marts.kpi\n"
            "    columns:\n"
            "      week: {data_type: BIGINT, description: The ISO week <b>number</b>.}\n"
            "      channel: {}\n",
        )
    )
    with make_client(project_dir) as client:
        html = client.get("/assets/marts.kpi").text  # anonymous: column docs are public
        other = client.get("/assets/raw.feed").text
    section = html.split('<h2 id="h-columns">Columns</h2>', 1)[1].split("</section>", 1)[0]
    rows = re.findall(
        r"<tr><td[^>]*><code>(\w+)</code></td><td[^>]*>([^<]*)</td><td[^>]*>(.*?)</td>", section
    )
    assert rows == [
        ("week", "BIGINT", "The ISO week &lt;b&gt;number&lt;/b&gt;."),
        ("channel", "", ""),
    ]
    assert 'id="h-columns"' not in other  # an asset without documented columns has no section
