"""``trustwell init`` writes a project that loads as is; ``trustwell schema`` describes it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from trustwell.checks.spec import CHECK_TYPES
from trustwell.cli import project_cmds
from trustwell.config.loader import load_project
from trustwell.config.models import AssetsFile, ProjectSettings
from trustwell.config.schema import json_schema
from trustwell.config.starter import StarterExists, starter_files, write_starter

RUNBOOKS = [
    "distribution-drift",
    "duplicate-records",
    "schema-change",
    "stale-table",
    "third-party-api-failure",
    "volume-anomaly",
]
STARTER = [
    "README.md",
    "assets/orders.yml",
    "data/orders.csv",
    *(f"runbooks/{name}.md" for name in RUNBOOKS),
    "trustwell.yml",
]


def cli() -> typer.Typer:
    app = typer.Typer()
    project_cmds.register(app)
    return app


def test_starter_has_settings_an_asset_its_data_and_a_readme() -> None:
    assert sorted(starter_files()) == STARTER


def test_init_writes_a_project_that_loads_as_is(tmp_path: Path) -> None:
    written = write_starter(tmp_path / "x")
    assert [p.relative_to(tmp_path / "x").as_posix() for p in written] == STARTER
    project = load_project(tmp_path / "x")
    assert project.settings.default_warehouse == "main"
    (orders,) = project.assets
    assert orders.name == "orders"
    assert orders.path == "data/orders.csv"
    assert project.resolve(orders.path).is_file()
    types = {check.type for check in orders.checks}
    assert len(types) >= 6
    assert types <= set(CHECK_TYPES)
    assert project.asset_files["orders"].file == "assets/orders.yml"


def test_starter_data_is_about_twenty_healthy_orders(tmp_path: Path) -> None:
    write_starter(tmp_path)
    with (tmp_path / "data/orders.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 15 <= len(rows) <= 30
    assert len({row["order_id"] for row in rows}) == len(rows)
    assert all(float(row["amount"]) >= 0 for row in rows)
    assert {row["status"] for row in rows} <= {"placed", "shipped", "delivered", "returned"}


_COMMENTED_YAML = re.compile(r"^(\s*)# ((?:[a-z_][\w-]*:.*)|(?:\s+\S.*))$")


def uncomment(text: str) -> str:
    """The file with its commented-out YAML examples switched on (prose comments stay)."""
    return "\n".join(_COMMENTED_YAML.sub(r"\1\2", line) for line in text.splitlines())


def test_starter_settings_keep_the_examples_commented_out() -> None:
    text = starter_files()["trustwell.yml"].decode()
    data = yaml.safe_load(text)
    assert sorted(data) == ["name", "store", "timezone", "warehouses"]
    assert list(data["warehouses"]) == ["main"]


def test_commented_examples_use_spec_key_names_and_load_when_switched_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ANALYTICS_PG_URL", "HOOK_SECRET", "TRUSTWELL_DB_PASSWORD", "OPENLINEAGE_API_KEY"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.test/services/x")
    write_starter(tmp_path)
    text = (tmp_path / "trustwell.yml").read_text()
    (tmp_path / "trustwell.yml").write_text(uncomment(text))
    settings = load_project(tmp_path).settings
    assert list(settings.warehouses) == ["main", "pg", "lake"]
    assert settings.teams and settings.people and settings.oncall and settings.channels
    assert sorted(settings.response) == ["SEV-1", "SEV-2", "SEV-3"]
    assert list(settings.use_cases) == ["exec_reporting", "weekly_kpis"]
    kpis = settings.use_cases["weekly_kpis"].policy("weekly_kpis")
    assert [r.label for r in kpis.requirements] == [
        "schema",
        "freshness",
        "slo: met",
        "lineage: known",
    ]
    assert settings.incident_channel == "data-incidents"
    assert settings.store == "sqlite:///.trustwell/trustwell.db"
    assert settings.openlineage is not None
    assert (settings.openlineage.lineage_url, settings.openlineage.namespace) == (
        "http://localhost:5000/api/v1/lineage",
        "my-data-project",
    )


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/orders.yml").write_text("mine\n")
    with pytest.raises(StarterExists) as info:
        write_starter(tmp_path)
    assert info.value.existing == [tmp_path / "assets/orders.yml"]
    assert not (tmp_path / "trustwell.yml").exists()  # nothing written
    runner = CliRunner()
    result = runner.invoke(cli(), ["init", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path} already has assets/orders.yml; nothing was written"
        " (use --force to overwrite)\n"
    )
    assert (tmp_path / "assets/orders.yml").read_text() == "mine\n"
    forced = runner.invoke(cli(), ["init", str(tmp_path), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "wrote" in forced.stdout
    assert load_project(tmp_path).assets[0].name == "orders"


def test_schema_has_both_file_kinds_with_id_and_title() -> None:
    schemas = json_schema()
    assert sorted(schemas) == ["assets.yml", "trustwell.yml"]
    for file_kind, schema in schemas.items():
        assert schema["$id"].startswith(f"urn:trustwell:schema:{file_kind}:")
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["title"]
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False
        json.dumps(schema)  # serialisable


def test_project_schema_lists_the_settings_keys_and_warehouse_types() -> None:
    schema = json_schema()["trustwell.yml"]
    assert set(schema["properties"]) == set(ProjectSettings.model_fields)
    mapping = schema["properties"]["warehouses"]["additionalProperties"]["discriminator"]
    assert sorted(mapping["mapping"]) == ["duckdb", "postgres", "spark"]
    assert "from" in schema["$defs"]["Override"]["properties"]  # the alias, as written in YAML


def test_assets_schema_has_every_check_type() -> None:
    schema = json_schema()["assets.yml"]
    items = schema["$defs"]["Asset"]["properties"]["checks"]["items"]
    assert sorted(items["discriminator"]["mapping"]) == sorted(CHECK_TYPES)


def _validates(schema: dict[str, Any], data: Any, defs: dict[str, Any]) -> bool:
    """A small validator for the subset of JSON Schema that Pydantic emits here."""
    if "$ref" in schema:
        return _validates(defs[schema["$ref"].split("/")[-1]], data, defs)
    if "oneOf" in schema or "anyOf" in schema:
        options = schema.get("oneOf") or schema["anyOf"]
        return any(_validates(option, data, defs) for option in options)
    if "const" in schema:
        return bool(data == schema["const"])
    if "enum" in schema:
        return data in schema["enum"]
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(data, dict):
            return False
        props = schema.get("properties", {})
        if any(key not in data for key in schema.get("required", [])):
            return False
        extra = schema.get("additionalProperties", True)
        for key, value in data.items():
            if key in props:
                if not _validates(props[key], value, defs):
                    return False
            elif extra is False or (isinstance(extra, dict) and not _validates(extra, value, defs)):
                return False
        return True
    if kind == "array":
        item = schema.get("items", {})
        return isinstance(data, list) and all(_validates(item, v, defs) for v in data)
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    return kind is None or checks[kind](data)


def test_schema_accepts_the_starter_and_rejects_a_misspelt_key(tmp_path: Path) -> None:
    schema = json_schema()["assets.yml"]
    write_starter(tmp_path)
    data = yaml.safe_load((tmp_path / "assets/orders.yml").read_text())
    AssetsFile.model_validate(data)
    assert _validates(schema, data, schema["$defs"])
    data["assets"][0]["checks"][1]["colum"] = "x"
    assert not _validates(schema, data, schema["$defs"])
    project = json_schema()["trustwell.yml"]
    settings = yaml.safe_load((tmp_path / "trustwell.yml").read_text())
    assert _validates(project, settings, project["$defs"])
    assert not _validates(
        project, settings | {"warehouses": {"x": {"type": "duckd"}}}, project["$defs"]
    )


@pytest.mark.parametrize(
    ("kind", "file_kind"), [("project", "trustwell.yml"), ("assets", "assets.yml")]
)
def test_schema_command_prints_one_kind_as_json(kind: str, file_kind: str) -> None:
    result = CliRunner().invoke(cli(), ["schema", "--kind", kind])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json_schema()[file_kind]


def test_schema_command_prints_both_kinds_by_default() -> None:
    result = CliRunner().invoke(cli(), ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json_schema()


def test_assets_schema_describes_the_openlineage_alias_as_namespace_and_name() -> None:
    schema = json_schema()["assets.yml"]
    alias = schema["$defs"]["OpenLineageAlias"]
    assert alias["required"] == ["namespace", "name"]
    assert alias["additionalProperties"] is False
