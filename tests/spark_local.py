"""The test session's one local SparkSession, and test data loaded into it.

Starting Spark costs seconds, so every Spark test shares one session
(``local[2]``, two shuffle partitions, no UI, a small driver) created on first
use; each test works in a ``newSession()`` of it or a database of its own.
Spark needs Java: when ``java`` is missing this raises (``scripts/bootstrap``
installs Debian's openjdk-17-jre-headless), so Spark tests error, never skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp


class JavaUnavailable(RuntimeError):
    """No Java runtime for Spark."""


def java_available() -> bool:
    """Whether a Java runtime is on PATH or under ``JAVA_HOME``."""
    java_home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(
        java_home and Path(java_home, "bin/java").exists()
    )


def start_session(warehouse_dir: Path) -> Any:
    """A local SparkSession whose tables live under ``warehouse_dir``."""
    if not java_available():
        raise JavaUnavailable("java not found: run scripts/bootstrap (openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("trustwell-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "512m")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(warehouse_dir))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("FATAL")  # failing checks are the point of many tests
    return session


def spark_sql(statement: str) -> str:
    """Test setup SQL written for DuckDB and PostgreSQL, in Spark SQL.

    A PostgreSQL ``timestamp`` has no zone: Spark's is ``TIMESTAMP_NTZ``
    (Spark's ``TIMESTAMP`` is an instant, like ``timestamptz``).
    """

    def naive(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIMESTAMP:
            return exp.DataType.build("timestamp_ntz", dialect="spark")
        return node

    tree = sqlglot.parse_one(statement, read="postgres").transform(naive)
    return tree.sql(dialect="spark")


def temp_view(session: Any, ddl: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """``rows`` as a temporary view named and typed as the ``CREATE TABLE`` ``ddl`` says.

    The view is a ``VALUES`` list (a local relation inside the JVM): no Python
    worker runs for it, so statements cost what they cost on real tables.
    Naive datetimes are UTC and the columns Spark ``TIMESTAMP``: instants, as
    checks read them.
    """
    create = sqlglot.parse_one(ddl, read="postgres")
    assert isinstance(create, exp.Create) and isinstance(create.this, exp.Schema)
    columns = [c for c in create.this.expressions if isinstance(c, exp.ColumnDef)]
    names = [f"c{i}" for i in range(len(columns))]
    typed = [
        exp.alias_(exp.cast(exp.column(n), c.args["kind"].copy()), c.name, quoted=True)
        for n, c in zip(names, columns, strict=True)
    ]
    values = [tuple(_literal(v) for v in row) for row in rows] or [(exp.null(),) * len(names)]
    source = exp.values(values, alias="t", columns=names)
    query = exp.select(*typed).from_(source).where(exp.true() if rows else exp.false())
    view = exp.to_identifier(create.this.this.name, quoted=True).sql(dialect="spark")
    session.sql(f"CREATE OR REPLACE TEMPORARY VIEW {view} AS {query.sql(dialect='spark')}")


def _literal(value: Any) -> exp.Expr:
    if value is None:
        return exp.null()
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return exp.Literal.string(aware.isoformat())
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


def parquet_view(session: Any, ddl: str, rows: Sequence[tuple[Any, ...]], folder: Path) -> None:
    """``rows`` written to Parquet by DuckDB (typed by ``ddl``) and read back as a temporary view.

    For tables too large for a ``VALUES`` list; also how ``path:`` assets reach Spark.
    """
    import duckdb

    create = sqlglot.parse_one(ddl, read="postgres")
    assert isinstance(create, exp.Create) and isinstance(create.this, exp.Schema)
    name = create.this.this.name
    target = folder / f"{name}.parquet"
    with duckdb.connect() as writer:
        writer.execute(ddl)
        marks = ", ".join("?" * len(create.this.expressions))
        writer.executemany(f"INSERT INTO {name} VALUES ({marks})", list(rows))
        writer.execute(f"COPY {name} TO '{target}' (FORMAT parquet)")
    session.read.parquet(str(target)).createOrReplaceTempView(name)
