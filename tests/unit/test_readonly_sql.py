"""The one validator of user SQL (trustwell.readonly_sql): what it refuses, in which words."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustwell.engines.duckdb import sandbox_locations
from trustwell.readonly_sql import (
    DENIED_FUNCTIONS,
    UnsafeSql,
    read_only_condition,
    read_only_query,
)


@pytest.mark.parametrize(
    ("dialect", "sql", "refused"),
    [
        ("postgres", "with d as (delete from t returning *) select count(*) from d", "DELETE"),
        ("postgres", "with u as (update t set a = 1 returning *) select * from u", "UPDATE"),
        ("postgres", "with i as (insert into t values (1) returning *) select * from i", "INSERT"),
        ("postgres", "merge into t using s on t.a = s.a when matched then delete", "MERGE"),
        ("postgres", "select * into t2 from t", "SELECT … INTO"),
        ("postgres", "select * from t for update", "FOR UPDATE"),
        ("postgres", "select * from t for share", "FOR SHARE"),
        ("postgres", "select * from t for no key update", "FOR NO KEY UPDATE"),
        ("postgres", "select (select a from t limit 1 for update)", "FOR UPDATE"),
        ("postgres", "set statement_timeout = 0", "SET"),
        ("postgres", "set transaction read write", "SET"),
        ("postgres", "copy t to '/tmp/t.csv'", "COPY"),
        ("postgres", "call refresh_everything()", "CALL"),
        ("postgres", "do $$ begin delete from t; end $$", "DO"),
        ("postgres", "explain analyze delete from t", "EXPLAIN"),
        ("postgres", "begin", "BEGIN"),
        ("postgres", "commit", "COMMIT"),
        ("postgres", "truncate t", "TRUNCATE"),
        ("postgres", "create table t2 as select 1", "CREATE"),
        ("postgres", "drop table t", "DROP"),
        ("postgres", "grant select on t to public", "GRANT"),
        ("postgres", "select pg_catalog.set_config('a.b', 'c', false)", "set_config()"),
        ("postgres", "select \"set_config\"('a.b', 'c', false)", "set_config()"),
        ("postgres", "select * from t where a in (select nextval('s'))", "nextval()"),
        ("postgres", "select pg_advisory_xact_lock(1)", "pg_advisory_xact_lock()"),
        ("postgres", "select pg_try_advisory_lock(1)", "pg_try_advisory_lock()"),
        ("postgres", "select * from pg_ls_dir('.')", "pg_ls_dir()"),
        ("postgres", "select lo_export(1, '/tmp/x')", "lo_export()"),
        ("postgres", "select * from dblink_exec('db', 'delete from t')", "dblink_exec()"),
        ("postgres", "select cursor_to_xml('c', 1, true, true, '')", "cursor_to_xml()"),
        (
            "postgres",
            "select query_to_xmlschema('select 1', true, true, '')",
            "query_to_xmlschema()",
        ),
        ("postgres", "select pg_stat_reset()", "pg_stat_reset()"),
        ("duckdb", "attach 'x.duckdb' as x", "ATTACH"),
        ("duckdb", "detach x", "DETACH"),
        ("duckdb", "install httpfs", "INSTALL"),
        ("duckdb", "load httpfs", "LOAD"),
        ("duckdb", "pragma database_list", "PRAGMA"),
        ("duckdb", "use memory", "USE"),
        ("duckdb", "set enable_external_access = true", "SET"),
        ("duckdb", "select * from query('select 1')", "query()"),
        ("duckdb", "select * from checkpoint()", "checkpoint()"),
        ("duckdb", "select setseed(0.5)", "setseed()"),
        ("spark", "select reflect('java.lang.Runtime', 'getRuntime')", "reflect()"),
    ],
)
def test_anything_that_writes_or_reaches_out_is_refused_by_name(
    dialect: str, sql: str, refused: str
) -> None:
    with pytest.raises(UnsafeSql) as raised:
        read_only_query(sql, dialect, what="failing_rows")
    assert (
        str(raised.value) == f"failing_rows must be one read-only query: {refused} is not allowed"
    )


@pytest.mark.parametrize("dialect", sorted(DENIED_FUNCTIONS))
def test_every_denied_function_is_refused_wherever_it_is_called(dialect: str) -> None:
    exact, prefixes, infixes = DENIED_FUNCTIONS[dialect]
    names = [*exact, *(f"{p}x" for p in prefixes), *(f"x{i}x" for i in infixes)]
    for name in names:
        with pytest.raises(UnsafeSql) as raised:
            read_only_condition(f"id in (select {name}(1) from other)", dialect)
        assert str(raised.value) == (
            f"where must be one read-only condition: {name}() is not allowed"
        )


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("postgres", "select count(*) from t where a in (select b from u)"),
        ("postgres", "with recent as (select * from t) select * from recent union select * from u"),
        ("postgres", "select current_setting('TimeZone'), now(), left(name, 3) from t"),
        ("postgres", "table t"),
        ("duckdb", "from t"),
        ("duckdb", "select * from read_parquet('data/*.parquet') where amount > 10"),
    ],
)
def test_plain_queries_pass_unchanged(dialect: str, sql: str) -> None:
    assert read_only_query(sql, dialect).sql(dialect=dialect)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("select 1; select 2", "query must be one SQL statement, got 2"),
        ("values (1)", "query must be a select query"),
        ("status = 'x'", "query must be a select query"),
        (
            "selec 1",
            "query is not valid duckdb SQL: Invalid expression / Unexpected token near '1'",
        ),
    ],
)
def test_a_query_must_be_one_select(sql: str, message: str) -> None:
    with pytest.raises(UnsafeSql) as raised:
        read_only_query(sql, "duckdb", what="query")
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("delete from t", "where must be one read-only condition: DELETE is not allowed"),
        ("select 1", "where must be a condition such as \"status <> 'test'\""),
        ("a = 1; delete from t", "where must be one SQL statement, got 2"),
    ],
)
def test_a_where_must_be_one_read_only_condition(sql: str, message: str) -> None:
    with pytest.raises(UnsafeSql) as raised:
        read_only_condition(sql, "duckdb")
    assert str(raised.value) == message


def test_duckdb_may_read_the_folder_of_a_glob_and_exactly_a_named_file(tmp_path: Path) -> None:
    (tmp_path / "lake").mkdir()
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    directories, files = sandbox_locations(
        [
            tmp_path / "data/events_*.parquet",
            tmp_path / "lake/*/part.parquet",
            tmp_path / "alias/**/*.csv",
            tmp_path / "data/signups.csv",
        ]
    )
    root = tmp_path.as_posix()  # pytest's tmp_path is resolved already
    assert directories == [
        f"{root}/data/",  # with the slash: data2/ is not data/
        f"{root}/lake/",
        f"{root}/alias/",
        f"{root}/real/",  # DuckDB checks the resolved path
    ]
    assert files == [f"{root}/data/signups.csv"]
