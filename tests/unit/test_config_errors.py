"""Every kind of project problem, as the user reads it: file, line, nearest valid name."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from trustwell.checks.registry import CHECK_TYPES
from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project

SETTINGS = """\
warehouses:
  main: {type: duckdb}
  pg: {type: postgres, url: "postgresql://localhost/analytics"}
teams:
  growth-analytics: {members: [erin]}
  data-platform: {members: [alice]}
use_cases:
  exec_reporting: {requires: [not_null]}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(ProjectError) as info:
        load_project(root)
    assert str(info.value) == "\n".join(str(p) for p in info.value.problems)
    return [str(p) for p in info.value.problems]


def one_asset(checks: str, header: str = "") -> str:
    """An assets file with one asset ``orders`` (line 2 is ``- name:``, checks from line 5)."""
    body = textwrap.indent(textwrap.dedent(checks), "      ")
    return f"assets:\n  - name: orders\n    table: shop.orders\n{header}    checks:\n{body}"


def test_misspelt_check_type_names_the_nearest_type_on_the_line_of_its_value(
    tmp_path: Path,
) -> None:
    text = one_asset("""\
        - type: row_count
          min: 1
        - column: id
          type: not_nul
    """)
    write(tmp_path, {"assets/orders.yml": text})
    assert problems(tmp_path) == [
        "unknown check type 'not_nul' in assets/orders.yml line 8: did you mean 'not_null'?"
    ]


def test_misspelt_check_key_names_the_check_and_the_nearest_key(tmp_path: Path) -> None:
    write(tmp_path, {"assets/orders.yml": one_asset("- type: not_null\n  colum: id\n")})
    assert problems(tmp_path) == [
        "unknown key 'colum' in check 'not_null' in assets/orders.yml line 6:"
        " did you mean 'column'?"
    ]


def test_unknown_keys_at_every_level_share_one_format(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "trustwell.yml": "nme: x\nwarehouses:\n  main: {type: duckdb, pth: w.duckdb}\n",
            "assets/orders.yml": """\
                assets:
                  - name: orders
                    tabel: shop.orders
                    checks:
                      - type: freshness
                        column: loaded_at
                        max_age: 26h
                        warn: {max_agee: 12h}
                      - {type: sql, name: positive, failing_rows: "select 1", warn: {max_faling: 1}}
                  - name: customers
                    ownr: growth
                extra: 1
            """,
        },
    )
    assert problems(tmp_path) == [
        "unknown key 'nme' in trustwell.yml line 1: did you mean 'name'?",
        "unknown key 'pth' in warehouse 'main' in trustwell.yml line 3: did you mean 'path'?",
        "unknown key 'tabel' in asset 'orders' in assets/orders.yml line 3: did you mean 'table'?",
        "missing key 'warn.max_age' in check 'freshness' in assets/orders.yml line 8",
        "unknown key 'warn.max_agee' in check 'freshness' in assets/orders.yml line 8:"
        " did you mean 'max_age'?",
        "unknown key 'warn.max_faling' in check 'positive' in assets/orders.yml line 9:"
        " did you mean 'max_failing'?",
        "unknown key 'ownr' in asset 'customers' in assets/orders.yml line 11:"
        " did you mean 'owner'?",
        "unknown key 'extra' in assets/orders.yml line 12",
    ]


def test_alias_counts_as_a_valid_key(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "trustwell.yml": """\
                oncall:
                  data:
                    members: [alice]
                    start: 2026-01-05T09:00:00Z
                    overrides:
                      - {who: alice, fro: 2026-01-06T09:00:00Z, to: 2026-01-07T09:00:00Z}
            """
        },
    )
    assert problems(tmp_path) == [
        "missing key 'from' in override #1 of on-call rotation 'data' in trustwell.yml line 6",
        "unknown key 'fro' in override #1 of on-call rotation 'data' in trustwell.yml line 6:"
        " did you mean 'from'?",
    ]


def test_check_without_type_lists_the_types(tmp_path: Path) -> None:
    write(tmp_path, {"assets/orders.yml": one_asset("- {column: id}\n")})
    assert problems(tmp_path) == [
        "missing key 'type' in check #1 in assets/orders.yml line 5: one of "
        + ", ".join(CHECK_TYPES)
    ]
    assert CHECK_TYPES[:12] == (
        *("row_count", "freshness", "not_null", "unique", "accepted_values", "range"),
        *("regex", "length", "stat", "schema", "references", "sql"),
    )
    assert {"anomaly", "drift", "fairness", "model"} <= set(CHECK_TYPES)  # every SPEC type


def test_wrong_value_types_name_key_expected_and_given(tmp_path: Path) -> None:
    text = one_asset(
        """\
        - type: not_null
          column: id
          max_failing: abc
        - {type: unique, column: id, max_failing: -1}
        - {type: accepted_values, column: status, values: []}
        - {type: range, column: amount, min: [1]}
        - {type: schema, columns: {id: int}}
        - {type: not_null, column: id, samples: 5, tags: x}
        """,
        header="    tier: 5\n    customer_facing: maybe\n",
    )
    write(
        tmp_path,
        {
            "trustwell.yml": "warehouses:\n  main: {type: duckdb, threads: two}\n",
            "assets/orders.yml": text,
        },
    )
    assert problems(tmp_path) == [
        "threads must be an integer, got 'two' in trustwell.yml line 2",
        "tier must be one of 1, 2 or 3, got 5 in assets/orders.yml line 4",
        "customer_facing must be true or false, got 'maybe' in assets/orders.yml line 5",
        "max_failing must be an integer, got 'abc' in assets/orders.yml line 9",
        "max_failing must be at least 0, got -1 in assets/orders.yml line 10",
        "values must be non-empty, got a list in assets/orders.yml line 11",
        "min must be a number, a date or a date and time, got a list in assets/orders.yml line 12",
        "columns.id must be one of 'integer', 'float', 'decimal', 'string', 'boolean', 'date'"
        " or 'timestamp', got 'int' in assets/orders.yml line 13",
        "tags must be a list, got 'x' in assets/orders.yml line 14",
    ]


def test_rules_across_keys_name_the_check_or_asset(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "assets/orders.yml": """\
                assets:
                  - name: orders
                    table: shop.orders
                    path: data/orders.csv
                  - name: customers
                    checks:
                      - type: not_null
                      - {type: freshness, column: loaded_at, max_age: soon}
                      - {type: references, column: customer_id, to: customers}
            """
        },
    )
    assert problems(tmp_path) == [
        "give one of table, query or path, not table and path in asset 'orders'"
        " in assets/orders.yml line 2",
        "give either column or columns in check 'not_null' in assets/orders.yml line 7",
        "max_age: 'soon' is not a duration: write a number and a unit (s, m, h, d, w),"
        " e.g. '26h' in assets/orders.yml line 8",
        "to: 'customers' must be ASSET.column in assets/orders.yml line 9",
    ]


def test_missing_required_key_names_its_mapping(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "trustwell.yml": "warehouses:\n  pg:\n    type: postgres\n",
            "assets/orders.yml": "assets:\n  - table: shop.orders\n",
        },
    )
    assert problems(tmp_path) == [
        # on the line of the entry that lacks it, `pg:`, not of its first key
        "missing key 'url' in warehouse 'pg' in trustwell.yml line 2",
        "missing key 'name' in asset #1 in assets/orders.yml line 2",
    ]


def test_regex_that_does_not_compile(tmp_path: Path) -> None:
    write(
        tmp_path, {"assets/orders.yml": one_asset("- {type: regex, column: sku, pattern: '(ab'}\n")}
    )
    assert problems(tmp_path) == [
        "pattern '(ab' is not a valid regular expression (missing ), unterminated subpattern"
        " at position 0) in assets/orders.yml line 5"
    ]


def test_unknown_warehouse_type_suggests_the_nearest(tmp_path: Path) -> None:
    write(tmp_path, {"trustwell.yml": "warehouses:\n  main:\n    type: duckbd\n"})
    assert problems(tmp_path) == [
        "unknown warehouse type 'duckbd' in trustwell.yml line 3: did you mean 'duckdb'?"
    ]


def test_unknown_warehouse_of_an_asset(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "trustwell.yml": SETTINGS,
            "assets/a.yml": one_asset("- {type: row_count, min: 1}\n", "    warehouse: mian\n"),
            "assets/b.yml": "assets:\n  - {name: b, warehouse: lakehouse}\n",
        },
    )
    assert problems(tmp_path) == [
        "unknown warehouse 'mian' in asset 'orders' in assets/a.yml line 4: did you mean 'main'?",
        "unknown warehouse 'lakehouse' in asset 'b' in assets/b.yml line 2:"
        " known names are 'main', 'pg'",
    ]


def test_duplicate_asset_names_point_at_the_first(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "assets/a.yml": "assets:\n  - name: orders\n",
            "assets/sub/b.yml": "assets:\n  - name: customers\n  - name: orders\n",
        },
    )
    assert problems(tmp_path) == [
        "duplicate asset name 'orders' in assets/sub/b.yml line 3:"
        " the first is in assets/a.yml line 2"
    ]


def test_duplicate_default_check_names_ask_for_a_name(tmp_path: Path) -> None:
    text = one_asset("""\
        - type: not_null
          columns: [week, cac]
        - type: not_null
          columns: [week, cac]
          where: "channel <> 'test'"
        - {type: not_null, columns: [week, cac], name: not_null_outside_tests}
    """)
    write(tmp_path, {"assets/orders.yml": text})
    assert problems(tmp_path) == [
        "duplicate check name 'not_null:week,cac' in asset 'orders' in assets/orders.yml"
        " line 7: set 'name:' on one of them (the first is at line 5)"
    ]


def test_references_to_unknown_asset_or_other_warehouse(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "trustwell.yml": SETTINGS,
            "assets/customers.yml": "assets:\n  - {name: customers, warehouse: pg}\n"
            "  - {name: raw.customer_ids}\n",
            "assets/orders.yml": one_asset("""\
                - {type: references, column: customer_id, to: custmers.id}
                - {type: references, column: customer_id, to: customers.id, name: pg_ref}
                - {type: references, column: customer_id, to: raw.customer_ids.id, name: ok}
            """),
        },
    )
    assert problems(tmp_path) == [
        "references target asset 'custmers' does not exist in assets/orders.yml line 5:"
        " did you mean 'customers'?",
        "references target asset 'customers' is in warehouse 'pg', but asset 'orders' is in"
        " warehouse 'main' (both must be in one warehouse) in assets/orders.yml line 6",
    ]


def test_sql_is_parsed_in_the_dialect_of_the_assets_warehouse(tmp_path: Path) -> None:
    text = """\
        assets:
          - name: orders
            table: shop.orders
            checks:
              - {type: not_null, column: id, where: "status <> 'test' and"}
              - {type: sql, query: "select count(*) from", max: 0}
              - {type: sql, failing_rows: "select 1; select 2", name: two}
              - {type: unique, column: id, where: "select 1"}
              - {type: sql, name: three, failing_rows: "status = 'x'"}
          - name: pg_orders
            warehouse: pg
            query: "select id::int from orders"
            checks:
              - {type: sql, name: dollars, failing_rows: "select $$a$$ as x"}
          - name: bad_query
            query: "selec id from orders"
    """
    write(tmp_path, {"trustwell.yml": SETTINGS, "assets/orders.yml": text})
    assert problems(tmp_path) == [
        "where is not valid duckdb SQL: the expression is incomplete near 'and'"
        " in assets/orders.yml line 5",
        "query is not valid duckdb SQL: Expected table name near 'from'"
        " in assets/orders.yml line 6",
        "failing_rows must be one SQL statement, got 2 in assets/orders.yml line 7",
        "where must be a condition such as \"status <> 'test'\" in assets/orders.yml line 8",
        "failing_rows must be a select query in assets/orders.yml line 9",
        "query is not valid duckdb SQL: Invalid expression / Unexpected token near 'from'"
        " in assets/orders.yml line 16",
    ]


def test_owner_and_use_cases_must_be_declared_when_the_project_declares_any(
    tmp_path: Path,
) -> None:
    header = "    owner: growth-analytcs\n    use_cases: [exec_reporting, ai_training]\n"
    write(
        tmp_path,
        {
            "trustwell.yml": SETTINGS,
            "assets/orders.yml": one_asset("- {type: row_count, min: 1}\n", header),
        },
    )
    assert problems(tmp_path) == [
        "owner 'growth-analytcs' of asset 'orders' is not a team declared in trustwell.yml"
        " in assets/orders.yml line 4: did you mean 'growth-analytics'?",
        "use case 'ai_training' of asset 'orders' is not declared in trustwell.yml"
        " in assets/orders.yml line 5: known names are 'exec_reporting'",
    ]


def test_use_cases_are_free_text_without_declarations(tmp_path: Path) -> None:
    # An owner is not: it must be a declared team (tests/security/test_bad_input_at_load.py).
    header = "    use_cases: [anything]\n"
    write(tmp_path, {"assets/orders.yml": one_asset("- {type: row_count, min: 1}\n", header)})
    assert load_project(tmp_path).assets[0].use_cases == ["anything"]


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "trustwell.yml": "name: x\nwarehouses:\n  main: {type: duckdb\n",
            "assets/orders.yml": "assets:\n  - name: orders\n   table: x\n",
        },
    )
    assert problems(tmp_path) == [
        "invalid YAML: expected ',' or '}', but got '<stream end>' in trustwell.yml line 4",
        "invalid YAML: expected <block end>, but found '<block mapping start>'"
        " in assets/orders.yml line 3",
    ]


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    write(tmp_path, {"assets/orders.yml": "assets:\n  - name: orders\n    name: orders2\n"})
    assert problems(tmp_path) == ["duplicate key 'name' in assets/orders.yml line 3"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("- name: orders\n", 1),
        ("assets:\n  name: orders\n", 2),
        ("just text\n", 1),
    ],
)
def test_assets_file_must_hold_an_assets_list(tmp_path: Path, text: str, line: int) -> None:
    write(tmp_path, {"assets/orders.yml": text})
    assert problems(tmp_path) == [
        "the top level of an assets file must be 'assets:' with a list of assets"
        f" in assets/orders.yml line {line}"
    ]


def test_assets_file_with_a_misspelt_top_key(tmp_path: Path) -> None:
    write(tmp_path, {"assets/orders.yml": "asets:\n  - name: orders\n"})
    assert problems(tmp_path) == [
        "unknown key 'asets' in assets/orders.yml line 1: did you mean 'assets'?"
    ]


def test_missing_environment_variable_names_variable_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TW_TEST_PG_URL", raising=False)
    write(
        tmp_path,
        {"trustwell.yml": 'warehouses:\n  pg:\n    type: postgres\n    url: "${TW_TEST_PG_URL}"\n'},
    )
    assert problems(tmp_path) == [
        "environment variable 'TW_TEST_PG_URL' is not set in trustwell.yml line 4:"
        " set it, or give a default with ${TW_TEST_PG_URL:-default}"
    ]


def test_all_problems_of_all_files_are_reported_together_in_file_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "trustwell.yml": "warehouses:\n  main: {type: duckdb}\nstatus_page: open\n",
            "assets/b.yml": "assets:\n  - name: orders\n    checks:\n      - type: not_nul\n",
            "assets/a.yml": "assets:\n  - name: orders\n    warehouse: mian\n    tier: 0\n",
        },
    )
    assert problems(tmp_path) == [
        "status_page must be one of 'public' or 'private', got 'open' in trustwell.yml line 3",
        "unknown warehouse 'mian' in asset 'orders' in assets/a.yml line 3: did you mean 'main'?",
        "tier must be one of 1, 2 or 3, got 0 in assets/a.yml line 4",
        "duplicate asset name 'orders' in assets/b.yml line 2: the first is in assets/a.yml line 2",
        "unknown check type 'not_nul' in assets/b.yml line 4: did you mean 'not_null'?",
    ]


def test_missing_project_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert problems(missing) == [f"the project folder does not exist in {missing.as_posix()}"]


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (
            '{type: range, column: amount, min: "zero"}',
            "min must be a number, a date or a date and time, got 'zero'",
        ),
        (
            '{type: range, column: day, max: "2026-02-30"}',
            "max must be a number, a date or a date and time, got '2026-02-30'",
        ),
        ('{type: length, column: code, max: "zero"}', "max must be an integer, got 'zero'"),
        (
            '{type: stat, column: amount, stat: mean, min: "zero"}',
            "min must be a number, got 'zero'",
        ),
        ('{type: row_count, min: "zero", max: 10}', "min must be a number, got 'zero'"),
    ],
    ids=["range", "range-impossible-date", "length", "stat", "row_count"],
)
def test_a_bound_that_is_no_number_date_or_timestamp_is_a_project_error(
    tmp_path: Path, check: str, expected: str
) -> None:
    write(tmp_path, {"assets/orders.yml": one_asset(f"- {check}\n")})
    assert problems(tmp_path) == [f"{expected} in assets/orders.yml line 5"]


@pytest.mark.parametrize(
    "bound", ['"12.5"', '"-3"', '"1e3"', '"2026-01-31"', '"2026-01-31 08:00:00Z"', "2026-01-31"]
)
def test_a_bound_written_as_a_number_or_date_string_loads(tmp_path: Path, bound: str) -> None:
    write(
        tmp_path, {"assets/orders.yml": one_asset(f"- {{type: range, column: c, min: {bound}}}\n")}
    )
    assert load_project(tmp_path).assets[0].checks[0].type == "range"


def test_run_with_a_bound_of_zero_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from trustwell.cli.app import create_app

    write(
        tmp_path,
        {
            "trustwell.yml": "warehouses:\n  main: {type: duckdb}\n",
            "assets/orders.yml": one_asset('- {type: range, column: amount, min: "zero"}\n'),
        },
    )
    result = CliRunner().invoke(create_app(), ["run", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        "min must be a number, a date or a date and time, got 'zero' in assets/orders.yml line 5"
        in result.output
    )
    assert not (tmp_path / ".trustwell").exists()


def test_an_openlineage_alias_given_as_one_string_is_refused_on_its_line(
    tmp_path: Path,
) -> None:
    header = "    openlineage: duckdb://warehouse/shop.orders\n"
    write(tmp_path, {"assets/orders.yml": one_asset("- type: row_count\n", header)})
    assert problems(tmp_path) == [
        "openlineage must be a mapping, got 'duckdb://warehouse/shop.orders'"
        " in assets/orders.yml line 4"
    ]


def test_an_openlineage_alias_maps_one_dataset_to_the_asset(tmp_path: Path) -> None:
    header = "    openlineage: {namespace: 'postgres://db:5432', name: shop.public.orders}\n"
    write(tmp_path, {"assets/orders.yml": one_asset("- type: row_count\n", header)})
    alias = load_project(tmp_path).assets[0].openlineage
    assert alias is not None
    assert (alias.namespace, alias.name) == ("postgres://db:5432", "shop.public.orders")
