"""Spark-only behaviour: path: assets as views, read-only statements, the session's reuse."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pydantic import ValidationError
from sqlglot import exp

from conformance.data import NOW
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset, SparkWarehouse
from trustwell.engines import EngineError, connect
from trustwell.engines.spark import SparkEngine


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """The same five parcels as Parquet (written by DuckDB) and as CSV."""
    rows = "(1, 2.5, 'DE'), (2, NULL, 'FR'), (3, 7.0, 'DE'), (4, -1.0, NULL), (4, 3.0, 'US')"
    with duckdb.connect() as writer:
        writer.execute("CREATE TABLE parcels (id INTEGER, weight DOUBLE, country VARCHAR)")
        writer.execute(f"INSERT INTO parcels VALUES {rows}")
        writer.execute(f"COPY parcels TO '{tmp_path / 'parcels.parquet'}' (FORMAT parquet)")
        writer.execute(f"COPY parcels TO '{tmp_path / 'parcels.csv'}' (FORMAT csv, HEADER)")
    return tmp_path


@pytest.fixture
def engine(spark: Any) -> SparkEngine:
    return SparkEngine(spark.newSession())


CHECKS = [
    {"type": "row_count", "min": 5},
    {"type": "not_null", "column": "weight"},
    {"type": "unique", "column": "id"},
    {"type": "range", "column": "weight", "min": 0},
    {"type": "schema", "columns": {"id": "integer", "weight": "float", "country": "string"}},
]


@pytest.mark.parametrize("name", ["parcels.parquet", "parcels.csv"])
def test_a_path_asset_is_read_through_a_view(engine: SparkEngine, files: Path, name: str) -> None:
    asset = Asset.model_validate({"name": "parcels", "path": name, "checks": CHECKS})
    run = AssetRun(engine=engine, asset=asset, root=files, now=parse_timestamp(NOW))

    results = check_asset(run)

    assert [(r.status, r.value) for r in results] == [
        ("pass", 5),
        ("fail", 1),  # parcel 2 has no weight
        ("fail", 1),  # id 4 twice: one row too many
        ("fail", 1),  # parcel 4 weighs -1
        ("pass", 0),
    ]


def test_a_missing_path_is_an_engine_error(engine: SparkEngine, tmp_path: Path) -> None:
    with pytest.raises(EngineError) as raised:
        engine.relation_for_files((tmp_path / "nothing.parquet").as_posix())

    assert str(raised.value).startswith("[PATH_NOT_FOUND] Path does not exist:")


def test_files_cannot_be_queried_by_path(engine: SparkEngine, files: Path) -> None:
    # Only the path: assets' views read files: Spark's `parquet.`/x`` form is off.
    with pytest.raises(EngineError) as raised:
        engine.execute(f"select * from parquet.`{files / 'parcels.parquet'}`")

    assert "parquet" in str(raised.value)
    view = engine.relation_for_files((files / "parcels.parquet").as_posix())
    assert engine.execute(f"select count(*) as n from {view.sql('spark')}").rows == [(5,)]


@pytest.mark.parametrize(
    ("statement", "refused"),
    [
        ("insert into parcels values (9, 1.0, 'NL')", "INSERT is not allowed"),
        ("drop table parcels", "DROP is not allowed"),
        ("set spark.sql.runSQLOnFiles = true", "SET is not allowed"),
        ("select reflect('java.lang.System', 'exit', 1)", "reflect() is not allowed"),
        ("select 1; drop table parcels", "must be one SQL statement, got 2"),
    ],
)
def test_only_single_read_only_queries_run(
    spark: Any, engine: SparkEngine, statement: str, refused: str
) -> None:
    spark.sql("create or replace global temporary view parcels as select 1 as id")

    with pytest.raises(EngineError) as raised:
        engine.execute(statement)

    assert refused in str(raised.value)
    assert spark.sql("select count(*) from global_temp.parcels").collect()[0][0] == 1
    assert engine.session.conf.get("spark.sql.runSQLOnFiles") == "false"


def test_describe_gives_spark_type_names(engine: SparkEngine) -> None:
    query = exp.maybe_parse(
        "select 1 as n, cast(1 as bigint) as big, 1.5d as x, array(1) as xs, date'2026-01-01' d",
        dialect="spark",
    )

    columns = engine.describe(exp.Subquery(this=query, alias=exp.TableAlias(this="t")))

    assert [(c.name, c.native_type, c.type) for c in columns] == [
        ("n", "int", "integer"),
        ("big", "bigint", "integer"),
        ("x", "double", "float"),
        ("xs", "array<int>", None),
        ("d", "date", "date"),
    ]


def test_a_local_warehouse_joins_the_running_spark_and_never_stops_it(
    spark: Any, tmp_path: Path
) -> None:
    master = spark.sparkContext.master
    config = SparkWarehouse(type="spark", master=master, conf={"spark.sql.ansi.enabled": "false"})

    with connect(config, tmp_path) as engine:
        assert isinstance(engine, SparkEngine)
        assert engine.session is not spark
        assert engine.session.conf.get("spark.sql.ansi.enabled") == "false"
        assert engine.execute("select 1 + 1 as two").rows == [(2,)]

    assert spark.sql("select 1 as one").collect()[0][0] == 1  # still running


def test_a_second_master_in_one_process_is_refused(spark: Any, tmp_path: Path) -> None:
    config = SparkWarehouse(type="spark", master="spark://elsewhere:7077")

    with pytest.raises(EngineError) as raised:
        connect(config, tmp_path)

    assert str(raised.value).startswith(
        f"this process already runs Spark with master '{spark.sparkContext.master}',"
        " not 'spark://elsewhere:7077'"
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"master": "local[1]", "remote": "sc://h:15002"}, "give one of master or remote"),
        ({"remote": "http://h:15002"}, "is not a Spark Connect URL like sc://host:15002"),
    ],
)
def test_bad_spark_settings_are_refused(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        SparkWarehouse.model_validate({"type": "spark", **settings})

    assert message in str(raised.value)


def test_spark_connect_settings_are_accepted() -> None:
    config = SparkWarehouse.model_validate({"type": "spark", "remote": "sc://spark:15002"})

    assert (config.master, config.remote) == (None, "sc://spark:15002")


def test_without_pyspark_a_spark_warehouse_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if it were not installed

    with pytest.raises(EngineError) as raised:
        connect(SparkWarehouse(type="spark"), tmp_path)

    assert str(raised.value) == (
        "a spark warehouse needs pyspark: pip install 'trustwell[spark]'"
        " (or 'trustwell[spark-connect]' for remote: sc://…)"
    )


def test_without_the_connect_client_a_remote_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql.connect.session", None)
    config = SparkWarehouse(type="spark", remote="sc://spark:15002/;token=sc-secret")

    with pytest.raises(EngineError) as raised:
        connect(config, tmp_path)

    assert str(raised.value).endswith(
        "needs the Spark Connect client: pip install 'trustwell[spark-connect]'"
    )
    assert "sc-secret" not in repr(config)


def test_a_remote_warehouse_works_in_a_spark_connect_session_of_its_own(
    spark_connect: Any, tmp_path: Path
) -> None:
    config = SparkWarehouse(
        type="spark", remote=spark_connect.url, conf={"spark.sql.ansi.enabled": "false"}
    )

    with connect(config, tmp_path) as engine:
        assert isinstance(engine, SparkEngine) and engine.is_connect
        assert engine.session.conf.get("spark.sql.ansi.enabled") == "false"
        assert engine.session.conf.get("spark.sql.runSQLOnFiles") == "false"
        assert engine.execute("select 1 + 1 as two").rows == [(2,)]
        with pytest.raises(EngineError) as raised:
            engine.execute("select * from no_such_table")
        # The server's exception class is not part of the message.
        assert str(raised.value).startswith("[TABLE_OR_VIEW_NOT_FOUND]")
    assert engine.session.is_stopped

    # pyspark's common builder would have marked the process as Spark Connect, after
    # which no master: warehouse could start here; the Connect client's own does not.
    assert "SPARK_CONNECT_MODE_ENABLED" not in os.environ
