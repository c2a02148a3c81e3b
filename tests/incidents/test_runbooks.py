"""Runbooks: front matter, matching a failure to the best runbook, read-only diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project
from trustwell.config.models import Asset
from trustwell.config.starter import write_starter
from trustwell.incidents.runbooks import (
    Runbook,
    load_runbooks,
    load_runbooks_from,
    match_runbook,
    shipped_runbooks_folder,
)

SHIPPED = [
    "distribution-drift",
    "duplicate-records",
    "schema-change",
    "stale-table",
    "third-party-api-failure",
    "volume-anomaly",
]


# --- the shipped runbooks -----------------------------------------------------------


def test_six_runbooks_ship_and_each_has_steps_contacts_fixes_and_sql() -> None:
    runbooks = load_runbooks_from(shipped_runbooks_folder())
    assert [r.id for r in runbooks] == SHIPPED
    assert {r.title for r in runbooks} == {
        "Third-Party API Failure",
        "Stale Data Warehouse Table",
        "Schema Change",
        "Volume Drop/Spike",
        "Duplicate Records",
        "Distribution Drift",
    }
    for runbook in runbooks:
        assert "## Diagnose" in runbook.body
        assert "## Who to contact" in runbook.body
        assert "## Fix and backfill" in runbook.body
        assert 2 <= len(runbook.sql_blocks) <= 3, runbook.id
        assert all("{{ table }}" in sql for _, sql in runbook.sql_blocks)


def test_init_writes_the_runbooks_and_the_project_loads_them(tmp_path: Path) -> None:
    write_starter(tmp_path)
    assert sorted(p.stem for p in (tmp_path / "runbooks").glob("*.md")) == SHIPPED
    assert [r.id for r in load_runbooks(load_project(tmp_path))] == SHIPPED


# --- matching -----------------------------------------------------------------------

RUNBOOKS = [
    *load_runbooks_from(shipped_runbooks_folder()),
    Runbook(id="marts-freshness", title="Marts late", checks=("freshness",), assets=("marts.*",)),
    Runbook(id="ads-freshness", title="Ads late", checks=("freshness",), assets=("raw.ad_*",)),
    Runbook(id="finance", title="Finance tables", assets=("finance.*",)),
]


@pytest.mark.parametrize(
    ("asset", "tags", "check_type", "expected"),
    [
        # the tag adds 3 to a check-type match: the vendor is the likely cause
        ("raw.ad_spend", ["third-party"], "freshness", "third-party-api-failure"),
        # without the tag, the most specific glob wins among freshness runbooks
        ("raw.ad_spend", [], "freshness", "ads-freshness"),
        ("raw.orders", [], "freshness", "stale-table"),
        ("marts.weekly_cac", [], "freshness", "marts-freshness"),
        ("marts.weekly_cac", [], "unique", "duplicate-records"),
        ("raw.ad_spend", ["third-party"], "schema", "schema-change"),
        ("marts.orders", [], "schema", "schema-change"),
        ("raw.ad_spend", ["third-party"], "row_count", "third-party-api-failure"),
        ("marts.orders", [], "row_count", "volume-anomaly"),
        ("marts.orders", [], "anomaly", "volume-anomaly"),
        ("ml.features", [], "drift", "distribution-drift"),
        ("ml.features", [], "stat", "distribution-drift"),
        # a declared incident (no check type): only asset globs and tags count
        ("raw.ad_spend", ["third-party"], None, "third-party-api-failure"),
        ("finance.ledger", [], None, "finance"),
        ("marts.orders", [], None, "marts-freshness"),
        ("other.orders", [], None, None),
        # no runbook is for not_null on an untagged asset
        ("marts.orders", [], "not_null", None),
    ],
)
def test_best_runbook_for_a_failure(
    asset: str, tags: list[str], check_type: str | None, expected: str | None
) -> None:
    found = match_runbook(RUNBOOKS, Asset(name=asset, tags=tags), check_type)
    assert (found.id if found else None) == expected


def test_extra_tags_count_like_the_assets_own() -> None:
    found = match_runbook(RUNBOOKS, Asset(name="raw.x"), "freshness", ["third-party"])
    assert found is not None and found.id == "third-party-api-failure"


def test_ties_go_to_the_smallest_id() -> None:
    twins = [
        Runbook(id="b", title="B", checks=("unique",)),
        Runbook(id="a", title="A", checks=("unique",)),
    ]
    found = match_runbook(twins, Asset(name="t"), "unique")
    assert found is not None and found.id == "a"


def test_a_catch_all_runbook_matches_when_nothing_better_does() -> None:
    catch_all = Runbook(id="general", title="General")
    assert match_runbook([*RUNBOOKS, catch_all], Asset(name="m.x"), "not_null") == catch_all
    found = match_runbook([*RUNBOOKS, catch_all], Asset(name="m.x"), "unique")
    assert found is not None and found.id == "duplicate-records"


# --- front matter -------------------------------------------------------------------


def write_runbook(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ProjectError) as caught:
        load_runbooks_from(folder, label_root=folder.parent)
    return [str(p) for p in caught.value.problems]


def test_id_defaults_to_the_file_name_and_title_to_the_first_heading(tmp_path: Path) -> None:
    write_runbook(tmp_path, "late-loads.md", "---\nchecks: [freshness]\n---\n\n# Late loads\n")
    (runbook,) = load_runbooks_from(tmp_path)
    assert (runbook.id, runbook.title, runbook.checks) == (
        "late-loads",
        "Late loads",
        ("freshness",),
    )


def test_front_matter_errors_name_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "runbooks"
    write_runbook(folder, "a.md", "---\ntitle: A\nchecks: [freshnes]\nasets: ['raw.*']\n---\n")
    write_runbook(folder, "b.md", "---\ntitle: B\ntags: third-party: x\n---\n")
    write_runbook(folder, "c.md", "# no front matter\n")
    write_runbook(folder, "d.md", "---\ntitle: D\nseverity: SEV-9\nchecks: 3\n")
    assert problems_of(folder) == [
        "unknown check type 'freshnes' in runbooks/a.md line 3: did you mean 'freshness'?",
        "unknown key 'asets' in runbooks/a.md line 4: did you mean 'assets'?",
        "invalid YAML in the front matter: mapping values are not allowed here"
        " in runbooks/b.md line 3",
        "a runbook must start with '---' and YAML front matter in runbooks/c.md line 1",
        "the front matter is not closed with a '---' line in runbooks/d.md line 1",
    ]


def test_bad_values_and_duplicate_ids_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "runbooks"
    write_runbook(folder, "a.md", "---\nid: same\nseverity: SEV-9\nchecks: 3\n---\n")
    write_runbook(folder, "b.md", "---\nid: same\n---\n")
    write_runbook(folder, "c.md", "---\nid: same\n---\n")
    assert problems_of(folder) == [
        "severity must be one of SEV-1, SEV-2, SEV-3, got 'SEV-9' in runbooks/a.md line 3",
        "checks must be a list of strings in runbooks/a.md line 4",
        "runbook id 'same' is also used by b.md in runbooks/c.md line 2",
    ]
