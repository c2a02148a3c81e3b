"""``trustwell debt`` on a real project: DuckDB warehouse, SQLite store, runs over 8 days."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from incidents.conftest import Warehouse, write_project
from trustwell.cli.app import create_app
from trustwell.debt.derive import DEFAULTS
from trustwell.debt.model import NO_TEAM, OVERDUE_FACTOR

USE_CASES = """\
use_cases:
  exec_reporting:
    requires: [freshness, owner]
"""

HAND = """\
items:
  - id: feed-backfill
    title: Backfill the feed's missing November days
    asset: raw.feed
    principal: 3d
    interest: 4
    due: 2026-11-15
    notes: Finance patches the KPI by hand until then.
  - id: kpi-docs
    title: Document the KPI's columns
    team: growth-analytics
    principal: 4h
    interest: 0.5
"""


def cli(root: Path, *args: str, code: int | tuple[int, ...] = (0, 1)) -> Any:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(root)])
    codes = code if isinstance(code, tuple) else (code,)
    assert result.exit_code in codes, (result.stdout, result.stderr)
    return result


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", moment)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nine days of runs: the feed fresh, then stale for eight days; the KPI short for three."""
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    warehouse: Warehouse = write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    assets = tmp_path / "assets" / "acme.yml"
    text = assets.read_text().replace(
        "  - name: raw.feed\n",
        "  - name: raw.feed\n    description: The ad feed\n    use_cases: [exec_reporting]\n",
    )
    assets.write_text(text + "  - name: raw.orphan\n")
    at(monkeypatch, "2026-11-09T09:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-09 08:00:00")
    cli(tmp_path, "run", code=0)  # all pass: raw.feed is certified
    at(monkeypatch, "2026-11-10T09:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-01 00:00:00", duplicate=True)
    cli(tmp_path, "run")  # freshness and unique fail; INC-1 opens; the certificate is revoked
    cli(tmp_path, "incident", "ack", "INC-1", "--as", "alice", code=0)
    at(monkeypatch, "2026-11-10T11:00:00Z")
    cli(tmp_path, "incident", "resolve", "INC-1", "--cause", "late-data", "--summary", "late")
    cli(
        tmp_path, "actions", "add", "--title", "Alert on the feed's loader", "--incident",
        "INC-1", "--owner", "alice", "--due", "2026-11-14", code=0,
    )  # fmt: skip
    cli(tmp_path, "actions", "add", "--title", "Not yet due", "--due", "2026-12-01", code=0)
    at(monkeypatch, "2026-11-15T09:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-01 00:00:00", kpi_rows=1)
    cli(tmp_path, "run")  # unique passes again; the KPI fails from now on
    at(monkeypatch, "2026-11-18T09:00:00Z")
    cli(tmp_path, "run")
    (tmp_path / "debt").mkdir()
    (tmp_path / "debt" / "platform.yml").write_text(HAND)
    return tmp_path


def debt_json(root: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(cli(root, "debt", "--format", "json", code=0).stdout)
    return document


def test_debt_lists_derived_and_hand_written_items_ranked_by_interest(root: Path) -> None:
    document = debt_json(root)
    items = {i["id"]: i for i in document["items"]}
    freshness = next(i for i in items if i.startswith("check_failing:raw.feed/freshness"))
    assert items[freshness]["since"] == "2026-11-10T09:00:00Z"
    assert items[freshness]["team"] == "data-platform"
    # unique failed 8 days ago but passed since; the KPI fails for 3 days only.
    quiet = ("check_failing:raw.feed/unique", "check_failing:marts")
    assert not any(i.startswith(quiet) for i in items)
    revoked = items["certificate_revoked:raw.feed/exec_reporting"]
    assert revoked["since"] == "2026-11-10T09:00:00Z"
    assert items["postmortem_missing:INC-1"]["since"] == "2026-11-10T11:00:00Z"
    action = items["action_overdue:#1"]
    assert (action["due"], action["team"], action["asset"]) == (
        "2026-11-14", "data-platform", "raw.feed"
    )  # fmt: skip
    assert "action_overdue:#2" not in items  # due in December
    for kind in ("no_owner", "no_description", "no_checks", "no_lineage"):
        assert items[f"{kind}:raw.orphan"]["team"] == NO_TEAM
    assert "no_description:raw.feed" not in items and "no_owner:marts.kpi" not in items
    assert "no_lineage:marts.kpi" not in items  # upstream: [raw.feed]
    assert "no_checks:raw.feed" not in items
    hand = items["feed-backfill"]
    assert hand == {
        "id": "feed-backfill", "kind": "file",
        "title": "Backfill the feed's missing November days", "asset": "raw.feed",
        "team": "data-platform", "principal": 3.0, "interest": 4.0, "since": None,
        "due": "2026-11-15", "source": "file", "overdue": True,
        "notes": "Finance patches the KPI by hand until then.",
    }  # fmt: skip
    assert items["kpi-docs"]["principal"] == 0.5 and items["kpi-docs"]["team"] == "growth-analytics"
    assert {i["source"] for i in document["items"]} == {"derived", "file"}

    # Ranked by interest; the overdue hand item counts OVERDUE_FACTOR times (8 > 5).
    order = [i["id"] for i in document["items"]]
    assert order[0] == "feed-backfill"
    assert DEFAULTS["check_failing"].interest < 4.0 * OVERDUE_FACTOR
    ranks = [
        i["interest"] * (OVERDUE_FACTOR if i["source"] == "file" and i["overdue"] else 1)
        for i in document["items"]
    ]
    assert ranks == sorted(ranks, reverse=True)


def test_totals_per_team_add_up(root: Path) -> None:
    document = debt_json(root)
    assert set(document) == {"items", "teams", "total"}
    for team, totals in document["teams"].items():
        mine = [i for i in document["items"] if i["team"] == team]
        assert totals["items"] == len(mine)
        assert totals["interest"] == pytest.approx(sum(i["interest"] for i in mine))
        assert totals["principal"] == pytest.approx(sum(i["principal"] for i in mine))
    assert set(document["teams"]) == {"data-platform", "growth-analytics", NO_TEAM}
    total = document["total"]
    assert total["items"] == len(document["items"])
    by_team = sum(t["interest"] for t in document["teams"].values())
    assert total["interest"] == pytest.approx(by_team)


def test_text_table_and_totals(root: Path) -> None:
    out = cli(root, "debt", code=0).stdout
    assert out.startswith("Data-quality debt, ranked by interest\n")
    lines = out.splitlines()
    first = next(line for line in lines if line.startswith("│ 1 "))
    assert "feed-backfill" not in first  # the title is shown, not the id
    assert "Backfill the feed's missing November days" in first
    assert "2026-11-15 (overdue)" in first and "data-platform" in first
    assert "│ 4 (x2 overdue) │ 3 " in first  # interest, then principal
    assert "2026-11-10 (8d)" in out  # since, with the age
    assert "Totals per team" in out
    total = next(line for line in lines if line.startswith("│ total "))
    assert str(debt_json(root)["total"]["items"]) in total


def test_the_monthly_review_shows_the_debt(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "reviews"
    cli(root, "review", "--month", "2026-11", "--out", str(out), code=0)
    markdown = (out / "review-2026-11.md").read_text()
    html = (out / "review-2026-11.html").read_text()
    document = debt_json(root)
    # What the review showed before stays; the debt comes last.
    assert markdown.index("## Open action items") < markdown.index("## Data-quality debt")
    section = markdown.split("## Data-quality debt: totals per team", 1)[1]
    growth = document["teams"]["growth-analytics"]
    assert f"| growth-analytics | {growth['items']} | {growth['principal']:g} |" in section
    assert f"| Total | {document['total']['items']} |" in section
    top = section.split("## Data-quality debt: top items by interest", 1)[1]
    assert "| 1 | 4 (x2 overdue) | data-platform | file | raw.feed | Backfill the feed's" in top
    assert "2026-11-15 (overdue) |" in top
    assert top.count("\n| ") == 1 + min(10, len(document["items"]))  # header + rows
    assert "<h2>Data-quality debt: totals per team</h2>" in html
    assert '<span class="overdue">2026-11-15 (overdue)</span>' in html


def test_a_review_built_without_debt_items_has_no_debt_section(root: Path) -> None:
    """The /review page builds the review without ``debt=``: its figures are unchanged."""
    from trustwell.cli.actions import open_project_store
    from trustwell.review.build import build_review, render_markdown

    project, store = open_project_store(root)
    try:
        plain = build_review(store, project, "2026-11")
        with_debt = build_review(store, project, "2026-11", debt=[])
    finally:
        store.close()
    assert plain.debt is None and "Data-quality debt" not in render_markdown(plain)
    assert with_debt.debt is not None
    assert all(i.source == "derived" for i in with_debt.debt.items)  # no hand items given
    markdown = render_markdown(with_debt)
    assert markdown.startswith(render_markdown(plain).rstrip("\n"))
