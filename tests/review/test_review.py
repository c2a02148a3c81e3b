"""The monthly review: figures, charts, tables, and ``trustwell review``."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app
from trustwell.config.loader import load_project
from trustwell.review.build import Review, build_review, render_html, render_markdown
from trustwell.review.charts import bar_chart, line_chart, stacked_bar
from trustwell.store import open_store


@pytest.fixture
def review(project_with_incidents: Path, monkeypatch: pytest.MonkeyPatch) -> Review:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-12-01T12:00:00Z")
    project = load_project(project_with_incidents)
    store = open_store(project.settings.store, project.root)
    try:
        return build_review(store, project, "2026-11")
    finally:
        store.close()


def test_review_has_the_months_figures_trend_and_sources(review: Review) -> None:
    # INC-1 was declared on 31 October in New York; INC-5 is a drill.
    assert review.metrics["incidents"] == 3
    assert review.by_severity == {"SEV-1": 1, "SEV-2": 1, "SEV-3": 1}
    assert review.detection_sources == {
        "check": 1, "anomaly": 0, "report": 1, "manual": 1, "external": 0
    }  # fmt: skip
    assert [t.month for t in review.trend] == [
        "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"
    ]  # fmt: skip
    october, november = review.trend[-2:]
    assert (october.incidents, october.ttd_median_seconds, october.ttr_median_seconds) == (
        1, 3600.0, 7200.0
    )  # fmt: skip
    assert november.incidents == 3
    assert [(a.asset, a.incidents) for a in review.prone_assets] == [
        ("raw.misc", 1), ("raw.orders", 1), ("raw.payments", 1)
    ]  # fmt: skip
    assert {p.incident for p in review.missing_postmortems} <= {"INC-2", "INC-3", "INC-4"}


def test_html_is_self_contained_with_accessible_charts(review: Review) -> None:
    html = render_html(review)
    assert html.count("<svg") == 3
    assert html.count('role="img"') == 3
    assert "<title" in html and "<desc" in html
    assert "Time to detect and to resolve, median by month" in html
    assert "Incidents by detection source" in html
    assert "<script" not in html and "<link" not in html
    assert re.findall(r'(?:src|href)="http', html) == []
    assert "<td>2026-11</td><td>3</td>" in html


def test_markdown_has_the_tables(review: Review) -> None:
    markdown = render_markdown(review)
    assert markdown.startswith("# Data incident review 2026-11: acme\n")
    assert "| Incidents | 3 |" in markdown
    assert "| Month | Incidents | TTD median | TTR median | Detected internally |" in markdown
    assert "| 2026-10 | 1 | 1h | 2h | 100 % |" in markdown
    assert "| SEV-1 | 1 |" in markdown
    assert "## Most incident-prone assets" in markdown


def test_the_review_shows_what_metrics_computes_by_team_and_the_p90_of_tta(
    review: Review, project_with_incidents: Path
) -> None:
    """The figures of ``trustwell metrics --since 2026-11-01`` (no incident is later)."""
    from trustwell.metrics.service import incident_metrics

    project = load_project(project_with_incidents)
    store = open_store(project.settings.store, project.root)
    try:
        since = datetime(2026, 11, 1, tzinfo=ZoneInfo("America/New_York"))
        metrics = incident_metrics(store, project, since=since)
    finally:
        store.close()
    assert review.metrics["by_team"] == metrics["by_team"]
    assert review.metrics["tta"] == metrics["tta"]
    assert metrics["tta"] == {"median_seconds": 1800.0, "p90_seconds": 1800.0}

    markdown = render_markdown(review)
    assert "| TTA p90 | 30m |" in markdown
    team_table = markdown.split("## By team\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert team_table == [
        "| Team | Incidents | TTD median / p90 | TTA median / p90 | TTR median / p90 | Recurring"
        " | Detected internally |",
        "|---|---|---|---|---|---|---|",
        "| finance | 1 | 4h / 4h | 30m / 30m | 3h / 3h | 0 | 0 % |",
        "| growth | 1 | 1h / 1h | — / — | — / — | 1 | 100 % |",  # INC-3 repeats INC-1
        "| unowned | 1 | — / — | — / — | — / — | 0 | 100 % |",
    ]
    html = render_html(review)
    assert "<h2>By team</h2>" in html
    assert "<td>finance</td><td>1</td><td>4h / 4h</td><td>30m / 30m</td>" in html
    assert '<div class="figure">TTA p90<b>30m</b></div>' in html


def test_review_command_writes_html_and_markdown(
    project_with_incidents: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-12-01T12:00:00Z")
    runner = CliRunner()
    app = create_app()
    result = runner.invoke(app, ["review", "--month", "2026-11", "-p", str(project_with_incidents)])
    assert result.exit_code == 0, result.stderr
    folder = project_with_incidents / "reviews"
    assert result.stdout.splitlines() == [
        str(folder / "review-2026-11.html"),
        str(folder / "review-2026-11.md"),
    ]
    written = (folder / "review-2026-11.md").read_text()
    assert written.startswith("# Data incident review")
    assert "| TTA p90 | 30m |" in written
    assert "| finance | 1 | 4h / 4h | 30m / 30m | 3h / 3h | 0 | 0 % |" in written
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["review", "--month", "2026-11", "--out", str(out), "-p", str(project_with_incidents)]
    )
    assert result.exit_code == 0 and (out / "review-2026-11.html").exists()


def test_review_command_refuses_a_bad_month(project_with_incidents: Path) -> None:
    result = CliRunner().invoke(
        create_app(), ["review", "--month", "2026-13", "-p", str(project_with_incidents)]
    )
    assert result.exit_code == 2
    assert "month '2026-13' is not YYYY-MM (for example 2026-11)" in result.stderr


def test_charts_have_titles_labels_and_gaps() -> None:
    svg = line_chart(
        {"TTR": [("2026-09", 2.0), ("2026-10", None), ("2026-11", 4.5)]},
        title="TTR <median>",
        y_label="hours",
    )
    assert "<title id=" in svg and "TTR &lt;median&gt;" in svg
    assert svg.count("<polyline") == 2  # the missing October splits the line
    assert ">hours</text>" in svg and ">4.5</text>" in svg
    bars = bar_chart({"SEV-1": 2, "SEV-2": 0}, title="By severity", y_label="incidents")
    assert "SEV-1: 2" in bars
    stacked = stacked_bar(
        {"2026-11": {"check": 3, "report": 1}}, title="Sources", y_label="incidents"
    )
    assert "2026-11, report: 1" in stacked and ">4</text>" in stacked
