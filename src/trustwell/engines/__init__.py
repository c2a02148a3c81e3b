"""Warehouses: one short class per SQL engine behind a small interface."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustwell.durations import parse_duration
from trustwell.engines.base import Column, Engine, EngineError, QueryResult, QueryTimeout

if TYPE_CHECKING:
    from trustwell.config.models import DuckDBWarehouse, Project, Warehouse

__all__ = [
    "Column",
    "Engine",
    "EngineError",
    "QueryResult",
    "QueryTimeout",
    "connect",
    "warehouse_files",
]


def connect(config: Warehouse, root: Path, *, files: Sequence[str] = ()) -> Engine:
    """Open the engine for a warehouse config; relative paths are from ``root``.

    ``files`` are the ``path:`` values of the warehouse's assets
    (:func:`warehouse_files`): a DuckDB warehouse can read those and no other file.
    """
    # The models are imported here, not at the top: the quick run path
    # (trustwell.quickrun) opens DuckDB through this package without Pydantic.
    from trustwell.config.models import DuckDBWarehouse, PostgresWarehouse, SparkWarehouse

    timeout = parse_duration(config.timeout).total_seconds() if config.timeout else None
    if isinstance(config, DuckDBWarehouse):
        from trustwell.engines.duckdb import DuckDBEngine

        options = duckdb_options(config, root, files)
        return DuckDBEngine(**(options | {"files_root": root}))
    if isinstance(config, PostgresWarehouse):
        from trustwell.engines.postgres import PostgresEngine

        return PostgresEngine(config.url, timeout_seconds=timeout)
    if isinstance(config, SparkWarehouse):
        from trustwell.engines.spark import SparkEngine
        from trustwell.engines.spark_session import open_session

        session, release = open_session(
            master=config.master, remote=config.remote, conf=config.conf, database=config.database
        )
        return SparkEngine(session, timeout_seconds=timeout, on_close=release)
    raise EngineError(f"warehouse type {config.type!r} is not available in this version")


def duckdb_options(config: DuckDBWarehouse, root: Path, files: Sequence[str]) -> dict[str, Any]:
    """:class:`~trustwell.engines.duckdb.DuckDBEngine`'s keyword arguments for ``config``.

    Plain JSON values (``files_root`` as a string): the quick run path keeps
    them with its plan (:mod:`trustwell.quickrun`) and opens the same engine.
    """
    path = config.path
    if path != ":memory:" and not Path(path).is_absolute():
        path = str(root / path)
    timeout = parse_duration(config.timeout).total_seconds() if config.timeout else None
    return {
        "path": path,
        "read_only": config.read_only,
        "threads": config.threads,
        "memory_limit": config.memory_limit,
        "temp_directory": _against(root, config.temp_directory) if config.temp_directory else None,
        "timeout_seconds": timeout,
        "files_root": str(root),
        "allowed_files": [_against(root, f) for f in files],
    }


def warehouse_files(project: Project, warehouse: str) -> list[str]:
    """The ``path:`` of every asset of ``warehouse``: all its checks may read."""
    return [
        asset.path
        for asset in project.assets
        if asset.path is not None and project.warehouse_of(asset) == warehouse
    ]


def _against(root: Path, path: str) -> str:
    return path if Path(path).is_absolute() else (root / path).as_posix()
