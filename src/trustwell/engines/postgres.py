"""PostgreSQL through psycopg 3."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from trustwell.engines.base import (
    Column,
    Engine,
    EngineError,
    KeyRange,
    QueryResult,
    QueryTimeout,
    normalize_type,
)


class PostgresEngine(Engine):
    """A psycopg connection where every statement runs in ``BEGIN READ ONLY`` … ``ROLLBACK``.

    Whatever a statement does to the session (``set_config`` of
    ``default_transaction_read_only`` or ``statement_timeout``, a temporary
    object) is undone by the rollback; the timeout is armed by the server before
    the statement starts, so the statement cannot lift it for itself either.
    Statements go through the extended query protocol, which runs exactly one
    (:meth:`_send`).
    """

    dialect = "postgres"
    # PostgreSQL cannot parallelise COUNT(DISTINCT): one statement with a scan
    # per distinct count is faster (measured 1.65x, SPEC section 2).
    distinct_in_main_scan = False
    # ... each as (SELECT COUNT(DISTINCT k) …), a sort, not COUNT(*) of a SELECT
    # DISTINCT, a hash aggregate that spills: the 12-check statement on 10M rows
    # took 17 s against more than 400 s (docs/benchmarks.md, "PostgreSQL plan").
    count_distinct_subquery = True
    case_sensitive_identifiers = True
    aggregate_filter = True  # 3.4 % faster than COUNT(CASE …) in the shared scan
    # A dense integer key: 64 keys a row of a small, parallel hash aggregate
    # instead of a sort (10M rows, 500k keys: 1.3 s against 3.6-4.0 s).
    dense_distinct = "buckets"

    def __init__(self, url: str, *, timeout_seconds: float | None = None) -> None:
        import psycopg

        self.url = url
        try:
            self.connection: Any = psycopg.connect(_libpq_url(url), autocommit=True)
        except psycopg.Error as exc:
            raise EngineError(f"cannot connect to PostgreSQL: {exc}".strip()) from exc
        try:
            # Session defaults, set outside any transaction so that they hold for all.
            self.connection.execute("SET default_transaction_read_only = on")
            self.connection.execute("SET TIME ZONE 'UTC'")
            if timeout_seconds:
                self.connection.execute(
                    "SELECT set_config('statement_timeout', %s, false)",
                    (f"{int(timeout_seconds * 1000)}ms",),
                )
            # From here psycopg opens each transaction with BEGIN READ ONLY.
            self.connection.autocommit = False
            self.connection.read_only = True
        except psycopg.Error as exc:
            self.connection.close()
            raise EngineError(f"cannot prepare the PostgreSQL session: {exc}".strip()) from exc

    def execute(self, sql: str) -> QueryResult:
        import psycopg
        from psycopg import errors

        try:
            with self.connection.cursor() as cursor:
                self._send(cursor, sql)
                columns = [d.name for d in cursor.description or []]
                rows = [tuple(r) for r in cursor.fetchall()] if columns else []
        except errors.QueryCanceled as exc:
            raise QueryTimeout(str(exc).strip()) from exc
        except errors.SyntaxError as exc:
            message = str(exc).strip()
            if "multiple commands" in message:
                message = f"one statement at a time: {message}"
            raise EngineError(message) from exc
        except psycopg.Error as exc:
            raise EngineError(str(exc).strip()) from exc
        finally:
            self._rollback()
        return QueryResult(columns, rows)

    def describe(self, relation: exp.Expr) -> list[Column]:
        import psycopg

        query = self.render(exp.select("*").from_(relation).limit(0))
        try:
            with self.connection.cursor() as cursor:
                self._send(cursor, query)
                description = list(cursor.description or [])
                oids = [d.type_code for d in description]
                cursor.execute(
                    "SELECT oid, format_type(oid, NULL) FROM pg_type WHERE oid = ANY(%s)", (oids,)
                )
                names = dict(cursor.fetchall())
        except psycopg.Error as exc:
            raise EngineError(str(exc).strip()) from exc
        finally:
            self._rollback()
        return [
            Column(
                d.name,
                names.get(d.type_code, str(d.type_code)),
                normalize_type(names.get(d.type_code, "")),
            )
            for d in description
        ]

    def key_ranges(self, relation: exp.Expr, columns: Sequence[str]) -> dict[str, KeyRange]:
        from trustwell.engines.postgres_stats import key_ranges

        return key_ranges(lambda sql: self.execute(sql).rows, relation, columns)

    def close(self) -> None:
        self.connection.close()

    def _send(self, cursor: Any, sql: str) -> None:
        """Run ``sql`` through the extended query protocol, which runs one statement only.

        psycopg would use the simple protocol for a query without parameters, and
        that one runs "…; COMMIT; DELETE …" whole. Pipeline mode always sends
        the extended protocol's messages (with psycopg's BEGIN READ ONLY in front).
        """
        with self.connection.pipeline():
            cursor.execute(sql.encode())

    def _rollback(self) -> None:
        """End the statement's transaction: nothing it did to the session survives."""
        import psycopg

        try:
            self.connection.rollback()
        except psycopg.Error as exc:
            raise EngineError(f"lost the PostgreSQL connection: {exc}".strip()) from exc


def _libpq_url(url: str) -> str:
    """Accept SQLAlchemy-style URLs too (``postgresql+psycopg://``)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"
