"""``debt/*.yml``: good files read, bad ones refused with file, line and the nearest name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidents.conftest import write_project
from trustwell.cli.app import create_app
from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project
from trustwell.debt.files import load_debt_items

GOOD = """\
items:
  - id: feed-backfill
    title: Backfill the feed
    asset: raw.feed
    principal: 2w
    interest: 3
    due: 2026-12-01
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    write_project(tmp_path)
    (tmp_path / "debt").mkdir()
    (tmp_path / "debt" / "a-good.yml").write_text(GOOD)
    return tmp_path


def problems(root: Path, text: str) -> list[str]:
    (root / "debt" / "b-bad.yml").write_text(text)
    with pytest.raises(ProjectError) as caught:
        load_debt_items(load_project(root))
    return [str(p) for p in caught.value.problems]


def test_a_good_file_reads_into_items(root: Path) -> None:
    (item,) = load_debt_items(load_project(root))
    assert (item.id, item.asset, item.team, item.principal, item.interest, item.due) == (
        "feed-backfill", "raw.feed", "data-platform", 10.0, 3.0, date(2026, 12, 1)
    )  # fmt: skip
    assert item.where == "debt/a-good.yml line 2" and item.source == "file"


def test_a_misspelt_key_names_file_line_and_the_nearest_key(root: Path) -> None:
    found = problems(root, "items:\n  - id: x\n    titel: Typo\n    interest: 1\n")
    assert (
        "unknown key 'titel' in debt item 'x' in debt/b-bad.yml line 3: did you mean 'title'?"
        in found
    )
    assert "missing key 'title' in debt item 'x' in debt/b-bad.yml line 2" in found


def test_an_unknown_asset_or_team_names_the_nearest(root: Path) -> None:
    text = (
        "items:\n"
        "  - {id: a, title: A, asset: raw.fed}\n"
        "  - id: b\n    title: B\n    team: data-platfrom\n"
    )
    assert problems(root, text) == [
        "unknown asset 'raw.fed' in debt item 'a' in debt/b-bad.yml line 2:"
        " did you mean 'raw.feed'?",
        "unknown team 'data-platfrom' in debt item 'b' in debt/b-bad.yml line 5:"
        " did you mean 'data-platform'?",
    ]


def test_bad_values_are_named(root: Path) -> None:
    text = (
        "itmes: []\n"
        "items:\n"
        "  - {id: a, title: A, principal: 3 days}\n"
        "  - {id: b, title: B, interest: true}\n"
        "  - {id: c, title: C, interest: -1, due: someday}\n"
        "  - {id: a, title: again}\n"
        "  - just text\n"
        "  - {id: a b, title: ' '}\n"
    )
    found = problems(root, text)
    assert len(found) == 8, found
    assert found[0] == "unknown key 'itmes' in debt/b-bad.yml line 1: did you mean 'items'?"
    assert any(p.startswith("principal '3 days' is not an effort") for p in found)
    assert any("line 3" in p and "debt item 'a'" in p for p in found)
    assert "interest must be a number, got true in debt item 'b' in debt/b-bad.yml line 4" in found
    assert any(p.startswith("interest must be at least 0, got -1 in debt item 'c'") for p in found)
    assert any(p.startswith("due must be a date, got 'someday'") for p in found)
    assert (
        "debt item 'a' is written twice (first in debt/b-bad.yml line 3) in debt/b-bad.yml line 6"
        not in found
    )  # the first 'a' was invalid, so the second is the first valid one
    assert (
        "a debt item must be a mapping (id:, title:, interest:, …) in debt/b-bad.yml line 7"
        in found
    )


def test_a_duplicate_id_across_files_is_refused(root: Path) -> None:
    found = problems(root, GOOD.replace("Backfill the feed", "Again"))
    assert found == [
        "debt item 'feed-backfill' is written twice (first in debt/a-good.yml line 2)"
        " in debt/b-bad.yml line 2"
    ]


def test_the_commands_exit_2_and_list_every_problem(root: Path) -> None:
    (root / "debt" / "b-bad.yml").write_text("items:\n  - {id: x, titel: T, asset: raw.fed}\n")
    for args in (["debt"], ["debt", "--format", "json"], ["review", "--month", "2026-11"]):
        result = CliRunner().invoke(create_app(), [*args, "--project", str(root)])
        assert result.exit_code == 2, result.stdout
        assert result.stdout == ""
        assert "error: the debt files are invalid (" in result.stderr
        assert "unknown key 'titel' in debt item 'x' in debt/b-bad.yml line 2" in result.stderr
    assert not (root / "reviews").exists()  # nothing written
