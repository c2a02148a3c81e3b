"""``trustwell oncall`` as a user runs it: who now, until when, who next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app

NOW = "2026-11-23T10:00:00Z"  # a Monday, inside carol's override

SETTINGS = """\
name: shop
timezone: Europe/Berlin
teams:
  data-platform: {members: [alice, bob, carol], lead: dave}
  growth-analytics: {members: [erin], lead: dave}
  finance: {members: [fiona]}
oncall:
  data-platform:
    members: [alice, bob, carol]
    rotation: weekly
    start: 2026-01-05T09:00:00Z
    overrides:
      - {who: carol, from: 2026-11-23T09:00:00Z, to: 2026-11-24T09:00:00Z}
  growth-analytics:
    members: [erin, gus]
    rotation: {every: 3d}
    start: 2026-11-20T08:00:00Z
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    return tmp_path


def oncall(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), ["oncall", "--project", str(project), *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_who_is_on_call_now_until_when_and_who_is_next(project: Path) -> None:
    code, stdout, _ = oncall(project, "--format", "json")
    assert code == 0
    assert json.loads(stdout) == [
        {
            "team": "data-platform",
            "on_call": "carol",
            "until": "2026-11-24T09:00:00Z",
            "next": "bob",
        },
        {
            "team": "growth-analytics",
            "on_call": "gus",
            "until": "2026-11-26T08:00:00Z",
            "next": "erin",
        },
    ]


def test_one_team_at_another_time(project: Path) -> None:
    code, stdout, _ = oncall(project, "--team", "data-platform", "--at", "2026-11-30T09:00:00Z")
    assert code == 0
    assert stdout == "data-platform: carol until 2026-12-07T09:00:00Z, then alice\n"


def test_text_output_names_a_rotation_that_has_not_started(project: Path) -> None:
    code, stdout, _ = oncall(project, "--at", "2026-11-19T00:00:00+01:00")
    assert code == 0
    assert stdout.splitlines() == [
        "data-platform: alice until 2026-11-23T09:00:00Z, then carol",
        "growth-analytics: nobody (the rotation has not started) until 2026-11-20T08:00:00Z, "
        "then erin",
    ]


def test_unknown_team_exits_2_with_the_nearest_name(project: Path) -> None:
    code, stdout, stderr = oncall(project, "--team", "data-platfrom")
    assert (code, stdout) == (2, "")
    assert stderr == "error: unknown team 'data-platfrom': did you mean 'data-platform'?\n"


def test_a_team_without_rotation_exits_2(project: Path) -> None:
    code, _, stderr = oncall(project, "--team", "finance")
    assert code == 2
    assert stderr == "error: team 'finance' has no on-call rotation in trustwell.yml\n"


def test_an_unreadable_time_exits_2(project: Path) -> None:
    code, _, stderr = oncall(project, "--at", "monday")
    assert code == 2
    assert stderr == "error: --at 'monday' is not an ISO-8601 time, e.g. 2026-11-23T09:00:00Z\n"


def test_an_invalid_rotation_exits_2_naming_it(project: Path) -> None:
    # Caught when the project loads, like every other project problem.
    (project / "trustwell.yml").write_text(SETTINGS.replace("weekly", "fortnightly"))
    code, _, stderr = oncall(project, "--format", "json")
    assert code == 2
    assert stderr.splitlines()[1] == (
        "  on-call rotation 'data-platform': rotation 'fortnightly' is not valid: "
        "write daily, weekly, {every: 3d} or a duration such as 12h in trustwell.yml line 9"
    )


def test_a_project_without_rotations_prints_an_empty_list(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text("name: shop\n")
    assert oncall(tmp_path, "--format", "json")[:2] == (0, "[]\n")
    assert oncall(tmp_path)[1] == "No on-call rotations: add them under oncall: in trustwell.yml.\n"
