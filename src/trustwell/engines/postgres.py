"""PostgreSQL through psycopg 3."""

from __future__ import annotations

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


class PostgresEngine(Engine):
    dialect = "postgres"
    # PostgreSQL cannot parallelise COUNT(DISTINCT): one statement with a scan
    # per distinct count is faster (measured 1.65x, SPEC section 2).
    distinct_in_main_scan = False

    def __init__(self, url: str, *, timeout_seconds: float | None = None) -> None:
        import psycopg

        self.url = url
        try:
            self.connection: Any = psycopg.connect(_libpq_url(url), autocommit=True)
        except psycopg.Error as exc:
            raise EngineError(f"cannot connect to PostgreSQL: {exc}".strip()) from exc
        # Read-only by default: checks never write to the warehouse.
        self.connection.execute("SET default_transaction_read_only = on")
        self.connection.execute("SET TIME ZONE 'UTC'")
        if timeout_seconds:
            self.connection.execute(
                "SELECT set_config('statement_timeout', %s, false)",
                (f"{int(timeout_seconds * 1000)}ms",),
            )

    def execute(self, sql: str) -> QueryResult:
        import psycopg
        from psycopg import errors

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql.encode())
                columns = [d.name for d in cursor.description or []]
                rows = [tuple(r) for r in cursor.fetchall()] if columns else []
        except errors.QueryCanceled as exc:
            raise QueryTimeout(str(exc).strip()) from exc
        except psycopg.Error as exc:
            raise EngineError(str(exc).strip()) from exc
        return QueryResult(columns, rows)

    def describe(self, relation: exp.Expr) -> list[Column]:
        import psycopg

        query = self.render(exp.select("*").from_(relation).limit(0))
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(query.encode())
                description = list(cursor.description or [])
                oids = [d.type_code for d in description]
                cursor.execute(
                    "SELECT oid, format_type(oid, NULL) FROM pg_type WHERE oid = ANY(%s)", (oids,)
                )
                names = dict(cursor.fetchall())
        except psycopg.Error as exc:
            raise EngineError(str(exc).strip()) from exc
        return [
            Column(
                d.name,
                names.get(d.type_code, str(d.type_code)),
                normalize_type(names.get(d.type_code, "")),
            )
            for d in description
        ]

    def close(self) -> None:
        self.connection.close()


def _libpq_url(url: str) -> str:
    """Accept SQLAlchemy-style URLs too (``postgresql+psycopg://``)."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"
