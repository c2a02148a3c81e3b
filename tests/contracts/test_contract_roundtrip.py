"""Export, import, export: the same contract, and the same checks, for every kind of check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from contract_support import cli, export, odcs_errors, without_id, write

from trustwell.config.loader import load_project

SETTINGS = """\
warehouses:
  main: {type: duckdb, path: missing.duckdb}
people:
  ann: {name: Ann Lee, email: ann@acme.test}
teams:
  sales: {members: [ann]}
use_cases:
  finance: {requires: [row_count], description: Month-end close.}
"""
CUSTOMERS = """\
assets:
  - name: shop.customers
    checks:
      - {type: unique, column: id}
"""
ORDERS = """\
assets:
  - name: shop.orders
    table: sales.orders
    description: Orders placed in the shop.
    owner: sales
    tier: 2
    customer_facing: true
    use_cases: [finance]
    upstream: [shop.customers]
    consumers: [dashboard.sales]
    subscribers: [cfo@acme.test]
    schedule: "0 6 * * *"
    pii: [email]
    tags: [core]
    openlineage: {namespace: "postgres://db", name: sales.orders}
    columns:
      id: {description: The order id, data_type: BIGINT}
      total: {data_type: "DECIMAL(10,2)"}
    checks:
      - {type: schema, columns: {id: integer, total: decimal, placed_at: timestamp}}
      - {type: row_count, min: 1, max: 1000000}
      - {type: range, column: total, min: 0, max: 10000, where: "status <> 'test'"}
      - {type: not_null, columns: [id, placed_at]}
      - {type: not_null, column: email, max_failing_fraction: 0.02, tags: [contact]}
      - {type: unique, column: id, description: One row per order.}
      - {type: unique, columns: [customer_id, placed_at], max_failing: 3}
      - {type: accepted_values, column: status, values: [new, paid, shipped]}
      - {type: regex, column: email, pattern: '^[^@]+@[^@]+$', max_failing: 10}
      - {type: length, column: country, min: 2, max: 2, samples: 0}
      - {type: stat, column: total, stat: mean, min: 10, max: 500}
      - {type: references, column: customer_id, to: shop.customers.id}
      - {type: freshness, column: placed_at, max_age: 26h, warn: {max_age: 12h}}
      - {type: sql, name: no_negative_refunds, max: 0,
         query: "select count(*) from sales.refunds where amount < 0"}
      - {type: sql, name: no_orphans, failing_rows: "select * from sales.orders where id is null"}
      - {type: schema, name: strict, columns: {id: integer}, allow_extra: false}
    slos:
      - {check: row_count, objective: 99%, window: 28d}
      - {name: fresh, freshness: 26h, objective: 99.5%, window: 7d}
"""


def _project(root: Path, *files: tuple[str, str]) -> Path:
    root.mkdir()
    (root / "trustwell.yml").write_text(SETTINGS, encoding="utf-8")
    (root / "assets").mkdir()
    for name, text in files:
        (root / "assets" / name).write_text(text, encoding="utf-8")
    return root


def test_every_kind_of_check_survives_export_import_export(tmp_path: Path) -> None:
    source = _project(tmp_path / "a", ("customers.yml", CUSTOMERS), ("orders.yml", ORDERS))
    first = export(source, "shop.orders")
    assert odcs_errors(first) == []
    target = _project(tmp_path / "b", ("customers.yml", CUSTOMERS))
    contract = write(tmp_path / "orders.odcs.yaml", first)
    code, out, err = cli("contract", "import", str(contract), "--project", str(target))
    assert code == 0, err
    assert out.startswith("created asset shop.orders in assets/shop.orders.yml (16 checks)")
    assert err == ""  # nothing left out
    second = export(target, "shop.orders")
    assert without_id(second) == without_id(first)
    # The checks themselves came back: same parameters, same names (SLOs name them).
    before = load_project(source).asset("shop.orders")
    after = load_project(target).asset("shop.orders")
    assert before is not None and after is not None
    dumped = {c.display_name: c.model_dump() for c in before.checks}
    assert {c.display_name: c.model_dump() for c in after.checks} == dumped
    assert after.slos == before.slos
    fields = set(type(before).model_fields) - {"checks", "slos", "table", "columns"}
    assert {f: getattr(after, f) for f in fields} == {f: getattr(before, f) for f in fields}
    # Every property is a documented column now; those with something to say say the same.
    assert {k: v for k, v in after.columns.items() if v.description or v.data_type} == dict(
        before.columns
    )
    assert after.table_name == "sales.orders"


@pytest.mark.parametrize("asset", ["raw.ad_spend", "raw.new_customers", "marts.weekly_cac"])
def test_demo_contracts_round_trip_with_the_warehouse_described(
    demo: Path, empty_project: Path, tmp_path: Path, asset: str
) -> None:
    first = export(demo, asset)
    contract = write(tmp_path / "c.yaml", first)
    code, _, err = cli("contract", "import", str(contract), "--project", str(empty_project))
    assert code == 0 and err == ""
    assert without_id(export(empty_project, asset)) == without_id(first)


def test_imported_contracts_run_in_an_empty_project(
    demo: Path, empty_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-01-05T10:00:00Z")  # an hour after the load
    shutil.rmtree(empty_project / "assets", ignore_errors=True)
    for asset in ("raw.ad_spend", "raw.new_customers", "marts.weekly_cac"):
        contract = write(tmp_path / f"{asset}.yaml", export(demo, asset))
        code, _, err = cli("contract", "import", str(contract), "--project", str(empty_project))
        assert code == 0, err
    declared = load_project(empty_project)
    assert [a.name for a in declared.assets] == [
        "marts.weekly_cac",
        "raw.ad_spend",
        "raw.new_customers",
    ]
    code, out, err = cli("run", "--project", str(empty_project), "--format", "json")
    assert code == 0, out + err
    results = json.loads(out)["results"]
    assert len(results) == sum(len(a.checks) for a in declared.assets)
    assert {r["status"] for r in results} == {"pass"}


@pytest.mark.parametrize(
    "declaration",
    [
        "query: select id, amount from sales.payments where amount > 0\n"
        "    checks:\n      - {type: row_count, min: 1}\n",
        "path: data/events_*.parquet\n"
        "    checks:\n      - {type: not_null, column: id}\n"
        "    slos:\n      - {freshness: 2h, objective: 90%}\n",
    ],
    ids=["query", "path"],
)
def test_query_and_file_assets_round_trip(tmp_path: Path, declaration: str) -> None:
    asset = f"assets:\n  - name: source\n    {declaration}"
    source = _project(tmp_path / "a", ("source.yml", asset))
    first = export(source, "source")
    assert odcs_errors(first) == []
    target = _project(tmp_path / "b")
    contract = write(tmp_path / "c.yaml", first)
    code, _, err = cli("contract", "import", str(contract), "--project", str(target))
    assert code == 0 and err == ""
    assert without_id(export(target, "source")) == without_id(first)
    before, after = load_project(source).asset("source"), load_project(target).asset("source")
    assert before is not None and after is not None
    assert (after.query, after.path, after.slos) == (before.query, before.path, before.slos)
