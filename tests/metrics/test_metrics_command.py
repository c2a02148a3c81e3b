"""``trustwell metrics``: what a user sees, in JSON and text (the rows are in conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from trustwell.cli.app import create_app
from trustwell.config.loader import load_project
from trustwell.metrics.service import incident_metrics
from trustwell.store import open_store


def invoke(*args: str) -> Result:
    # A fixed width, so that the tables read the same whatever terminal runs the tests.
    return CliRunner().invoke(create_app(), ["metrics", *args], env={"COLUMNS": "120"})


def test_json_prints_exactly_the_metrics_document(project_with_incidents: Path) -> None:
    result = invoke("--format", "json", "--project", str(project_with_incidents))

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    store = open_store("sqlite:///.trustwell/trustwell.db", project_with_incidents)
    try:
        assert document == incident_metrics(store, load_project(project_with_incidents))
    finally:
        store.close()
    assert document["incidents"] == 4
    assert document["ttr"] == {"median_seconds": 9000.0, "p90_seconds": 10440.0}
    assert document["detection_sources"] == {
        "check": 2, "anomaly": 0, "report": 1, "manual": 1, "external": 0,
    }  # fmt: skip
    assert document["internal_detection_share"] == 0.75
    assert list(document["by_month"]) == ["2026-10", "2026-11"]


def test_since_date_starts_at_midnight_in_the_project_timezone(
    project_with_incidents: Path,
) -> None:
    # INC-1 was declared at 22:00 on 31 October, New York time.
    on_the_day = invoke("--since", "2026-10-31", "-f", "json", "-p", str(project_with_incidents))
    day_after = invoke("--since", "2026-11-01", "-f", "json", "-p", str(project_with_incidents))
    timestamp = invoke(
        "--since", "2026-11-05T14:00:00Z", "-f", "json", "-p", str(project_with_incidents)
    )

    assert json.loads(on_the_day.stdout)["incidents"] == 4
    assert json.loads(day_after.stdout)["incidents"] == 3
    assert json.loads(timestamp.stdout)["incidents"] == 3


def test_text_summarises_figures_and_tables_with_human_durations(
    project_with_incidents: Path,
) -> None:
    result = invoke("--project", str(project_with_incidents))

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Incident metrics (all incidents, drills excluded)" in out
    assert "4 incidents, 1 recurring; detected internally: 75% (check 2, report 1, manual 1)" in out
    assert "TTD 1h / 3h 24m   TTA 20m / 28m   TTR 2h 30m / 2h 54m   (median / p90)" in out
    for title in ("by severity", "by team", "by month"):
        assert title in out
    for name in ("SEV-1", "finance", "growth", "unowned", "2026-10", "2026-11"):
        assert name in out


def test_text_with_no_incidents_says_so(project_root: Path) -> None:
    result = invoke("--since", "2026-01-01", "--project", str(project_root))

    assert result.exit_code == 0, result.output
    assert "no incidents to measure" in result.stdout
    assert "incidents declared since 2026-01-01" in result.stdout


def test_since_that_is_not_a_date_is_refused(project_root: Path) -> None:
    result = invoke("--since", "last week", "--project", str(project_root))

    assert result.exit_code == 2
    assert result.stderr == (
        "error: --since 'last week' is not a date (YYYY-MM-DD) or an ISO timestamp\n"
    )
