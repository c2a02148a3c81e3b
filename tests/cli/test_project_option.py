"""Every command takes ``--project DIR`` (SPEC section 1), the folder commands too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from trustwell.cli.app import create_app


def leaf_commands() -> Iterator[tuple[str, Any]]:
    """Every command a user can type, by its full name (``incident list``)."""
    root = typer.main.get_command(create_app())
    ctx = typer.Context(root)

    def walk(group: Any, prefix: str) -> Iterator[tuple[str, Any]]:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            path = f"{prefix} {name}".strip()
            if hasattr(command, "list_commands"):  # a group: its commands
                yield from walk(command, path)
            else:
                yield path, command

    yield from walk(root, "")


def test_every_command_accepts_project() -> None:
    commands = dict(leaf_commands())
    assert {"run", "init", "schema", "demo", "incident list", "runbook run"} <= set(commands)
    without = [
        path
        for path, command in commands.items()
        if not any("--project" in getattr(p, "opts", ()) for p in command.params)
    ]
    assert without == []


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_writes_into_the_project_folder(tmp_path: Path) -> None:
    target = tmp_path / "new"
    code, stdout, stderr = invoke("init", "--project", str(target))
    assert code == 0, stderr
    assert (target / "trustwell.yml").is_file()
    assert stdout.endswith(f"Next: trustwell run --project {target.as_posix()}\n")


def test_a_folder_and_a_different_project_are_refused(tmp_path: Path) -> None:
    for command in ("init", "demo"):
        code, _, stderr = invoke(command, str(tmp_path / "a"), "--project", str(tmp_path / "b"))
        assert code == 2
        assert stderr == (
            f"error: {tmp_path / 'a'} and --project {tmp_path / 'b'} are two folders: "
            "give one of them\n"
        )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_the_same_folder_twice_is_fine(tmp_path: Path) -> None:
    code, _, stderr = invoke("init", str(tmp_path), "--project", str(tmp_path / "."))
    assert code == 0, stderr


def test_demo_builds_in_the_project_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    code, _, stderr = invoke("demo", "--no-serve", "--project", str(tmp_path))
    assert code == 2
    assert stderr == (
        f"error: {tmp_path} is not empty and holds no trustwell demo: choose another folder\n"
    )
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_schema_takes_project_and_prints_the_same_document(tmp_path: Path) -> None:
    code, plain, _ = invoke("schema")
    assert code == 0
    code, stdout, stderr = invoke("schema", "--project", str(tmp_path))
    assert code == 0, stderr
    assert json.loads(stdout) == json.loads(plain)
