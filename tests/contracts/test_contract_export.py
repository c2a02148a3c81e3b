"""``trustwell contract export``: an ODCS v3 document that the standard's own schema accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from contract_support import cli, export, odcs_errors, schema_api_version

DEMO_ASSETS = ["raw.ad_spend", "raw.new_customers", "marts.weekly_cac"]


@pytest.mark.parametrize("asset", DEMO_ASSETS)
def test_every_demo_asset_exports_a_schema_valid_contract(demo: Path, asset: str) -> None:
    document = export(demo, asset)
    assert odcs_errors(document) == []
    assert document["apiVersion"] == schema_api_version()
    assert document["kind"] == "DataContract"
    assert document["name"] == asset and document["status"] == "active"
    assert document["schema"][0]["physicalName"] == asset


def test_the_mart_contract_says_what_the_asset_and_warehouse_say(demo: Path) -> None:
    document = export(demo, "marts.weekly_cac", "--contract-version", "2.1.0")
    assert document["version"] == "2.1.0"
    assert document["description"]["purpose"].startswith("Weekly customer acquisition cost")
    assert document["description"]["usage"].startswith("exec_reporting")
    assert document["team"]["name"] == "growth-analytics"
    assert {m["username"] for m in document["team"]["members"]} == {
        "erin@acme.test",
        "farid@acme.test",
        "dave@acme.test",
    }
    (table,) = document["schema"]
    props = {p["name"]: p for p in table["properties"]}
    # Columns and types as DuckDB describes the table, in the table's order.
    assert list(props) == ["week", "channel", "spend", "new_customers", "cac", "loaded_at"]
    assert props["spend"]["physicalType"].startswith("DECIMAL")
    assert props["spend"]["logicalType"] == "number"
    assert props["new_customers"]["logicalType"] == "integer"
    assert props["week"]["required"] is True and "required" not in props["loaded_at"]
    # not_null over five columns: one nullValues rule per column, under the check's name.
    nulls = [
        q for p in props.values() for q in p.get("quality", []) if q.get("metric") == "nullValues"
    ]
    assert len(nulls) == 5 and {q["name"] for q in nulls} == {
        "not_null:week,channel,spend,new_customers,cac"
    }
    assert all(q["mustBe"] == 0 for q in nulls)
    (accepted,) = [q for q in props["channel"]["quality"] if q.get("metric") == "invalidValues"]
    assert accepted["arguments"]["validValues"] == ["search", "social", "display", "referral"]
    (cac_range,) = props["cac"]["quality"][1:]
    assert cac_range["type"] == "custom" and cac_range["engine"] == "trustwell"
    assert cac_range["implementation"] == {"type": "range", "column": "cac", "min": 1, "max": 200}
    by_name = {q["name"]: q for q in table["quality"]}
    assert by_name["row_count"] == {
        "name": "row_count",
        "metric": "rowCount",
        "mustBeGreaterOrEqualTo": 40,
        "dimension": "completeness",
    }
    assert by_name["unique:week,channel"]["arguments"] == {"properties": ["week", "channel"]}
    assert by_name["cac_vs_previous_4_weeks"]["type"] == "sql"
    assert by_name["cac_vs_previous_4_weeks"]["mustBeLessOrEqualTo"] == 0.15
    (latency,) = document["slaProperties"]
    assert (latency["property"], latency["value"], latency["unit"]) == ("latency", 3, "d")
    assert latency["element"] == "marts.weekly_cac.loaded_at"
    custom = {c["property"]: c["value"] for c in document["customProperties"]}
    assert custom["tier"] == 1 and custom["useCases"] == ["exec_reporting"]
    assert custom["schedule"] == "0 8 * * *"


def test_without_a_warehouse_the_columns_come_from_the_checks(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text(
        "warehouses:\n  main: {type: duckdb, path: missing.duckdb}\n", encoding="utf-8"
    )
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "orders.yml").write_text(
        "assets:\n"
        "  - name: shop.orders\n"
        "    pii: [email]\n"
        "    columns: {id: {description: The order, data_type: BIGINT}}\n"
        "    checks:\n"
        "      - {type: unique, column: id}\n"
        "      - {type: not_null, column: email, max_failing_fraction: 0.05}\n"
        "      - {type: schema, columns: {id: integer, total: decimal}}\n"
        "    slos:\n"
        "      - {check: 'unique:id', objective: 99.5%, window: 7d}\n",
        encoding="utf-8",
    )
    code, out, err = cli("contract", "export", "shop.orders", "--project", str(tmp_path))
    assert code == 0, err
    assert "could not be described" in err
    document = yaml.safe_load(out)
    assert odcs_errors(document) == []
    props = {p["name"]: p for p in document["schema"][0]["properties"]}
    # Documented and declared columns first, then the ones only checks name.
    assert list(props) == ["id", "total", "email"]
    assert props["total"]["logicalType"] == "number"
    # No type is known for email: the schema wants one, so it is inferred and marked so.
    assert props["email"]["logicalType"] == "string"
    assert props["email"]["customProperties"] == [
        {"property": "inferredType", "value": True, "vendor": "trustwell"}
    ]
    assert props["id"] == {
        "name": "id",
        "description": "The order",
        "logicalType": "integer",
        "physicalType": "BIGINT",
        "unique": True,
        "quality": [
            {
                "name": "unique:id",
                "metric": "duplicateValues",
                "mustBe": 0,
                "unit": "rows",
                "dimension": "uniqueness",
            }
        ],
    }
    assert props["email"]["classification"] == "pii" and "required" not in props["email"]
    (nulls,) = props["email"]["quality"]
    assert (nulls["mustBeLessOrEqualTo"], nulls["unit"]) == (5, "percent")
    (slo,) = document["slaProperties"]
    assert (slo["property"], slo["value"], slo["unit"]) == ("slo", 99.5, "percent")


def test_output_file_and_unknown_asset(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "cac.odcs.yaml"
    code, out, err = cli(
        "contract", "export", "marts.weekly_cac", "--output", str(target), "--project", str(demo)
    )
    assert code == 0 and out == "" and str(target) in err
    assert odcs_errors(yaml.safe_load(target.read_text())) == []
    code, _, err = cli("contract", "export", "marts.weekly_ca", "--project", str(demo))
    assert code == 2
    assert "unknown asset 'marts.weekly_ca'" in err and "marts.weekly_cac" in err


def test_without_the_standard_package_the_error_says_what_to_install(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustwell.contracts import files

    files.odcs_schema.cache_clear()
    monkeypatch.setattr(files, "PACKAGE", "open_data_contract_standard_not_installed")
    try:
        code, out, err = cli("contract", "export", "marts.weekly_cac", "--project", str(demo))
    finally:
        files.odcs_schema.cache_clear()
    assert code == 2 and out == ""
    assert "need the open-data-contract-standard package" in err and "trustwell[interop]" in err
