"""``trustwell incident list --status``: the same words as the API, one parser."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trustwell.cli.app import create_app


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def ids(project: Path, status: str) -> list[str]:
    code, stdout, stderr = cli(project, "incident", "list", "--status", status, "-f", "json")
    assert code == 0, stderr
    return [i["id"] for i in json.loads(stdout)]


def test_open_active_and_each_state_select_incidents(project_dir: Path) -> None:
    for asset in ("marts.kpi", "raw.feed"):
        code, _, stderr = cli(project_dir, "incident", "declare", "--asset", asset, "--title", "x")
        assert code == 0, stderr
    assert cli(project_dir, "incident", "status", "INC-2", "monitoring", "--as", "bob")[0] == 0
    assert ids(project_dir, "open") == ["INC-2", "INC-1"]
    assert ids(project_dir, "active") == ["INC-1"]
    assert ids(project_dir, "monitoring") == ["INC-2"]
    assert ids(project_dir, "closed") == []


def test_an_unknown_status_word_exits_2_with_the_valid_words(project_dir: Path) -> None:
    code, stdout, stderr = cli(project_dir, "incident", "list", "--status", "activ")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "error: unknown status 'activ': use one of open, active, declared, acknowledged, "
        "investigating, identified, monitoring, resolved, closed, dismissed: "
        "did you mean 'active'?\n"
    )
