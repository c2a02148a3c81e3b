"""``trustwell contract import``: other assets kept, unmapped parts listed, bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

from contract_support import cli, export, write

from trustwell.config.loader import load_project

SHOP = """\
# The shop's tables. Keep this comment.
assets:
  - name: shop.customers   # who buys
    owner: sales
    checks:
      - {type: unique, column: id}

  # Orders, one row each.
  - name: shop.orders
    checks:
      - {type: row_count, min: 1}
      - {type: not_null, column: id}
  - name: shop.refunds
    checks: [{type: row_count, min: 0}]
"""

FOREIGN = """\
apiVersion: v3.1.0
kind: DataContract
id: 53581432-6c55-4ba2-a65f-72344a91553a
name: Orders of the shop
version: 2.0.0
status: active
servers:
  - server: prod
    type: postgres
    host: db.acme.test
    port: 5432
    database: shop
    schema: public
team:
  name: order-platform
schema:
  - name: orders
    physicalName: shop.orders
    physicalType: table
    properties:
      - name: id
        logicalType: integer
        physicalType: bigint
        required: true
        unique: true
      - name: status
        logicalType: string
        quality:
          - type: text
            description: Statuses follow the order lifecycle.
          - metric: invalidValues
            arguments: {validValues: [new, paid]}
            mustBeLessThan: 1
            unit: percent
      - name: tags
        logicalType: array
        items: {logicalType: string}
      - name: placed_at
        logicalType: timestamp
    quality:
      - type: custom
        engine: soda
        implementation: "duplicate_count(id) = 0"
      - metric: rowCount
        mustBeGreaterThan: 100
slaProperties:
  - property: latency
    value: 4
    unit: hours
    element: orders.placed_at
  - property: retention
    value: 3
    unit: y
"""


def _project(root: Path) -> Path:
    (root / "trustwell.yml").write_text("teams:\n  sales: {members: []}\n", encoding="utf-8")
    (root / "assets").mkdir()
    (root / "assets" / "shop.yml").write_text(SHOP, encoding="utf-8")
    return root


def test_an_existing_asset_is_replaced_in_place(tmp_path: Path) -> None:
    root = _project(tmp_path)
    document = export(root, "shop.orders")
    # The contract now also asks for unique ids.
    (id_column,) = document["schema"][0]["properties"]
    id_column["quality"].append({"name": "unique:id", "metric": "duplicateValues", "mustBe": 0})
    contract = write(tmp_path / "orders.yaml", document)
    code, out, err = cli("contract", "import", str(contract), "--project", str(root))
    assert code == 0, err
    assert out.startswith("updated asset shop.orders in assets/shop.yml (3 checks)")
    text = (root / "assets" / "shop.yml").read_text()
    before_orders = SHOP.split("  - name: shop.orders")[0]
    assert text.startswith(before_orders)  # header comment, shop.customers, its comments
    assert text.endswith("  - name: shop.refunds\n    checks: [{type: row_count, min: 0}]\n")
    loaded = load_project(root)
    assert [a.name for a in loaded.assets] == ["shop.customers", "shop.orders", "shop.refunds"]
    orders = loaded.asset("shop.orders")
    assert orders is not None
    assert [c.display_name for c in orders.checks] == ["row_count", "not_null:id", "unique:id"]


def test_a_foreign_contract_maps_what_it_can_and_lists_the_rest(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "assets" / "shop.yml").unlink()
    contract = tmp_path / "orders.odcs.yaml"
    contract.write_text(FOREIGN, encoding="utf-8")
    code, out, err = cli(
        "contract", "import", str(contract), "--project", str(root), "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["asset"], report["file"], report["created"]) == (
        "orders",
        "assets/orders.yml",
        True,
    )
    unmapped = {u["path"]: (u["line"], u["reason"]) for u in report["unmapped"]}
    lines = FOREIGN.splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if text in line)

    assert set(unmapped) == {
        "servers",
        "team",
        "schema[0].properties[1].quality[0]",
        "schema[0].properties[2].logicalType",
        "schema[0].properties[2].items",
        "schema[0].quality[0]",
        "slaProperties[1]",
    }
    assert unmapped["team"][1].startswith("team 'order-platform' is not declared under teams:")
    assert unmapped["schema[0].quality[0]"][0] == line_of("type: custom")
    assert "engine 'soda'" in unmapped["schema[0].quality[0]"][1]
    assert "text rule" in unmapped["schema[0].properties[1].quality[0]"][1]
    assert unmapped["slaProperties[1]"][0] == line_of("property: retention")
    orders = load_project(root).asset("orders")
    assert orders is not None and orders.owner is None and orders.table == "shop.orders"
    checks = {c.display_name: c.model_dump(exclude_defaults=True) for c in orders.checks}
    assert checks == {
        "schema": {
            "type": "schema",
            "columns": {"id": "integer", "status": "string", "placed_at": "timestamp"},
        },
        "accepted_values:status": {
            "type": "accepted_values",
            "column": "status",
            "values": ["new", "paid"],
            "max_failing_fraction": 0.01,
        },
        "row_count": {"type": "row_count", "min": 101.0},
        "freshness:placed_at": {"type": "freshness", "column": "placed_at", "max_age": "4h"},
        "not_null:id": {"type": "not_null", "column": "id"},
        "unique:id": {"type": "unique", "column": "id"},
    }
    # The text lists each part with the file and its line.
    code, _, err = cli("contract", "import", str(contract), "--project", str(root))
    assert code == 0
    assert f"not mapped: slaProperties[1] ({contract} line {line_of('property: retention')})" in err


def test_a_schema_violation_is_refused_with_its_path_and_line(tmp_path: Path) -> None:
    root = _project(tmp_path)
    broken = FOREIGN.replace("logicalType: integer", "logicalType: integr").replace(
        "mustBeGreaterThan: 100", "mustBeGreaterThan: 100\n        mustBeLessThan: 10"
    )
    contract = tmp_path / "orders.odcs.yaml"
    contract.write_text(broken, encoding="utf-8")
    code, out, err = cli("contract", "import", str(contract), "--project", str(root))
    assert code == 2 and out == ""
    assert f"{contract} is not a valid ODCS contract" in err
    lines = broken.splitlines()
    int_line = next(i for i, line in enumerate(lines, 1) if "logicalType: integr" in line)
    assert f"line {int_line}, at schema[0].properties[0].logicalType: 'integr' is not one of" in err
    assert ": did you mean 'integer'?" in err
    assert "at schema[0].quality[1]" in err
    assert sorted(p.name for p in (root / "assets").iterdir()) == ["shop.yml"]
    assert (root / "assets" / "shop.yml").read_text() == SHOP


def test_unreadable_and_nameless_contracts_exit_2(tmp_path: Path) -> None:
    root = _project(tmp_path)
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("apiVersion: v3.1.0\nkind: [DataContract\n", encoding="utf-8")
    code, _, err = cli("contract", "import", str(bad_yaml), "--project", str(root))
    assert code == 2 and "invalid YAML" in err and "line 3" in err
    nameless = tmp_path / "nameless.yaml"
    nameless.write_text(
        "apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\n", encoding="utf-8"
    )
    code, _, err = cli("contract", "import", str(nameless), "--project", str(root))
    assert code == 2 and "names no dataset" in err
    missing = tmp_path / "nowhere.yaml"
    code, _, err = cli("contract", "import", str(missing), "--project", str(root))
    assert code == 2 and "cannot be read" in err


ODD = """\
apiVersion: v3.2.0
kind: DataContract
id: odd
version: 1.0.0
schema:
  - name: odd
    properties:
      - name: id
        logicalType: integer
    quality:
      - {name: fine, type: custom, engine: trustwell, implementation: {type: row_count, min: 1}}
      - {type: custom, engine: trustwell, implementation: {type: forecast, metric: row_count}}
      - {type: custom, engine: trustwell, implementation: {type: range, column: id}}
      - type: custom
        engine: trustwell
        implementation: "type: sql\\nquery: delete from odd\\nmax: 0"
      - type: custom
        engine: trustwell
        implementation: {type: references, column: id, to: elsewhere.id}
      - {type: sql, query: "select count(*) from odd", mustNotBe: 3}
slaProperties:
  - property: slo
    value: 99
    unit: percent
    customProperties: [{property: check, value: missing_check}]
customProperties:
  - {property: schedule, value: every monday}
  - {property: tier, value: 7}
"""


def test_rules_the_project_would_refuse_are_listed_and_the_rest_imported(tmp_path: Path) -> None:
    root = _project(tmp_path)
    contract = tmp_path / "odd.yaml"
    contract.write_text(ODD, encoding="utf-8")
    code, out, err = cli("contract", "import", str(contract), "--project", str(root), "-f", "json")
    assert code == 0, err
    reasons = {u["path"]: u["reason"] for u in json.loads(out)["unmapped"]}
    assert "is not one of trustwell's" in reasons["schema[0].quality[1]"]
    assert (
        reasons["schema[0].quality[2]"]
        == "not a valid range check: Value error, give min, max or both"
    )
    assert "delete" in reasons["schema[0].quality[3]"].lower()
    assert "'elsewhere'" in reasons["schema[0].quality[4]"]
    assert "mustNotBe" in reasons["schema[0].quality[5]"]
    assert "missing_check" in reasons["slaProperties[0]"]
    assert (
        "cron" in reasons["customProperties[0]"] and "1, 2 or 3" in reasons["customProperties[1]"]
    )
    odd = load_project(root).asset("odd")
    assert odd is not None and odd.schedule is None and odd.tier == 3
    assert [c.display_name for c in odd.checks] == ["schema", "fine"]
