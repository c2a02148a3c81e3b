"""``trustwell demo`` as a user runs it: a real project on disk, two recorded runs, the summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trustwell.cli.app import create_app
from trustwell.config.loader import load_project
from trustwell.store import HistoryEntry, history, open_store

# A Thursday: the feed's last good load is Tuesday 07:00, the replay 10 minutes later.
NOW = "2026-11-19T09:00:00Z"
FRESHNESS_CAUGHT = "  FAIL freshness:loaded_at: last row loaded 2d 1h ago (allowed 26h)"
DUPLICATES_CAUGHT = (
    "  FAIL unique:date,channel,campaign_id: 9 rows duplicating another row's"
    " date,channel,campaign_id (1.12% of 801); allowed 0"
)


@dataclass(frozen=True)
class Played:
    root: Path
    result: Result


def play(*args: str) -> Result:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRUSTWELL_NOW", NOW)
        return CliRunner().invoke(create_app(), ["demo", *args])


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """One demo, played once for the tests that only read what it left behind."""
    root = tmp_path_factory.mktemp("demo") / "trustwell-demo"
    return Played(root, play(str(root)))


def section(output: str, title: str, until: str) -> list[str]:
    """The printed lines between the heading ``title`` and the next heading ``until``."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if title in line)
    end = next(i for i, line in enumerate(lines) if i > start and until in line)
    return lines[start + 1 : end]


def stored(root: Path, asset: str, check: str | None = None) -> list[HistoryEntry]:
    project = load_project(root)
    store = open_store(project.settings.store, project.root)
    try:
        return history(store, asset, check=check, limit=500)
    finally:
        store.close()


def test_demo_plays_the_story_and_exits_0(played: Played) -> None:
    assert played.result.exit_code == 0, played.result.output
    headings = [
        "1. Build the pilot warehouse",
        "2. Run every check on the healthy warehouse",
        "3. The ad-spend feed fails silently",
        "4. Run the checks again",
        "5. What trustwell caught",
    ]
    positions = [played.result.stdout.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_demo_folder_is_a_project_that_loads(played: Played) -> None:
    project = load_project(played.root)
    assert (played.root / "warehouse.duckdb").is_file()
    assert sorted(a.name for a in project.assets) == [
        "marts.weekly_cac",
        "raw.ad_spend",
        "raw.new_customers",
    ]
    mart = project.asset("marts.weekly_cac")
    assert mart is not None
    assert (mart.tier, mart.owner, mart.use_cases) == (1, "growth-analytics", ["exec_reporting"])
    assert mart.upstream == ["raw.ad_spend", "raw.new_customers"]
    assert mart.consumers == ["dashboard.weekly_business_review"]
    customers = project.asset("raw.new_customers")
    assert customers is not None and customers.pii == ["email"]
    assert project.settings.oncall["data-platform"].members == ["alice", "bob", "carol"]


def test_healthy_warehouse_passes_every_check(played: Played) -> None:
    runs: dict[str, list[HistoryEntry]] = {}
    for asset in ("raw.ad_spend", "raw.new_customers", "marts.weekly_cac"):
        for entry in stored(played.root, asset):
            runs.setdefault(entry.run_id, []).append(entry)
    # history lists newest first (TRUSTWELL_NOW gives both runs the same start time).
    assert len(runs) == 2
    first = runs[list(runs)[-1]]
    assert len(first) == 24
    assert [(e.asset, e.check) for e in first if e.status in ("fail", "error")] == []
    assert "All good: the weekly business review can trust its numbers." in played.result.stdout


def test_broken_feed_fails_freshness_and_unique_on_ad_spend(played: Played) -> None:
    freshness = stored(played.root, "raw.ad_spend", "freshness:loaded_at")
    unique = stored(played.root, "raw.ad_spend", "unique:date,channel,campaign_id")
    # Newest first: the run after the breakage, then the healthy one.
    assert [e.status for e in freshness] == ["fail", "pass"]
    assert freshness[0].message == "last row loaded 2d 1h ago (allowed 26h)"
    assert [e.status for e in unique] == ["fail", "pass"]
    assert unique[0].value == 9


def test_summary_says_what_was_caught_and_where_to_go_next(played: Played) -> None:
    caught = section(played.result.stdout, "5. What trustwell caught", "In plain words")
    assert caught[0] == "raw.ad_spend (owner data-platform; tier 2)"
    assert FRESHNESS_CAUGHT in caught
    assert DUPLICATES_CAUGHT in caught
    assert (
        "marts.weekly_cac (owner growth-analytics; tier 1; feeds"
        " dashboard.weekly_business_review; subscribers finance@acme.test)"
    ) in caught
    assert "  WARN freshness:loaded_at: last row loaded 2d 1h ago (warning after 26h)" in caught
    # Thursday: of this week's three days of sign-ups, only Monday's spend arrived.
    cac_moved = "  FAIL cac_vs_previous_4_weeks: query result is 0.688756, expected at most 0.15"
    assert cac_moved in caught
    plain = section(played.result.stdout, "In plain words", "Where to go next")
    assert plain[0] == (
        "The trouble starts at raw.ad_spend, owned by data-platform: that is where to fix it."
    )
    after = played.result.stdout.split("Where to go next", 1)[1]
    assert f"trustwell run --project {played.root}" in after
    assert f"trustwell history raw.ad_spend --project {played.root}" in after


def test_trustwell_run_on_the_demo_shows_the_broken_feed(
    played: Played, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    result = CliRunner().invoke(
        create_app(), ["run", "--project", str(played.root), "--asset", "raw.ad_spend"]
    )
    assert result.exit_code == 1
    assert "8 checks: 6 pass, 2 fail" in result.stdout


def test_existing_demo_is_kept_unless_forced(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    first = play(str(root))
    assert first.exit_code == 0
    again = play(str(root))
    assert again.exit_code == 2
    assert again.stderr == f"error: {root} already holds a demo: add --force to rebuild it\n"
    forced = play(str(root), "--force")
    assert forced.exit_code == 0, forced.output
    # A rebuild starts over: the store holds the rebuilt story's two runs only.
    assert len({e.run_id for e in stored(root, "raw.ad_spend")}) == 2
    # The data is seeded: the rebuilt demo catches exactly what the first one did.
    summary = ("5. What trustwell caught", "Where to go next")
    assert section(forced.stdout, *summary) == section(first.stdout, *summary)


def test_force_never_clears_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = play(str(tmp_path), "--force")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path} is not empty and holds no trustwell demo: choose another folder\n"
    )
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
