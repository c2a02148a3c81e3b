"""``trustwell incident …`` and ``trustwell token …`` refuse bad input with exit code 2 and a
clear message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidents.conftest import write_project
from trustwell.cli.app import create_app


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.setenv("TRUSTWELL_USER", "carol")
    write_project(tmp_path)
    return tmp_path


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def declare(project: Path) -> None:
    code, _, stderr = cli(project, "incident", "declare", "--asset", "raw.feed", "--title", "t")
    assert code == 0, stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (
            ("incident", "declare", "--asset", "raw.feed", "--title", "t", "--occurred-at", "soon"),
            "--occurred-at",
        ),
        (("incident", "update", "INC-1", "-m", "looking", "--eta", "tomorrow"), "--eta"),
        (("incident", "occurred", "INC-1", "--at", "monday"), "--at"),
    ],
)
def test_an_unreadable_time_exits_2_naming_the_option(
    project: Path, args: tuple[str, ...], option: str
) -> None:
    declare(project)
    code, stdout, stderr = cli(project, *args)
    assert code == 2, stderr
    assert stdout == ""
    assert f"error: {option}:" in stderr
    assert "is not an ISO-8601 time" in stderr
    assert "Traceback" not in stderr


def test_an_unknown_format_exits_2(project: Path) -> None:
    declare(project)
    code, stdout, stderr = cli(project, "incident", "show", "INC-1", "--format", "yaml")
    assert code == 2
    assert stdout == ""
    assert "error: --format must be text or json, got 'yaml'" in stderr


def test_a_token_without_a_name_exits_2(project: Path) -> None:
    code, stdout, stderr = cli(project, "token", "create", "--name", "  ", "--role", "viewer")
    assert code == 2
    assert stdout == ""
    assert "error: a token needs a name" in stderr
