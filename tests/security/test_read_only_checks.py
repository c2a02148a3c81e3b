"""Issue 7, section 1: a check can never change data, on every engine.

Each attack is run as a user would run it (``trustwell run`` on a real project,
a DuckDB file opened *writable* or a real PostgreSQL database) and the data is
read back afterwards. Refused at load: exit 2 with file, line and what was
refused. Tests that bypass the loader (checks built in Python, the engines
called directly) say so: they prove that the layer below holds by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from read_only_support import (
    ENGINES,
    ROWS,
    MakeWarehouse,
    make_warehouse,
    run,
    run_json,
    stored_results,
    write_project,
)

from trustwell.checks.run import AssetRun, check_asset
from trustwell.config.loader import load_project
from trustwell.config.models import Asset
from trustwell.engines import EngineError, QueryTimeout, connect
from trustwell.engines.duckdb import DuckDBEngine
from trustwell.engines.postgres import PostgresEngine

__all__ = ["make_warehouse"]  # the fixture, imported from the support module

BOTH = ("duckdb", "postgres")
PG = ("postgres",)
DUCK = ("duckdb",)

# attack -> (engines it applies to, the check's keys, the message for its line)
LOAD_ATTACKS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "set_config lifts the read-only default": (
        PG,
        "failing_rows: \"select set_config('default_transaction_read_only', 'off', false)\"",
        "failing_rows must be one read-only query: set_config() is not allowed",
    ),
    "delete in a CTE": (
        BOTH,
        'failing_rows: "with d as (delete from orders returning *) select * from d"',
        "failing_rows must be one read-only query: DELETE is not allowed",
    ),
    "update returning in a CTE": (
        BOTH,
        'max: 0, query: "with u as (update orders set amount = 0 returning *)'
        ' select count(*) from u"',
        "query must be one read-only query: UPDATE is not allowed",
    ),
    "two statements": (
        BOTH,
        'failing_rows: "select 1; delete from orders"',
        "failing_rows must be one SQL statement, got 2",
    ),
    "a locking clause": (
        PG,
        'failing_rows: "select * from orders for update"',
        "failing_rows must be one read-only query: FOR UPDATE is not allowed",
    ),
    "select into": (
        PG,
        'failing_rows: "select * into stolen from orders"',
        "failing_rows must be one read-only query: SELECT … INTO is not allowed",
    ),
    "set lifts the timeout": (
        PG,
        'max: 0, query: "set statement_timeout = 0"',
        "query must be one read-only query: SET is not allowed",
    ),
    "a sequence moves": (
        PG,
        "failing_rows: \"select nextval('order_numbers')\"",
        "failing_rows must be one read-only query: nextval() is not allowed",
    ),
    "an advisory lock in a filter": (
        PG,
        "where: 'pg_advisory_lock(42) is not null'",
        "where must be one read-only condition: pg_advisory_lock() is not allowed",
    ),
    "a server file in a subquery": (
        PG,
        "failing_rows: \"select * from orders where 'x' in (select pg_read_file('/etc/passwd'))\"",
        "failing_rows must be one read-only query: pg_read_file() is not allowed",
    ),
    "attach": (
        DUCK,
        "failing_rows: \"attach 'other.duckdb' as other\"",
        "failing_rows must be one read-only query: ATTACH is not allowed",
    ),
    "copy": (
        DUCK,
        "max: 0, query: \"copy orders to 'leak.csv'\"",
        "query must be one read-only query: COPY is not allowed",
    ),
    "a setting changes": (
        DUCK,
        'max: 0, query: "set enable_external_access = true"',
        "query must be one read-only query: SET is not allowed",
    ),
    "a query given as text": (
        DUCK,
        "failing_rows: \"select * from query('select 1')\"",
        "failing_rows must be one read-only query: query() is not allowed",
    ),
}
LOAD_CASES = [
    pytest.param(
        attack,
        kind,
        marks=[pytest.mark.postgres] if kind == "postgres" else [],
        id=f"{attack} on {kind}",
    )
    for attack, (engines, _, _) in LOAD_ATTACKS.items()
    for kind in engines
]


@pytest.mark.parametrize(("attack", "kind"), LOAD_CASES)
def test_an_unsafe_check_is_refused_at_load_and_the_data_is_unchanged(
    make_warehouse: MakeWarehouse, attack: str, kind: str
) -> None:
    warehouse = make_warehouse(kind)
    _, keys, message = LOAD_ATTACKS[attack]
    check_type = "type: not_null, column: id" if keys.startswith("where") else "type: sql"
    root = write_project(
        warehouse,
        f"""\
        assets:
          - name: orders
            table: orders
            checks:
              - {{type: row_count, min: 1}}
              - {{{check_type}, name: attack, {keys}}}
        """,
    )
    code, stdout, stderr = run(root)
    assert (code, stdout) == (2, "")
    assert stderr.splitlines() == [
        "error: the project is invalid (1 problem):",
        f"  {message} in assets/orders.yml line 6",
    ]
    assert warehouse.rows() == ROWS
    assert warehouse.tables() == {"orders"}


@pytest.mark.parametrize("kind", ENGINES)
def test_the_issues_attack_is_refused_and_deletes_nothing(
    make_warehouse: MakeWarehouse, kind: str
) -> None:
    """Before, on PostgreSQL the first check switched the session's read-only default
    off and the second deleted every row; on a writable DuckDB file the second alone did."""
    warehouse = make_warehouse(kind)
    lift = "select set_config('default_transaction_read_only', 'off', false)"
    wipe = "with d as (delete from orders returning *) select count(*) from d"
    root = write_project(
        warehouse,
        f"""\
        assets:
          - name: orders
            table: orders
            checks:
              - {{type: sql, name: lift, failing_rows: "{lift}"}}
              - {{type: sql, name: wipe, query: "{wipe}", max: 100}}
        """,
    )
    code, _, stderr = run(root)
    assert code == 2
    refused = [
        "  failing_rows must be one read-only query: set_config() is not allowed"
        " in assets/orders.yml line 5",
        "  query must be one read-only query: DELETE is not allowed in assets/orders.yml line 6",
    ]
    if kind == "duckdb":  # set_config is PostgreSQL's: DuckDB itself says it has none
        refused = refused[1:]
    assert stderr.splitlines()[1:] == refused
    assert warehouse.rows() == ROWS


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "with i as (insert into orders values (99, 1.0) returning *) select * from i",
            "query must be one read-only query: INSERT is not allowed",
        ),
        ("delete from orders", "query must be one read-only query: DELETE is not allowed"),
    ],
)
def test_an_unsafe_query_asset_is_refused_at_load(
    make_warehouse: MakeWarehouse, kind: str, query: str, message: str
) -> None:
    warehouse = make_warehouse(kind)
    root = write_project(
        warehouse,
        f"""\
        assets:
          - name: orders
            query: "{query}"
            checks:
              - {{type: row_count, min: 1}}
        """,
    )
    code, _, stderr = run(root)
    assert code == 2
    assert stderr.splitlines()[1:] == [f"  {message} in assets/orders.yml line 3"]
    assert warehouse.rows() == ROWS


@pytest.mark.parametrize("kind", ENGINES)
def test_unsafe_sql_built_in_python_is_an_error_result_and_never_runs(
    make_warehouse: MakeWarehouse, kind: str
) -> None:
    """Bypasses the loader: checks built in Python run through check_asset, as the
    Python API does. Before, the set_config check committed and the wipe deleted."""
    warehouse = make_warehouse(kind)
    root = write_project(warehouse, "assets: []\n")
    config = load_project(root).settings.warehouses["main"]
    wipe = "with d as (delete from orders returning *) select * from d"
    zero = "with u as (update orders set amount = 0 returning *) select count(*) from u"
    checks: list[dict[str, Any]] = [
        {"type": "sql", "name": "wipe", "failing_rows": wipe},
        {"type": "sql", "name": "zero", "query": zero, "max": 0},
        {"type": "not_null", "column": "id", "where": "id in (select nextval('order_numbers'))"},
        {"type": "row_count", "min": 1},
    ]
    expected: dict[str, tuple[str, str]] = {}
    if kind == "postgres":  # DuckDB has no set_config
        lift = "select set_config('default_transaction_read_only', 'off', false)"
        checks.insert(0, {"type": "sql", "name": "lift", "failing_rows": lift})
        expected["lift"] = (
            "error",
            "failing_rows must be one read-only query: set_config() is not allowed",
        )
    asset = Asset.model_validate({"name": "orders", "table": "orders", "checks": checks})
    with connect(config, root) as engine:
        results = check_asset(AssetRun(engine=engine, asset=asset, root=root))
    assert {r.check: (r.status, r.message) for r in results} == expected | {
        "wipe": ("error", "failing_rows must be one read-only query: DELETE is not allowed"),
        "zero": ("error", "query must be one read-only query: UPDATE is not allowed"),
        "not_null:id": ("error", "where must be one read-only condition: nextval() is not allowed"),
        "row_count": ("pass", "row count is 5"),
    }
    assert warehouse.rows() == ROWS


# --- the engines alone (loader and validator bypassed) --------------------------------------

ONE_AT_A_TIME = "one statement at a time: cannot insert multiple commands into a prepared statement"


@pytest.mark.postgres
def test_postgres_statements_cannot_switch_the_session_to_writing(
    make_warehouse: MakeWarehouse,
) -> None:
    """Bypasses loader and validator: the engine is called directly, as a statement
    the validator missed would reach it. Each statement's transaction is rolled back."""
    warehouse = make_warehouse("postgres")
    assert warehouse.url is not None
    with PostgresEngine(warehouse.url) as engine:
        lifted = engine.execute("select set_config('default_transaction_read_only', 'off', false)")
        assert lifted.rows == [("off",)]  # it ran, in a transaction that was rolled back
        assert engine.execute("show default_transaction_read_only").rows == [("on",)]
        for attack, refusal in [
            (
                "with d as (delete from orders returning *) select count(*) from d",
                "cannot execute SELECT in a read-only transaction",
            ),
            (
                "with u as (update orders set amount = 0 returning *) select count(*) from u",
                "cannot execute SELECT in a read-only transaction",
            ),
            ("set transaction read write; delete from orders", ONE_AT_A_TIME),
            ("commit; delete from orders", ONE_AT_A_TIME),
        ]:
            with pytest.raises(EngineError) as raised:
                engine.execute(attack)
            assert str(raised.value) == refusal, attack
    assert warehouse.rows() == ROWS


@pytest.mark.postgres
def test_a_postgres_statement_cannot_lift_the_statement_timeout(
    make_warehouse: MakeWarehouse,
) -> None:
    """Bypasses loader and validator. Before, a set_config('statement_timeout', '0')
    committed with its statement and every later statement ran unlimited."""
    warehouse = make_warehouse("postgres")
    assert warehouse.url is not None
    with PostgresEngine(warehouse.url, timeout_seconds=0.25) as engine:
        engine.execute("select set_config('statement_timeout', '0', false)")
        assert engine.execute("select current_setting('statement_timeout')").rows == [("250ms",)]
        with pytest.raises(QueryTimeout):  # the timer was armed before the statement began
            engine.execute("select set_config('statement_timeout', '0', false), pg_sleep(5)")
        with pytest.raises(QueryTimeout):  # and the next statement is limited still
            engine.execute("select pg_sleep(5)")
        assert engine.execute("select current_setting('statement_timeout')").rows == [("250ms",)]


def test_duckdb_statements_run_read_only_even_on_a_writable_file(
    make_warehouse: MakeWarehouse,
) -> None:
    """Bypasses loader and validator. DuckDB runs DML in a CTE: before, it deleted the
    rows of a warehouse opened with ``read_only: false``."""
    import duckdb

    warehouse = make_warehouse("duckdb")
    root = warehouse.root
    with DuckDBEngine(root / "warehouse.duckdb", read_only=False) as engine:
        for attack, refusal in [
            (
                "with d as (delete from orders returning *) select count(*) from d",
                'TransactionContext Error: Cannot write to database "warehouse" - transaction'
                " is launched in read-only mode",
            ),
            ("commit; delete from orders", "one statement at a time, got 2"),
            ("delete from orders", "only a query can run, not DELETE"),
            ("attach 'other.duckdb' as other", "only a query can run, not ATTACH"),
            (f"copy orders to '{root}/leak.csv'", "only a query can run, not COPY"),
            ("install httpfs", "only a query can run, not LOAD"),
            ("load httpfs", "only a query can run, not LOAD"),
            ("set enable_external_access = true", "only a query can run, not SET"),
            ("pragma disable_checkpoint_on_shutdown", "only a query can run, not PRAGMA"),
        ]:
            with pytest.raises(EngineError) as raised:
                engine.execute(attack)
            assert str(raised.value) == refusal, attack
        # Even raw SQL on the engine's own connection cannot reopen the sandbox.
        with pytest.raises(duckdb.InvalidInputException) as locked:
            engine.connection.execute("SET enable_external_access = true")
        assert str(locked.value) == (
            'Invalid Input Error: Cannot change configuration option "enable_external_access"'
            " - the configuration has been locked"
        )
    assert warehouse.rows() == ROWS
    assert not (root / "leak.csv").exists()
    assert not (root / "other.duckdb").exists()


# --- DuckDB's file sandbox ------------------------------------------------------------------


def _refused(path: str) -> str:
    return (
        f'Permission Error: Cannot access file "{path}" - file system operations are disabled'
        " by configuration (a check reads only the files that the project's path: assets name)"
    )


def test_duckdb_checks_read_no_file_but_those_of_path_assets(
    make_warehouse: MakeWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, read_text('/proc/self/environ') stored the environment, secrets included,
    as failed-row samples."""
    import duckdb

    monkeypatch.setenv("TRUSTWELL_TEST_SECRET", "hunter2-do-not-leak")
    warehouse = make_warehouse("duckdb")
    root = warehouse.root
    (root / "data").mkdir()
    with duckdb.connect() as con:
        con.execute(f"copy (select range as id from range(3)) to '{root}/data/a.parquet'")
    (root / "data2").mkdir()  # next to the allowed folder: a name prefix must not allow it
    (root / "data2" / "x.csv").write_text("id\n1\n")
    environ = "/proc/self/environ"
    write_project(
        warehouse,
        f"""\
        assets:
          - name: events
            path: data/*.parquet
            checks:
              - {{type: row_count, min: 3}}
              - {{type: sql, name: environ, failing_rows: "select * from read_text('{environ}')"}}
              - {{type: sql, name: passwd, failing_rows: "select * from read_csv('/etc/passwd')"}}
              - {{type: sql, name: listing, failing_rows: "select * from glob('/*')"}}
              - {{type: sql, name: settings, failing_rows: "select * from read_blob('trustwell.yml')"}}
              - {{type: sql, name: neighbour, failing_rows: "select * from 'data2/x.csv'"}}
              - {{type: sql, name: own, failing_rows: "select * from read_parquet('data/a.parquet') where id > 5"}}
          - name: environment
            query: "select * from read_text('{environ}')"
            checks:
              - {{type: row_count, max: 0}}
        """,  # noqa: E501
    )
    code, results = run_json(root)
    assert code == 1
    outcome = {key: (r["status"], r["message"], r["samples"]) for key, r in results.items()}
    assert outcome == {
        ("events", "row_count"): ("pass", "row count is 3", []),  # path: assets still work
        ("events", "environ"): ("error", _refused(environ), []),
        ("events", "passwd"): ("error", _refused("/etc/passwd"), []),
        ("events", "listing"): ("error", _refused("/*"), []),
        ("events", "settings"): ("error", _refused(f"{root}/trustwell.yml"), []),
        ("events", "neighbour"): ("error", _refused(f"{root}/data2/x.csv"), []),
        ("events", "own"): ("pass", "0 rows returned by the failing_rows query; allowed 0", []),
        ("environment", "row_count"): ("error", _refused(environ), []),
    }
    stored = stored_results(root)
    assert [samples for _, _, _, samples in stored] == [[]] * 8
    assert "hunter2" not in repr(stored)


def test_the_python_api_connection_is_sandboxed_after_its_frame_is_registered() -> None:
    """Bypasses the loader: trustwell.validate on a data frame. Before, the file was read."""
    import pandas as pd

    import trustwell

    checks = [
        {"type": "not_null", "column": "id"},
        {"type": "sql", "name": "leak", "failing_rows": "select * from read_text('/etc/hostname')"},
        {"type": "sql", "name": "attach", "failing_rows": "attach '/tmp/x.duckdb' as x"},
    ]
    kept, leak, attach = trustwell.validate(pd.DataFrame({"id": [1, 2]}), checks=checks)
    assert kept.status == "pass"  # the registered frame is still readable
    assert (leak.status, leak.message) == ("error", _refused("/etc/hostname"))
    assert (attach.status, attach.message) == (
        "error",
        "failing_rows must be one read-only query: ATTACH is not allowed",
    )


def test_a_duckdb_relation_on_the_callers_connection_is_not_written_to(tmp_path: Path) -> None:
    """Bypasses the loader: the relation runs on the caller's own connection, which
    trustwell does not sandbox, so the validator is the wall. Before, the rows went."""
    import duckdb

    import trustwell

    con = duckdb.connect(str(tmp_path / "pipeline.duckdb"))
    con.execute("create table orders as select range as id from range(5)")
    wipe = "with d as (delete from orders returning *) select count(*) from d"
    (result,) = trustwell.validate(
        con.table("orders"), checks=[{"type": "sql", "query": wipe, "max": 100}]
    )
    assert (result.status, result.message) == (
        "error",
        "query must be one read-only query: DELETE is not allowed",
    )
    assert con.execute("select count(*) from orders").fetchone() == (5,)
    con.close()
