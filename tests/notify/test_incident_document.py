"""One incident document: the CLI's JSON, the API's and a webhook's are the same document,
and the JSON Schema that ``trustwell schema --incident`` prints validates each of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import httpx
import jsonschema_rs
import pytest
from notify_servers import Receiver
from typer.testing import CliRunner

from threaded_server import serve_in_thread
from trustwell.cli.app import create_app
from trustwell.incidents.document import IncidentDocument

SETTINGS = """\
name: acme
store: {store}
warehouses:
  main: {{type: duckdb, path: warehouse.duckdb}}
people:
  alice: {{email: alice@acme.test}}
teams:
  data-platform: {{members: [alice]}}
oncall:
  data-platform: {{members: [alice], rotation: weekly, start: 2026-11-16T09:00:00Z}}
incident_channel: ops
channels:
  ops: {{type: webhook, url: "{hook}"}}
"""

ASSETS = """\
assets:
  - name: raw.feed
    owner: data-platform
    tier: 1
    checks:
      - {type: freshness, column: loaded_at, max_age: 26h}
"""


@pytest.fixture
def project(
    tmp_path: Path, receiver: Receiver, store_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.execute("CREATE SCHEMA raw; CREATE TABLE raw.feed (loaded_at TIMESTAMP)")
    connection.execute("INSERT INTO raw.feed VALUES ('2026-11-20 06:00:00')")
    connection.close()
    (tmp_path / "trustwell.yml").write_text(
        SETTINGS.format(
            store=store_url or "sqlite:///.trustwell/trustwell.db", hook=receiver.url + "/hook"
        )
    )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "feed.yml").write_text(ASSETS)
    return tmp_path


def cli(project: Path, *args: str) -> str:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


@pytest.fixture
def api(project: Path) -> Iterator[httpx.Client]:
    """The API of a real ``trustwell serve`` of the project, as a viewer."""
    from trustwell.auth.tokens import create_token
    from trustwell.config.loader import load_project
    from trustwell.store import open_store
    from trustwell.web.app import create_app as create_web_app

    loaded = load_project(project)
    store = open_store(loaded.settings.store, loaded.root)
    token = create_token(store, name="vera", role="viewer", actor="test")
    store.close()
    with (
        serve_in_thread(create_web_app(project, scheduler=False)) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        yield client


def incident_schema() -> dict[str, Any]:
    result = CliRunner().invoke(create_app(), ["schema", "--incident"])
    assert result.exit_code == 0, result.stderr
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def test_cli_api_and_webhook_give_the_same_incident_document(
    project: Path, receiver: Receiver, api: httpx.Client
) -> None:
    cli(project, "run")
    cli(
        project,
        "incident",
        "update",
        "INC-1",
        "-m",
        "vendor contacted",
        "--public",
        "The feed is late",
        "--eta",
        "2026-11-22T11:00:00Z",
        "--as",
        "alice",
    )
    events = [r.headers["x-trustwell-event"] for r in receiver.requests]
    assert events == ["incident.declared", "incident.updated"]
    webhook = receiver.requests[-1].json()["incident"]
    shown = json.loads(cli(project, "incident", "show", "INC-1", "--format", "json"))
    (listed,) = json.loads(cli(project, "incident", "list", "--format", "json"))
    served = api.get("/api/v1/incidents/INC-1")
    assert served.status_code == 200, served.text
    (served_in_list,) = api.get("/api/v1/incidents").json()

    assert webhook == shown == listed == served.json() == served_in_list
    assert shown["schema_version"] == 1
    assert (shown["eta"], shown["latest_public_update"]) == (
        "2026-11-22T11:00:00Z",
        "The feed is late",
    )  # the webhook used to lack both
    assert shown["timeline"][-1]["data"]["eta"] == "2026-11-22T11:00:00Z"

    validator = jsonschema_rs.validator_for(incident_schema())
    for document in (webhook, shown, served.json()):
        validator.validate(document)
        assert IncidentDocument.model_validate(document).model_dump(mode="json") == document


def test_the_schema_is_versioned_and_requires_every_field() -> None:
    schema = incident_schema()
    assert schema["$id"] == "urn:trustwell:schema:incident:1"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "trustwell incident"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])
    assert schema["properties"]["schema_version"]["const"] == 1
    assert schema["properties"]["status"]["$ref"] == "#/$defs/Status"
    assert schema["$defs"]["Status"]["enum"] == [
        "declared",
        "acknowledged",
        "investigating",
        "identified",
        "monitoring",
        "resolved",
        "closed",
        "dismissed",
    ]


def test_the_schema_refuses_a_document_that_is_not_an_incident() -> None:
    validator = jsonschema_rs.validator_for(incident_schema())
    document: dict[str, Any] = {
        "schema_version": 1,
        "id": "INC-1",
        "title": "t",
        "severity": "SEV-1",
        "status": "declared",
        "detection_source": "check",
        "root_asset": "raw.feed",
        "assets": [{"asset": "raw.feed", "impact": "root"}],
        "fingerprints": [],
        "commander": None,
        "smes": [],
        "runbook": None,
        "occurred_at": None,
        "declared_at": "2026-11-22T09:00:00Z",
        "acknowledged_at": None,
        "resolved_at": None,
        "closed_at": None,
        "dismissed_at": None,
        "drill": False,
        "cause": None,
        "summary": None,
        "next_update_at": None,
        "latest_public_update": None,
        "eta": None,
        "timeline": [],
    }
    assert validator.is_valid(document)
    for change in (
        {"eta": ...},  # left out
        {"status": "open"},
        {"severity": "SEV-4"},
        {"declared_at": "Sunday"},
        {"webhook_only": True},
    ):
        broken = {k: v for k, v in {**document, **change}.items() if v is not ...}
        assert not validator.is_valid(broken), change


def test_schema_incident_and_kind_are_one_or_the_other() -> None:
    result = CliRunner().invoke(create_app(), ["schema", "--incident", "--kind", "assets"])
    assert result.exit_code == 2
    assert result.stderr == "error: give --incident or --kind, not both\n"
