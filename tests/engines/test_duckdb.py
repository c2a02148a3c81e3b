"""DuckDB-only behaviour: opening files and reading Parquet/CSV directly."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from trustwell.config.models import DuckDBWarehouse
from trustwell.engines import EngineError, connect
from trustwell.engines.duckdb import DuckDBEngine


def _write(sql: str) -> None:
    with duckdb.connect() as con:
        con.execute(sql)


def test_read_only_open_of_missing_file_raises(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"

    with pytest.raises(EngineError) as raised:
        DuckDBEngine(missing, read_only=True)

    assert str(raised.value) == f"DuckDB file not found: {missing}"
    assert not missing.exists()  # a typo in a path must not leave an empty warehouse behind


def test_read_only_engine_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _write(f"attach '{path}' as w; create table w.t as select 1 as x")

    with DuckDBEngine(path, read_only=True) as engine, pytest.raises(EngineError) as raised:
        engine.execute("insert into t values (2)")

    # DuckDB's own parser refuses it before the read-only file would.
    assert str(raised.value) == "only a query can run, not INSERT"
    with duckdb.connect(str(path)) as con:
        assert con.execute("select count(*) from t").fetchone() == (1,)


def test_memory_limit_caps_what_duckdb_keeps_and_temp_directory_is_the_projects(
    tmp_path: Path,
) -> None:
    """``memory_limit`` and ``temp_directory`` of the warehouse reach DuckDB.

    DuckDB keeps the blocks of a scanned table cached up to its limit (80% of
    the RAM by default): after one scan of a 26 MB table it holds all of it,
    with ``memory_limit: 16MB`` no more than 16 MB. The spill folder is
    relative to the project, like the database file.
    """
    _write(
        f"attach '{tmp_path / 'w.duckdb'}' as w;"
        " create table w.t as select range as id, hash(range) as h from range(3000000)"
    )
    held = {}
    for limit in (None, "16MB"):
        config = DuckDBWarehouse(
            type="duckdb", path="w.duckdb", memory_limit=limit, temp_directory="spill"
        )
        with connect(config, tmp_path) as engine:
            assert engine.execute("select sum(id) from t").rows == [(3000000 * 2999999 // 2,)]
            engine.execute("select sum(h) from t")
            memory = "select sum(memory_usage_bytes) from duckdb_memory()"
            held[limit] = engine.execute(memory).rows[0][0]
            shown = "select current_setting('memory_limit'), current_setting('temp_directory')"
            setting, folder = engine.execute(shown).rows[0]
        assert folder == (tmp_path / "spill").as_posix()
    assert setting == "15.2 MiB"  # 16 * 1000^2 bytes, as DuckDB shows it
    assert held[None] > 24 * 2**20 and held["16MB"] <= 16 * 1000**2


def test_a_memory_limit_that_is_not_a_size_is_refused_with_the_units() -> None:
    for good in ("512MB", "2GiB", "1.5 gb", "25%"):
        assert DuckDBWarehouse(type="duckdb", memory_limit=good).memory_limit
    for bad in ("512", "lots", "0MB", "150%", "5 PB"):
        with pytest.raises(ValueError, match=f"memory_limit '{bad}' is not a memory size"):
            DuckDBWarehouse(type="duckdb", memory_limit=bad)


def test_engine_can_share_an_existing_connection() -> None:
    con = duckdb.connect()
    con.execute("create table t as select 42 as answer")

    with DuckDBEngine(connection=con) as engine:
        assert engine.execute("select answer from t").rows == [(42,)]

    # The engine did not own the connection, so closing it left the connection open.
    assert con.execute("select count(*) from t").fetchone() == (1,)
    con.close()


def test_relation_for_csv_glob_reads_every_file(tmp_path: Path) -> None:
    for part, start in (("a", 0), ("b", 3)):
        _write(
            f"copy (select range as id, 'n' || range as name from range({start}, {start + 3}))"
            f" to '{tmp_path / f'part_{part}.csv'}' (header)"
        )
    with DuckDBEngine(allowed_files=[tmp_path / "*.csv"]) as engine:
        relation = engine.relation_for_files(str(tmp_path / "*.csv"))

        rows = engine.execute(f"select count(*), max(id) from {engine.render(relation)}").rows
        columns = engine.describe(relation)

    assert rows == [(6, 5)]
    assert [(c.name, c.type) for c in columns] == [("id", "integer"), ("name", "string")]


def test_relation_for_parquet_file_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    _write(
        f"copy (select range as id, range * 1.5 as amount, date '2024-01-01' + range::int as day"
        f" from range(4)) to '{path}' (format parquet)"
    )
    with DuckDBEngine(allowed_files=[path]) as engine:
        relation = engine.relation_for_files(str(path))

        rows = engine.execute(f"select count(*), sum(amount) from {engine.render(relation)}").rows
        columns = engine.describe(relation)

    assert rows[0][0] == 4
    assert float(rows[0][1]) == 9.0
    assert [(c.name, c.type) for c in columns] == [
        ("id", "integer"),
        ("amount", "decimal"),
        ("day", "date"),
    ]


def test_relation_for_files_renders_a_reader_call() -> None:
    with DuckDBEngine() as engine:
        sql = engine.render(engine.relation_for_files("data/*.parquet"))

    assert sql == "READ_PARQUET('data/*.parquet')"


def test_one_file_opened_twice_in_a_process_shares_one_locked_sandbox(tmp_path: Path) -> None:
    # DuckDB serves both connections from one instance whose settings are global:
    # the second opening finds the sandbox locked and checks it instead of failing.
    path = tmp_path / "warehouse.duckdb"
    _write(f"attach '{path}' as w; create table w.t as select 1 as x")
    data = tmp_path / "data" / "*.parquet"
    with (
        DuckDBEngine(path, read_only=True, threads=2, allowed_files=[data]) as first,
        DuckDBEngine(path, read_only=True, threads=2, allowed_files=[data]) as second,
    ):
        for engine in (first, second):
            assert engine.execute("select current_setting('TimeZone'), count(*) from t").rows == [
                ("UTC", 1)
            ]
        with pytest.raises(EngineError) as raised:
            DuckDBEngine(path, read_only=True, allowed_files=[tmp_path / "other.csv"])
    assert str(raised.value) == (
        "this DuckDB database is already open in this process with other file access"
        " settings: close the other connection first"
    )
