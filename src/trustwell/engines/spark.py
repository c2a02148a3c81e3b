"""Apache Spark: Spark SQL on a local session, a standalone cluster or Spark Connect.

The engine runs on a ``SparkSession`` (classic or Spark Connect, built by
:func:`trustwell.engines.spark_session.open_session`). Only single
``SELECT`` statements ever run: each statement is checked by
:func:`~trustwell.readonly_sql.read_only_query` in the Spark dialect right
here, and what Spark receives is sqlglot's rendering of the tree that was
checked. Sessions trustwell opens cannot query files by path
(``spark.sql.runSQLOnFiles`` off): a ``path:`` asset is read through a
temporary view the engine registers (:meth:`SparkEngine.relation_for_files`).

Timeouts cancel the statement's Spark jobs: classic sessions run each
statement in a job group of its own (``setJobGroup(…, interruptOnCancel=True)``)
that a timer cancels; Spark Connect sessions tag the operation and interrupt
the tag. pyspark is imported only when a Spark warehouse is used.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlglot import exp

from trustwell.engines.base import (
    Column,
    Engine,
    EngineError,
    QueryResult,
    QueryTimeout,
    normalize_type,
)
from trustwell.engines.spark_session import LOCKED_CONF
from trustwell.readonly_sql import UnsafeSql, read_only_query

# How a path: asset's files are read, by suffix; anything else is Parquet (a folder
# of part files) unless it holds a Delta log.
_FORMATS = {
    ".parquet": ("parquet", {}),
    ".csv": ("csv", {"header": "true", "inferSchema": "true"}),
    ".tsv": ("csv", {"header": "true", "inferSchema": "true", "sep": "\t"}),
    ".json": ("json", {}),
    ".jsonl": ("json", {}),
    ".ndjson": ("json", {}),
}


class SparkEngine(Engine):
    dialect = "spark"
    # Spark plans COUNT(DISTINCT …) of one scan as a parallel aggregation (an Expand
    # with partial aggregates), so distinct counts share the asset's one scan. Exact
    # counts always: approx_count_distinct runs only where a check's SQL asks for it.
    distinct_in_main_scan = True
    # spark.sql.caseSensitive is off by default: quoted names match in any case.
    case_sensitive_identifiers = False

    def __init__(
        self,
        session: Any,
        *,
        timeout_seconds: float | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        """Run checks on ``session``; :meth:`close` calls ``on_close`` (e.g. to stop it)."""
        self.session = session
        self.timeout_seconds = timeout_seconds
        self._on_close = on_close
        self._views: dict[str, str] = {}
        # pyspark logs every SQL error with its JVM stack trace; here each one is
        # the message of a check's result already.
        logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
        try:
            for key, value in LOCKED_CONF.items():
                session.conf.set(key, value)
        except Exception as exc:
            raise _engine_error(exc) from exc

    @property
    def is_connect(self) -> bool:
        """Whether the session is a Spark Connect client (``remote: sc://…``)."""
        return type(self.session).__module__.startswith("pyspark.sql.connect")

    def execute(self, sql: str) -> QueryResult:
        frame = self._frame(sql)
        try:
            rows = self._collect(frame)
            fields = list(frame.schema.fields)
        except QueryTimeout:
            raise
        except Exception as exc:
            raise _engine_error(exc) from exc
        columns = [f.name for f in fields]
        converters = [_converter(f.dataType) for f in fields]
        return QueryResult(
            columns,
            [tuple(c(v) for c, v in zip(converters, row, strict=True)) for row in rows],
        )

    def describe(self, relation: exp.Expr) -> list[Column]:
        # Analysis only: Spark resolves the plan's schema without running a job.
        frame = self._frame(self.render(exp.select("*").from_(relation)))
        try:
            fields = list(frame.schema.fields)
        except Exception as exc:
            raise _engine_error(exc) from exc
        return [
            Column(f.name, f.dataType.simpleString(), normalize_type(f.dataType.simpleString()))
            for f in fields
        ]

    def relation_for_files(self, path: str) -> exp.Expr:
        """A temporary view over the files (Parquet, CSV, JSON, or Delta where available)."""
        view = self._views.get(path)
        if view is None:
            view = "_tw_files_" + hashlib.sha256(path.encode()).hexdigest()[:12]
            try:
                self._reader(path).createOrReplaceTempView(view)
            except Exception as exc:
                raise _engine_error(exc) from exc
            self._views[path] = view
        return exp.to_identifier(view, quoted=True)

    def close(self) -> None:
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()

    def _frame(self, sql: str) -> Any:
        """The DataFrame of one checked query (lazy: nothing has run yet)."""
        try:
            statement = read_only_query(sql, self.dialect, what="a statement")
        except UnsafeSql as exc:
            raise EngineError(str(exc)) from exc
        try:
            return self.session.sql(statement.sql(dialect=self.dialect))
        except Exception as exc:
            raise _engine_error(exc) from exc

    def _collect(self, frame: Any) -> list[Any]:
        """``frame.collect()``, its jobs cancelled once they run longer than the timeout."""
        if not self.timeout_seconds:
            return list(frame.collect())
        label = f"trustwell-{uuid.uuid4().hex}"
        if self.is_connect:
            self.session.addTag(label)
            cancel = partial(self.session.interruptTag, label)
        else:
            context = self.session.sparkContext
            context.setJobGroup(label, "trustwell check", interruptOnCancel=True)
            cancel = partial(context.cancelJobGroup, label)
        done, timed_out = threading.Event(), threading.Event()
        canceller = threading.Thread(
            target=_cancel_after, args=(self.timeout_seconds, done, timed_out, cancel), daemon=True
        )
        canceller.start()
        try:
            return list(frame.collect())
        except Exception as exc:
            if timed_out.is_set():
                raise QueryTimeout(f"query ran longer than {self.timeout_seconds:g}s") from exc
            raise
        finally:
            done.set()
            canceller.join()
            if self.is_connect:
                self.session.removeTag(label)
            else:
                self.session.sparkContext.setLocalProperty("spark.jobGroup.id", None)

    def _reader(self, path: str) -> Any:
        reader = self.session.read
        local = Path(path)
        if "://" not in path and (local / "_delta_log").is_dir():
            return reader.format("delta").load(path)
        stem = path.rstrip("*").rstrip("/") if path.endswith("*") else path
        source, options = _FORMATS.get(Path(stem).suffix.lower(), ("parquet", {}))
        return reader.format(source).options(**options).load(path)


def _cancel_after(
    seconds: float, done: threading.Event, timed_out: threading.Event, cancel: Any
) -> None:
    """Once ``seconds`` pass, cancel again and again until the statement has ended.

    A cancel reaches only the jobs already submitted: a statement still being
    planned at the deadline starts its jobs later, so one cancel could miss them.
    """
    if done.wait(seconds):
        return
    timed_out.set()
    while True:
        cancel()
        if done.wait(0.1):
            return


def _converter(data_type: Any) -> Any:
    """How a collected value becomes the Python value every engine returns."""
    if type(data_type).__name__ == "TimestampType":
        return _utc
    return _plain


def _utc(value: Any) -> Any:
    # pyspark hands a TIMESTAMP (an instant) over as a naive datetime in the Python
    # process's local time; as_utc-aware like DuckDB's and PostgreSQL's timestamptz.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.astimezone(UTC)
    return value


def _plain(value: Any) -> Any:
    return value.asDict(recursive=True) if hasattr(value, "asDict") else value


_JVM_TRACE = re.compile(r"\nJVM stacktrace:|\n\s*at [\w$.]+\(")
# Spark Connect puts the server's exception class first: "(org.apache.spark.…) [CLASS] …".
_SERVER_CLASS = re.compile(r"^\([\w$.]+\)\s*")
_PLAN = re.compile(r"(; line \d+ pos \d+);?\n[\s\S]*$")


def _engine_error(exc: Exception) -> EngineError:
    """Spark's message, without the JVM stack trace and the logical plan it appends
    (and, from Spark Connect, the server's exception class before it)."""
    message = _SERVER_CLASS.sub("", _JVM_TRACE.split(str(exc).strip())[0])
    return EngineError(_PLAN.sub(r"\1", message).strip() or type(exc).__name__)
