"""Every command that needs a project refuses a folder without ``trustwell.yml``.

A CI job that runs ``trustwell run`` in the wrong folder must go red (exit 2)
instead of checking nothing and going green; and the folder stays as it was.
The commands are read from the CLI itself, so a new command is covered too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from trustwell.cli.app import create_app

# Commands that make a project or need none: they are not refused here.
NEEDS_NO_PROJECT = {
    ("init",): "writes a new project",
    ("schema",): "prints the JSON Schema of the file formats",
    ("demo",): "writes and runs the demo project",
}

# A value that parses for each required argument, so that a command reaches
# its project; a new required parameter falls back to "x" (and, if "x" does
# not parse, the test says so by failing on the usage error).
SAMPLE_VALUES = {
    "asset": "shop.orders",
    "ident": "INC-1",
    "incident": "INC-1",
    "severity": "SEV-2",
    "status": "acknowledged",
    "month": "2026-11",
    "email": "someone@example.test",
    "at": "2026-11-22T09:00:00Z",
    "role": "viewer",
    "ids": "1",
    "item": "1",
}
# Options a command checks before its project (a usage error comes first).
EXTRA_ARGS = {("unsubscribe",): ["--all"], ("runbook", "run"): ["--asset", "raw.x"]}


def _commands() -> list[tuple[tuple[str, ...], list[str]]]:
    """Every leaf command with a ``--project`` option, and arguments that parse."""
    found: list[tuple[tuple[str, ...], list[str]]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is not None:
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
            return
        if path in NEEDS_NO_PROJECT:
            return
        if not any(p.name == "project" for p in command.params):
            return
        args: list[str] = []
        for param in command.params:
            if not param.required:
                continue
            value = SAMPLE_VALUES.get(param.name or "", "x")
            args += [param.opts[0], value] if param.opts[0].startswith("-") else [value]
        found.append((path, [*args, *EXTRA_ARGS.get(path, [])]))

    walk(typer.main.get_command(create_app()), ())
    return found


COMMANDS = _commands()


def test_the_command_list_is_read_from_the_cli() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"run", "history", "incident update", "serve", "tick", "token create"} <= names
    assert len(names) > 25


@pytest.mark.parametrize(("path", "args"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_a_folder_without_trustwell_yml_is_exit_2_and_stays_empty(
    tmp_path: Path, path: tuple[str, ...], args: list[str]
) -> None:
    empty = tmp_path / "not-a-project"
    empty.mkdir()
    result = CliRunner().invoke(create_app(), [*path, *args, "--project", str(empty)])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: no trustwell.yml in {empty.resolve()} (create one with 'trustwell init')\n"
    )
    assert result.stdout == ""
    assert list(empty.iterdir()) == []


def test_run_in_the_current_folder_without_a_project_fails_the_ci_job(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()  # assets alone are not a project
    process = subprocess.run(
        [sys.executable, "-m", "trustwell", "run"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert process.returncode == 2
    assert process.stderr == (
        f"error: no trustwell.yml in {tmp_path.resolve()} (create one with 'trustwell init')\n"
    )
    assert process.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets"]
