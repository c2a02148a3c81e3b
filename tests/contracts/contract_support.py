"""Helpers of the contract tests: the CLI as a user runs it, and the ODCS schema as the oracle."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema.validators import Draft201909Validator
from typer.testing import CliRunner

from trustwell.cli.app import create_app


def cli(*args: str) -> tuple[int, str, str]:
    """``trustwell ARGS``: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(create_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def odcs_errors(document: Any) -> list[str]:
    """The violations the standard's own JSON Schema finds (read here, not through trustwell)."""
    text = (resources.files("open_data_contract_standard") / "schema.json").read_text()
    schema = json.loads(text)
    validator = Draft201909Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def schema_api_version() -> str:
    text = (resources.files("open_data_contract_standard") / "schema.json").read_text()
    return str(json.loads(text)["properties"]["apiVersion"]["default"])


def export(project: Path, asset: str, *extra: str) -> dict[str, Any]:
    code, out, err = cli("contract", "export", asset, "--project", str(project), *extra)
    assert code == 0, err
    document: dict[str, Any] = yaml.safe_load(out)
    return document


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def without_id(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "id"}
