"""DuckDB: the embedded default warehouse (files, in-memory, Parquet/CSV globs)."""

from __future__ import annotations

import threading
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

_READERS = {
    ".parquet": "read_parquet",
    ".csv": "read_csv_auto",
    ".tsv": "read_csv_auto",
    ".json": "read_json_auto",
    ".ndjson": "read_json_auto",
    ".jsonl": "read_json_auto",
}


class DuckDBEngine(Engine):
    dialect = "duckdb"
    distinct_in_main_scan = True  # DuckDB parallelises COUNT(DISTINCT) inside one scan

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        threads: int | None = None,
        timeout_seconds: float | None = None,
        connection: Any = None,
        owns_connection: bool = False,
        file_search_path: Path | None = None,
    ) -> None:
        import duckdb

        self._owns = connection is None or owns_connection
        if connection is None:
            target = str(path)
            if target == ":memory:":
                read_only = False
            elif read_only and not Path(target).exists():
                raise EngineError(f"DuckDB file not found: {target}")
            try:
                connection = duckdb.connect(target, read_only=read_only)
            except duckdb.Error as exc:
                raise EngineError(str(exc).strip()) from exc
        self.connection = connection
        self.timeout_seconds = timeout_seconds
        # Timestamps without a zone are UTC; aware values come back in UTC.
        self.connection.execute("SET TimeZone = 'UTC'")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        if file_search_path is not None:
            # Relative file paths in queries resolve against the project, not the cwd.
            self.connection.execute("SET file_search_path = ?", [str(file_search_path)])

    def execute(self, sql: str) -> QueryResult:
        import duckdb

        # The connection itself, not a cursor: registered frames are connection-local.
        cursor = self.connection
        timer = None
        timed_out = threading.Event()
        if self.timeout_seconds:

            def _interrupt() -> None:
                timed_out.set()
                cursor.interrupt()

            timer = threading.Timer(self.timeout_seconds, _interrupt)
            timer.start()
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = [tuple(r) for r in cursor.fetchall()] if columns else []
        except duckdb.Error as exc:
            if timed_out.is_set():
                raise QueryTimeout(f"query ran longer than {self.timeout_seconds:g}s") from exc
            raise EngineError(str(exc).strip()) from exc
        finally:
            if timer:
                timer.cancel()
        return QueryResult(columns, rows)

    def describe(self, relation: exp.Expr) -> list[Column]:
        query = exp.select("*").from_(relation)
        result = self.execute(f"DESCRIBE {self.render(query)}")
        return [Column(str(r[0]), str(r[1]), normalize_type(str(r[1]))) for r in result.rows]

    def relation_for_files(self, path: str) -> exp.Expr:
        suffix = Path(path.split("*")[0] if path.endswith("*") else path).suffix.lower()
        reader = _READERS.get(suffix, "read_parquet")
        return exp.Anonymous(this=reader, expressions=[exp.Literal.string(path)])

    def close(self) -> None:
        if self._owns:
            self.connection.close()
