"""Fixtures of the integration tests: the incident tests' project (lineage, teams, a rotation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from incidents.conftest import write_project
from trustwell.cli.app import create_app


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    return tmp_path


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    """Run ``trustwell ARGS --project PROJECT`` as a user would; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def cli_json(project: Path, *args: str) -> Any:
    code, stdout, stderr = cli(project, *args, "--format", "json")
    assert code in (0, 1), stderr
    return json.loads(stdout)
