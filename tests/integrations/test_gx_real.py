"""Great Expectations 1.x as the oracle: its verdicts, imported and re-computed by trustwell.

GX builds the suite and validates a pandas table (once per module: GX is slow to
import); trustwell converts the suite into the asset's file, runs the checks on
the same rows in DuckDB, and must agree with every GX verdict. The validation
result is imported too: its failures open an incident detected ``external``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from integrations.conftest import cli, cli_json
from integrations.gx_build import ORDERS, GxRun, validate_with_gx

SETTINGS = """\
name: shop
warehouses:
  main: {type: duckdb, path: warehouse.duckdb}
teams:
  data-platform: {}
"""
ASSETS = """\
assets:
  # The shop's orders, validated by GX in the loading pipeline.
  - name: shop.orders
    owner: data-platform
    tier: 1
    checks:
      - type: row_count  # trustwell's own
        min: 1
"""
#: The trustwell check each expectation of gx_build.expectations() becomes, in order.
CONVERTED = [
    "not_null:email",
    "not_null:email#2",
    "unique:id",
    "accepted_values:channel",
    "accepted_values:channel#2",
    "range:amount",
    "range:amount#2",
    "regex:email",
    "length:code",
    "row_count#2",
    "stat:mean(amount)",
    "stat:median(amount)",
    "stat:min(amount)",
    "stat:max(amount)",
    "stat:distinct_count(id)",
    "schema",  # the column set and the two column types: one schema check
    "schema",
    "schema",
    "not_null:nope",
    None,  # expect_column_values_to_be_increasing: not converted
]
STATUS = {True: "pass", False: "fail", None: "error"}


@pytest.fixture(scope="module")
def gx_run() -> GxRun:
    return validate_with_gx()


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gx_run: GxRun) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "shop.yml").write_text(ASSETS)
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    connection.register("orders_frame", ORDERS)
    connection.execute("CREATE SCHEMA shop; CREATE TABLE shop.orders AS SELECT * FROM orders_frame")
    connection.close()
    (tmp_path / "suite.json").write_text(json.dumps(gx_run.suite))
    (tmp_path / "result.json").write_text(json.dumps(gx_run.validation))
    return tmp_path


def expected_statuses(gx_run: GxRun) -> dict[str, str]:
    """GX's verdict per converted check (a merged check passes when all its expectations do)."""
    merged: dict[str, list[bool | None]] = {}
    for name, verdict in zip(CONVERTED, gx_run.verdicts, strict=True):
        if name is not None:
            merged.setdefault(name, []).append(verdict)
    return {name: STATUS[None if None in found else all(found)] for name, found in merged.items()}


def test_the_gx_oracle_passes_fails_and_cannot_run_some_expectations(gx_run: GxRun) -> None:
    # The comparison below is worth something only if GX said all three.
    assert {True, False, None} <= set(gx_run.verdicts)


def test_trustwells_run_of_the_converted_suite_agrees_with_every_gx_verdict(
    shop: Path, gx_run: GxRun
) -> None:
    code, stdout, stderr = cli(
        shop, "import", "gx-suite", str(shop / "suite.json"), "--into", "shop.orders"
    )
    assert (code, stdout) == (0, "")
    assert stderr == (
        f"appended 17 checks to shop.orders in {shop / 'assets' / 'shop.yml'}\n"
        "not converted: expect_column_values_to_be_increasing (expectation 20): "
        "trustwell has no check for it\n"
    )
    text = (shop / "assets" / "shop.yml").read_text()
    assert text.startswith(ASSETS)  # the comments and the declared check stay as they were
    document = cli_json(shop, "run")
    statuses = {r["check"]: r["status"] for r in document["results"]}
    assert statuses.pop("row_count") == "pass"
    assert statuses == expected_statuses(gx_run)


def test_importing_the_gx_result_records_gx_verdicts_and_opens_an_external_incident(
    shop: Path, gx_run: GxRun
) -> None:
    document = cli_json(shop, "import", "gx-results", str(shop / "result.json"))
    by_name = {r["check"]: r for r in document["results"]}
    assert len(by_name) == 20
    types = [e["type"] for e in gx_run.suite["expectations"]]
    assert sorted(r["type"] for r in document["results"]) == sorted(types)
    assert [r["status"] for r in document["results"]] == [
        STATUS[v]
        for v in (
            gx_run.verdicts[
                next(i for i, e in enumerate(gx_run.suite["expectations"]) if e["id"] == rid)
            ]
            for rid in (r["expectation_config"]["id"] for r in gx_run.validation["results"])
        )
    ]
    unique = by_name["gx:expect_column_values_to_be_unique(id)"]
    assert (unique["status"], unique["value"], unique["failing_fraction"]) == ("fail", 2.0, 0.4)
    assert unique["message"] == (
        "GX expect_column_values_to_be_unique on id failed: 2 unexpected values (40 %)"
    )
    assert unique["details"]["unexpected_count"] == 2
    assert unique["details"]["unexpected_percent"] == 40.0
    assert unique["details"]["origin"] == "gx"
    assert unique["details"]["suite"] == "orders"
    median = by_name["gx:expect_column_median_to_be_between(amount)"]
    assert (median["status"], median["value"]) == ("fail", 30.0)
    assert median["details"]["observed_value"] == 30.0
    nope = by_name["gx:expect_column_values_to_not_be_null(nope)"]
    assert nope["status"] == "error"
    assert nope["message"] == (
        'GX could not run expect_column_values_to_not_be_null on nope: Error: The column "nope"'
        " in BatchData does not exist."
    )
    assert by_name["gx:expect_column_values_to_not_be_null(email)#2"]["status"] == "fail"
    assert document["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    (incident,) = cli_json(shop, "incident", "list")
    assert (incident["root_asset"], incident["detection_source"]) == ("shop.orders", "external")
    history = cli_json(shop, "history", "shop.orders")
    assert {e["check"] for e in history} == set(by_name)


def checkpoint(gx_run: GxRun, *assets: str) -> dict[str, Any]:
    """A checkpoint result: CheckpointResult's fields, each run result as GX serialises it."""
    runs = {}
    for n, asset in enumerate(assets):
        validation = copy.deepcopy(gx_run.validation)
        validation["meta"]["active_batch_definition"]["data_asset_name"] = asset
        runs[f"ValidationResultIdentifier::orders/{n}"] = validation
    return {"success": False, "run_id": {"run_name": None}, "run_results": runs}


def test_a_checkpoint_result_with_an_unknown_asset_next_to_a_good_one_records_nothing(
    shop: Path, gx_run: GxRun
) -> None:
    path = shop / "checkpoint.json"
    path.write_text(json.dumps(checkpoint(gx_run, "shop.orders", "shop.order")))
    code, stdout, stderr = cli(shop, "import", "gx-results", str(path))
    assert (code, stdout) == (2, "")
    assert stderr == (
        f"error: {path}: validation 2: no asset is named 'shop.order' (GX's data asset name):"
        " did you mean 'shop.orders'?\n"
    )
    assert cli_json(shop, "history", "shop.orders") == []
    assert cli_json(shop, "incident", "list") == []


def test_a_checkpoint_result_of_known_assets_is_one_run(shop: Path, gx_run: GxRun) -> None:
    path = shop / "checkpoint.json"
    path.write_text(json.dumps(checkpoint(gx_run, "shop.orders")))
    code, stdout, _ = cli(shop, "import", "gx-results", str(path))
    assert code == 0
    assert stdout.splitlines()[0].endswith(": 11 pass, 8 fail, 1 error")
    assert stdout.splitlines()[-1] == "INC-1 opened (SEV-1)"
