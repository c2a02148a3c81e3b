"""trustwell import dbt on a project built by the real dbt-core and dbt-duckdb.

The dbt build runs once per module (dbt_build.py); each test imports its
artifacts into a fresh trustwell project whose warehouse is the DuckDB file
dbt built, so ``trustwell run`` checks the very tables dbt tested.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from integrations.conftest import cli, cli_json
from integrations.dbt_build import DbtBuild, build
from trustwell.config.loader import load_project

SETTINGS = """\
name: shop
store: {store}
warehouses:
  main: {{type: duckdb, path: "{warehouse}"}}
people:
  erin: {{email: erin@shop.test}}
teams:
  growth: {{members: [erin], lead: erin}}
"""
#: The dbt tests trustwell runs itself (mapped generic tests) and dbt's verdict on each.
DBT_VERDICTS = {
    "not_null_customers_id": "pass",
    "unique_customers_id": "pass",
    "accepted_values_customers_tier__gold__silver__bronze": "pass",
    "unique_orders_id": "pass",
    "accepted_values_orders_status__placed__shipped": "fail",
    "relationships_orders_customer_id__id__ref_customers_": "pass",
}
OWNER_NOTE = (
    "main.orders: owner 'finance' is not a team declared in trustwell.yml: left out"
    " (declare the team to keep it)\n"
)


@pytest.fixture(scope="module")
def dbt(tmp_path_factory: pytest.TempPathFactory) -> DbtBuild:
    return build(tmp_path_factory.mktemp("dbt"))


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dbt: DbtBuild) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_settings(tmp_path, dbt)
    return tmp_path


def write_settings(
    root: Path, dbt: DbtBuild, store: str = "sqlite:///.trustwell/trustwell.db"
) -> None:
    (root / "trustwell.yml").write_text(SETTINGS.format(warehouse=dbt.warehouse, store=store))
    (root / "assets").mkdir(exist_ok=True)


def import_dbt(shop: Path, dbt: DbtBuild, *extra: str) -> tuple[int, str, str]:
    return cli(shop, "import", "dbt", str(dbt.manifest), *extra)


def stored(shop: Path, query: str) -> list[Any]:
    with sqlite3.connect(shop / ".trustwell" / "trustwell.db") as connection:
        return connection.execute(query).fetchall()


def test_dbt_build_passes_and_fails_the_tests_this_module_relies_on(dbt: DbtBuild) -> None:
    results = json.loads(dbt.run_results.read_text())["results"]
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in results}
    assert {k: statuses[k] for k in DBT_VERDICTS} == DBT_VERDICTS
    assert statuses["assert_no_negative_amounts"] == "pass"


def test_import_writes_the_dbt_assets_and_records_lineage_and_test_results(
    shop: Path, dbt: DbtBuild
) -> None:
    code, stdout, stderr = import_dbt(shop, dbt, "--run-results", str(dbt.run_results))
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert lines[:2] == [
        f"wrote 5 assets to {shop / 'assets' / 'dbt.yml'}",
        "recorded 3 lineage edges (origin dbt)",
    ]
    assert lines[2].startswith("recorded 7 dbt results as run ")
    assert lines[2].endswith(": 6 pass, 1 fail")
    assert (
        "  fail   main.orders  dbt:accepted_values_orders_status__placed__shipped  dbt test "
        "accepted_values_orders_status__placed__shipped: fail: Got 1 result, configured to "
        "fail if != 0"
    ) in lines
    assert stderr == OWNER_NOTE
    assets = {a.name: a for a in load_project(shop).assets}
    assert sorted(assets) == [
        "main.customers",
        "main.orders",
        "main.payments",
        "main.raw_customers",
        "main.raw_orders",
    ]
    customers = assets["main.customers"]
    assert (customers.owner, customers.tier) == ("growth", 1)
    assert customers.description == "One row per customer."
    assert customers.consumers == ["dashboard.revenue"]
    # dbt's column docs come along, in dbt's order (a column dbt only tests has no text).
    assert {n: c.model_dump(exclude_none=True) for n, c in customers.columns.items()} == {
        "id": {"description": "The customer id."},
        "tier": {},
    }
    assert assets["main.orders"].owner is None
    history = cli_json(shop, "history", "main.orders")
    failed = [e for e in history if e["status"] == "fail"]
    assert [(e["check"], e["value"]) for e in failed] == [
        ("dbt:accepted_values_orders_status__placed__shipped", 1.0)
    ]


def test_trustwell_run_and_lineage_see_the_graph_dbt_built(shop: Path, dbt: DbtBuild) -> None:
    assert import_dbt(shop, dbt)[0] == 0
    document = cli_json(shop, "run")
    statuses = {r["check"]: r["status"] for r in document["results"]}
    assert statuses == {**DBT_VERDICTS, "dbt_source_freshness": "pass"}
    upstream = cli_json(shop, "lineage", "main.orders", "--upstream")
    assert sorted((n["name"], n["distance"]) for n in upstream["nodes"]) == [
        ("main.orders", 0),
        ("main.payments", 1),
        ("main.raw_orders", 1),
    ]
    assert sorted(
        (e["upstream"], e["downstream"], tuple(e["origins"])) for e in upstream["edges"]
    ) == [
        ("main.payments", "main.orders", ("dbt",)),
        ("main.raw_orders", "main.orders", ("dbt",)),
    ]
    downstream = cli_json(shop, "lineage", "main.raw_customers", "--downstream")
    assert [n["name"] for n in downstream["nodes"] if n["distance"] == 1] == ["main.customers"]
    # trustwell's own failing check groups on the same model.
    (incident,) = cli_json(shop, "incident", "list")
    assert (incident["root_asset"], incident["detection_source"]) == ("main.orders", "check")


def test_the_failing_dbt_test_opens_an_incident_rooted_at_its_model(
    shop: Path, dbt: DbtBuild
) -> None:
    document = json.loads(
        import_dbt(shop, dbt, "--run-results", str(dbt.run_results), "--format", "json")[1]
    )
    assert [i["action"] for i in document["run"]["incidents"]] == ["opened"]
    (incident,) = cli_json(shop, "incident", "list")
    assert (incident["root_asset"], incident["detection_source"]) == ("main.orders", "external")


def test_a_second_import_updates_instead_of_duplicating(shop: Path, dbt: DbtBuild) -> None:
    assert import_dbt(shop, dbt, "--run-results", str(dbt.run_results))[0] == 0
    first = (shop / "assets" / "dbt.yml").read_text()
    code, stdout, _ = import_dbt(shop, dbt, "--run-results", str(dbt.run_results))
    assert code == 0
    assert (shop / "assets" / "dbt.yml").read_text() == first
    assert len(load_project(shop).assets) == 5
    assert stored(shop, "SELECT count(*) FROM lineage_edges") == [(3,)]
    # The failing test's second result joins the incident the first one opened.
    assert [i["id"] for i in cli_json(shop, "incident", "list")] == ["INC-1"]
    assert "INC-1 joined" in stdout


def test_lineage_import_dbt_is_the_same_command(shop: Path, dbt: DbtBuild) -> None:
    code, _, _ = cli(shop, "lineage", "import-dbt", str(dbt.manifest))
    assert code == 0
    written = (shop / "assets" / "dbt.yml").read_text()
    assert import_dbt(shop, dbt)[0] == 0
    assert (shop / "assets" / "dbt.yml").read_text() == written
    assert len(load_project(shop).assets) == 5


def test_an_asset_yaml_also_declares_keeps_its_declaration_and_the_command_says_so(
    shop: Path, dbt: DbtBuild
) -> None:
    (shop / "assets" / "curated.yml").write_text(
        "assets:\n"
        "  - name: main.customers\n"
        "    owner: growth\n"
        "    tier: 2\n"
        "    description: Customers, curated by hand.\n"
    )
    code, _, stderr = import_dbt(shop, dbt, "--run-results", str(dbt.run_results))
    assert code == 0
    where = "main.customers is declared in assets/curated.yml"
    assert stderr == (
        OWNER_NOTE + f"{where}: its tier 2 wins over dbt's 1\n"
        f"{where}: its description 'Customers, curated by hand.' wins over dbt's"
        " 'One row per customer.'\n"
        f"{where}: dbt's consumers dashboard.revenue are not added to it\n"
        f"{where}: dbt's 3 checks are not added to it (their dbt results are recorded)\n"
    )
    assets = {a.name: a for a in load_project(shop).assets}
    assert len(assets) == 5
    assert (assets["main.customers"].tier, assets["main.customers"].consumers) == (2, [])
    assert "- name: main.customers" not in (shop / "assets" / "dbt.yml").read_text()
    # dbt's lineage and results still reach the declared asset.
    upstream = cli_json(shop, "lineage", "main.customers", "--upstream")
    assert [n["name"] for n in upstream["nodes"]] == ["main.customers", "main.raw_customers"]
    checks = {e["check"] for e in cli_json(shop, "history", "main.customers")}
    assert "dbt:not_null_customers_id" in checks


def test_a_manifest_of_another_schema_version_is_refused_and_nothing_recorded(
    shop: Path, dbt: DbtBuild
) -> None:
    data = json.loads(dbt.manifest.read_text())
    data["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v11.json"
    old = shop / "manifest.json"
    old.write_text(json.dumps(data))
    code, stdout, stderr = cli(shop, "import", "dbt", str(old))
    assert (code, stdout) == (2, "")
    assert stderr == (
        f"error: {old}: dbt manifest schema v11 is not supported (supported: v12,"
        " written by dbt-core 1.8 to 1.12)\n"
    )
    assert not (shop / "assets" / "dbt.yml").exists()
    assert stored(shop, "SELECT count(*) FROM lineage_edges") == [(0,)]


def test_run_results_of_another_schema_version_are_refused_and_nothing_recorded(
    shop: Path, dbt: DbtBuild
) -> None:
    data = json.loads(dbt.run_results.read_text())
    data["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/run-results/v5.json"
    old = shop / "run_results.json"
    old.write_text(json.dumps(data))
    code, _, stderr = import_dbt(shop, dbt, "--run-results", str(old))
    assert code == 2
    assert stderr == (
        f"error: {old}: dbt run-results schema v5 is not supported (supported: v6,"
        " written by dbt-core 1.8 to 1.12)\n"
    )
    assert not (shop / "assets" / "dbt.yml").exists()
    assert stored(shop, "SELECT count(*) FROM runs") == [(0,)]


def test_a_broken_manifest_names_its_line_and_records_nothing(shop: Path, dbt: DbtBuild) -> None:
    broken = shop / "manifest.json"
    broken.write_text('{"metadata": {"dbt_schema_version":\n')  # cut off, as by a full disk
    code, _, stderr = cli(shop, "import", "dbt", str(broken))
    assert code == 2
    assert stderr == f"error: {broken} line 2 column 1: not valid JSON: Expecting value\n"
    assert not (shop / "assets" / "dbt.yml").exists()


def test_a_reimport_forgets_the_edges_dbt_no_longer_reports(shop: Path, dbt: DbtBuild) -> None:
    assert import_dbt(shop, dbt)[0] == 0
    data = json.loads(dbt.manifest.read_text())
    data["nodes"]["model.shop.orders"]["depends_on"]["nodes"] = ["seed.shop.raw_orders"]
    rewired = shop / "manifest.json"
    rewired.write_text(json.dumps(data))
    code, stdout, _ = cli(shop, "import", "dbt", str(rewired))
    assert code == 0
    assert "recorded 2 lineage edges (origin dbt)" in stdout.splitlines()
    upstream = cli_json(shop, "lineage", "main.orders", "--upstream")
    assert [n["name"] for n in upstream["nodes"]] == ["main.orders", "main.raw_orders"]
    assert stored(shop, "SELECT count(*) FROM lineage_edges") == [(2,)]


def test_import_reimport_and_rewiring_keep_one_graph_on_either_store(
    shop: Path, dbt: DbtBuild, store_url: str | None
) -> None:
    if store_url is not None:
        write_settings(shop, dbt, store=store_url)
    for _ in range(2):
        code, _, stderr = import_dbt(shop, dbt, "--run-results", str(dbt.run_results))
        assert code == 0, stderr
    (incident,) = cli_json(shop, "incident", "list")
    assert incident["root_asset"] == "main.orders"
    data = json.loads(dbt.manifest.read_text())
    data["nodes"]["model.shop.orders"]["depends_on"]["nodes"] = ["seed.shop.raw_orders"]
    (shop / "manifest.json").write_text(json.dumps(data))
    assert cli(shop, "import", "dbt", str(shop / "manifest.json"))[0] == 0
    upstream = cli_json(shop, "lineage", "main.orders", "--upstream")
    assert [(e["upstream"], e["origins"]) for e in upstream["edges"]] == [
        ("main.raw_orders", ["dbt"])
    ]


def test_the_assets_name_the_warehouse_given_and_an_unknown_one_writes_nothing(
    shop: Path, dbt: DbtBuild
) -> None:
    code, stdout, stderr = import_dbt(shop, dbt, "--warehouse", "mian")
    assert (code, stdout, stderr) == (
        2,
        "",
        "error: unknown warehouse 'mian': did you mean 'main'?\n",
    )
    assert not (shop / "assets" / "dbt.yml").exists()
    assert import_dbt(shop, dbt, "--warehouse", "main")[0] == 0
    assert {a.warehouse for a in load_project(shop).assets} == {"main"}


def test_a_manifest_beyond_the_size_limit_is_refused_before_it_is_read(shop: Path) -> None:
    # A large project's manifest is bigger than the 64 MB a GX file may be; beyond
    # 512 MB it is refused. The file is sparse: nothing is written or read.
    huge = shop / "manifest.json"
    with huge.open("wb") as f:
        f.truncate(513 * 1024 * 1024)
    code, _, stderr = cli(shop, "import", "dbt", str(huge))
    assert (code, stderr) == (2, f"error: {huge}: larger than 512 MB\n")
    assert not (shop / "assets" / "dbt.yml").exists()
