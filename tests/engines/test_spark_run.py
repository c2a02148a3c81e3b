"""``trustwell run`` on a ``type: spark`` warehouse: catalog tables, files and queries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from trustwell.cli.app import create_app

SETTINGS = """\
name: lake
warehouses:
  lake:
    type: spark
    {where}
    database: {database}
    timeout: 2m
"""

ASSETS = """\
assets:
  - name: orders
    checks:
      - {type: row_count, min: 1}
      - {type: unique, column: id}
      - {type: freshness, column: loaded_at, max_age: 26h}
  - name: parcels
    path: data/parcels.parquet
    checks:
      - {type: not_null, column: weight}
  - name: paid_orders
    query: "select id, amount from orders where status = 'paid'"
    checks:
      - {type: stat, column: amount, stat: sum, min: 100}
      - {type: schema, columns: {id: integer, amount: decimal}}
"""


@pytest.fixture(params=["local", "connect"])
def project(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A catalog table in a database of the test's own, a Parquet file, and the project.

    ``local``: the test session's local Spark (``master:``); ``connect``: its
    Spark Connect server (``remote: sc://…``), the data written by a client of it.
    """
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    spark: Any
    if request.param == "local":
        spark = request.getfixturevalue("spark")
        where = f'master: "{spark.sparkContext.master}"'
    else:
        from spark_servers import connect_session

        url = request.getfixturevalue("spark_connect").url
        spark = connect_session(url)
        request.addfinalizer(spark.stop)
        where = f'remote: "{url}"'
    database = f"lake_{tmp_path.name.replace('-', '_')}"
    spark.sql(f"CREATE DATABASE {database}")
    spark.sql(
        f"CREATE TABLE {database}.orders (id INT, status STRING, amount DECIMAL(10, 2),"
        " loaded_at TIMESTAMP)"
    )
    spark.sql(
        f"INSERT INTO {database}.orders VALUES"
        " (1, 'paid', 80.00, TIMESTAMP'2026-11-22 08:00:00'),"
        " (2, 'paid', 30.50, TIMESTAMP'2026-11-22 07:00:00'),"
        " (2, 'open', 10.00, TIMESTAMP'2026-11-21 07:00:00')"
    )
    (tmp_path / "data").mkdir()
    with duckdb.connect() as writer:
        parquet = tmp_path / "data" / "parcels.parquet"
        writer.execute(
            f"COPY (SELECT * FROM (VALUES (1, 2.5), (2, NULL)) t(id, weight)) TO '{parquet}'"
        )
    settings = SETTINGS.format(where=where, database=database)
    (tmp_path / "trustwell.yml").write_text(settings)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "lake.yml").write_text(ASSETS)
    try:
        yield tmp_path
    finally:
        spark.sql(f"DROP DATABASE {database} CASCADE")


@pytest.mark.spark
def test_run_checks_tables_files_and_queries_on_spark(project: Path) -> None:
    result = CliRunner().invoke(
        create_app(), ["run", "--project", str(project), "--format", "json"]
    )

    document = json.loads(result.stdout)
    assert [(r["asset"], r["check"], r["status"], r["value"]) for r in document["results"]] == [
        ("orders", "row_count", "pass", 3),
        ("orders", "unique:id", "fail", 1),
        ("orders", "freshness:loaded_at", "pass", 3600),
        ("parcels", "not_null:weight", "fail", 1),
        ("paid_orders", "stat:sum(amount)", "pass", 110.5),
        ("paid_orders", "schema", "pass", 0),
    ]
    assert result.exit_code == 1
    # The run worked in a session of its own and closed it: Spark is still running
    # (the finalizer drops the test's database through it).
