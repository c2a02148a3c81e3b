"""Warehouses: one short class per SQL engine behind a small interface."""

from __future__ import annotations

from pathlib import Path

from trustwell.config.models import DuckDBWarehouse, PostgresWarehouse, Warehouse
from trustwell.durations import parse_duration
from trustwell.engines.base import Column, Engine, EngineError, QueryResult, QueryTimeout

__all__ = ["Column", "Engine", "EngineError", "QueryResult", "QueryTimeout", "connect"]


def connect(config: Warehouse, root: Path) -> Engine:
    """Open the engine for a warehouse config; relative paths are from ``root``."""
    timeout = parse_duration(config.timeout).total_seconds() if config.timeout else None
    if isinstance(config, DuckDBWarehouse):
        from trustwell.engines.duckdb import DuckDBEngine

        path = config.path
        if path != ":memory:" and not Path(path).is_absolute():
            path = str(root / path)
        return DuckDBEngine(
            path,
            read_only=config.read_only,
            threads=config.threads,
            timeout_seconds=timeout,
            file_search_path=root,
        )
    if isinstance(config, PostgresWarehouse):
        from trustwell.engines.postgres import PostgresEngine

        return PostgresEngine(config.url, timeout_seconds=timeout)
    raise EngineError(f"warehouse type {config.type!r} is not available in this version")
