"""``openlineage:`` in trustwell.yml: typed, with file, line and nearest key; its api_key secret."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest
import typer
from typer.testing import CliRunner

from trustwell.cli import project_cmds
from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project
from trustwell.config.schema import json_schema
from trustwell.redact import scrub


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ProjectError) as info:
        load_project(root)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            "openlineage:\n  transport: http\n  urll: http://marquez:5000\n",
            "unknown key 'openlineage.urll' in trustwell.yml line 3: did you mean 'url'?",
        ),
        (
            "openlineage:\n  transport: htp\n",
            "openlineage.transport must be one of 'http', 'file' or 'console', got 'htp'"
            " in trustwell.yml line 2",
        ),
        (
            "openlineage:\n  namespace: shop\n  transport: http\n",
            "openlineage: transport http needs url: (e.g. http://marquez:5000)"
            " in trustwell.yml line 3",
        ),
        (
            "openlineage:\n  transport: file\n",
            "openlineage: transport file needs path: (the NDJSON file to append to)"
            " in trustwell.yml line 2",
        ),
        (
            "openlineage:\n  transport: console\n  url: http://marquez:5000\n",
            "openlineage: url is only used by transport http in trustwell.yml line 3",
        ),
        (
            "openlineage:\n  transport: http\n  url: ftp://marquez\n",
            "openlineage.url: must be an http:// or https:// URL, got 'ftp://'"
            " in trustwell.yml line 3",
        ),
        (
            "openlineage:\n  transport: console\n  timeout: 90\n",
            "openlineage.timeout: must be a number of seconds or a duration from 1s to 30s"
            " (e.g. 10s) in trustwell.yml line 3",
        ),
        (
            "channels:\n  openlineage: {type: webhook, url: 'http://h'}\n"
            "openlineage: {transport: console}\n",
            "channel name 'openlineage' is taken by the openlineage: section (its events are"
            " queued under that name): rename the channel in trustwell.yml line 2",
        ),
    ],
)
def test_bad_openlineage_settings_name_the_line_and_what_is_wrong(
    tmp_path: Path, settings: str, expected: str
) -> None:
    write(tmp_path, {"trustwell.yml": settings})
    assert problems(tmp_path) == [expected]


def test_settings_load_with_defaults_and_the_api_key_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OL_KEY", "ol-secret-7731")
    write(
        tmp_path,
        {
            "trustwell.yml": "openlineage:\n  transport: http\n  url: http://127.0.0.1:5000/\n"
            "  api_key: ${OL_KEY}\n  namespace: shop\n  timeout: 10s\n"
        },
    )
    settings = load_project(tmp_path).settings.openlineage
    assert settings is not None
    assert settings.lineage_url == "http://127.0.0.1:5000/api/v1/lineage"
    assert settings.timeout.total_seconds() == 10
    assert settings.api_key == "ol-secret-7731"
    assert "ol-secret-7731" not in repr(settings)
    assert scrub("key is ol-secret-7731") == "key is ***"


def test_a_bad_api_key_value_is_never_echoed(tmp_path: Path) -> None:
    write(tmp_path, {"trustwell.yml": "openlineage:\n  transport: http\n  url: http://h\n"
                     "  api_key: [ol-listed-secret-55]\n"})  # fmt: skip
    (message,) = problems(tmp_path)
    assert "ol-listed-secret-55" not in message
    assert message.startswith("openlineage.api_key must be a string")


def test_schema_describes_openlineage_and_rejects_a_misspelt_key() -> None:
    schema = json_schema()["trustwell.yml"]
    validator = jsonschema_rs.validator_for(schema)
    good = {"openlineage": {"transport": "http", "url": "http://m:5000", "namespace": "shop"}}
    assert validator.is_valid(good)
    assert not validator.is_valid({"openlineage": {"transport": "http", "urll": "http://m"}})
    assert not validator.is_valid({"openlineage": {"transport": "kafka"}})
    app = typer.Typer()
    project_cmds.register(app)
    printed = json.loads(CliRunner().invoke(app, ["schema", "--kind", "project"]).stdout)
    properties = printed["$defs"]["OpenLineageSettings"]["properties"]
    assert {"transport", "url", "api_key", "namespace", "endpoint", "timeout", "path"} <= set(
        properties
    )
