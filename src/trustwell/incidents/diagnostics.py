"""Runbook diagnostics: a runbook's ``sql`` blocks run read-only against an asset.

:func:`render_sql_blocks` fills in ``{{ table }}`` (the asset's relation as a
quoted identifier, subquery or file scan) and ``{{ column }}`` (a quoted
identifier); any other variable is an error. :func:`read_only_query` accepts
one read-only query and nothing else, with the same validator as checks
(:mod:`trustwell.readonly_sql`), and adds a row limit. :func:`run_diagnostics`
opens DuckDB read-only (every engine runs each statement in a read-only
transaction that is rolled back) and keeps the first :data:`MAX_ROWS` rows of
each step; :func:`record_diagnostics` puts them on the incident's timeline as
one ``runbook`` entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustwell.errors import Invalid
from trustwell.incidents.runbooks import Runbook
from trustwell.readonly_sql import UnsafeSql

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlglot import exp

    from trustwell.config.models import Asset, Project
    from trustwell.store.database import Store

MAX_ROWS = 50  # rows kept per diagnostic step
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


class UnsafeDiagnostic(UnsafeSql, Invalid):
    """A runbook SQL block is not one read-only query (nothing was run)."""


@dataclass(frozen=True)
class DiagnosticResult:
    """One diagnostic step as it ran: the SQL sent and the first rows, or the error."""

    runbook: str
    asset: str
    title: str
    sql: str
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    truncated: bool = False  # more than MAX_ROWS rows came back
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "sql": self.sql,
            "columns": self.columns,
            "rows": [[_jsonable(v) for v in row] for row in self.rows],
            "truncated": self.truncated,
            "error": self.error,
        }


def render_sql_blocks(
    runbook: Runbook,
    table: str | exp.Expr,
    column: str | None = None,
    *,
    dialect: str = "duckdb",
) -> list[str]:
    """The runbook's SQL blocks with ``{{ table }}`` and ``{{ column }}`` filled in.

    ``table`` is a table name (rendered as a quoted identifier) or a relation
    expression. A block that uses ``{{ column }}`` when no column is given, or
    any other variable, raises ``ValueError``.

    >>> render_sql_blocks(runbook, "raw.orders", "loaded_at")  # doctest: +SKIP
    ['SELECT MAX("loaded_at") AS newest_row FROM "raw"."orders"']
    """
    return [_render(sql, table, column, dialect) for _, sql in runbook.sql_blocks]


def _render(sql: str, table: str | exp.Expr, column: str | None, dialect: str) -> str:
    from sqlglot import exp

    from trustwell.checks.compile import table_expression

    relation = table_expression(table) if isinstance(table, str) else table
    values = {"table": relation.sql(dialect=dialect)}
    if column is not None:
        values["column"] = exp.to_identifier(column, quoted=True).sql(dialect=dialect)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            if name == "column":
                raise ValueError("this step needs a column: pass --column")
            raise ValueError(f"unknown variable '{{{{ {name} }}}}': use table or column")
        return values[name]

    return _VARIABLE.sub(fill, sql)


def read_only_query(sql: str, dialect: str, limit: int = MAX_ROWS + 1) -> str:
    """``sql`` checked to be one read-only query, with a row limit if it had none.

    Raises :class:`UnsafeDiagnostic` for anything else (DELETE, DDL, ``set_config``,
    two statements): the checks' own validator, :mod:`trustwell.readonly_sql`.
    """
    return _limited(sql, dialect, limit).sql(dialect=dialect)


def _limited(sql: str, dialect: str, limit: int) -> exp.Query:
    from trustwell.readonly_sql import UnsafeSql
    from trustwell.readonly_sql import read_only_query as validated

    try:
        statement = validated(sql, dialect, what="a diagnostic")
    except UnsafeSql as exc:
        raise UnsafeDiagnostic(str(exc)) from None
    if statement.args.get("limit") is None:
        statement = statement.limit(limit)
    return statement


def default_column(asset: Asset, runbook: Runbook) -> str | None:
    """The column to fill in: from a check of a type the runbook is for, else a freshness check."""
    ordered = [c for c in asset.checks if c.type in runbook.checks]
    ordered += [c for c in asset.checks if c.type == "freshness"]
    for check in ordered:
        column = getattr(check, "column", None) or getattr(check, "prediction", None)
        columns = getattr(check, "columns", None)
        if isinstance(column, str):
            return column
        if isinstance(columns, list) and columns and isinstance(columns[0], str):
            return columns[0]
    return None


def run_diagnostics(
    project: Project, runbook: Runbook, asset: Asset, column: str | None = None
) -> list[DiagnosticResult]:
    """Run the runbook's SQL blocks read-only against the asset's warehouse.

    Every block is checked before anything runs (:class:`UnsafeDiagnostic` if
    one is not a single read-only query). DuckDB files are opened read-only
    and sandboxed like a run's; every statement runs in a read-only
    transaction that is rolled back. A step that fails keeps its error and the
    next step still runs. Raises ``trustwell.engines.EngineError`` when the
    warehouse cannot be opened.
    """
    from trustwell.checks.compile import relation_for
    from trustwell.config.models import DuckDBWarehouse
    from trustwell.engines import EngineError, connect, warehouse_files

    warehouse = project.warehouse_of(asset)
    config = project.settings.warehouses[warehouse]
    if isinstance(config, DuckDBWarehouse):
        config = config.model_copy(update={"read_only": True})
    column = column or default_column(asset, runbook)
    with connect(config, project.root, files=warehouse_files(project, warehouse)) as engine:
        try:
            relation = relation_for(asset, engine, project.root)
        except UnsafeSql as exc:
            raise UnsafeDiagnostic(str(exc)) from None
        steps: list[tuple[str, str, str | None]] = []  # title, sql, error
        for title, raw in runbook.sql_blocks:
            try:
                rendered = _render(raw, relation, column, engine.dialect)
            except ValueError as exc:
                steps.append((title, raw, str(exc)))
                continue
            query = _limited(rendered, engine.dialect, MAX_ROWS + 1)
            steps.append((title, engine.render(query), None))
        results = []
        for title, sql, error in steps:
            base = DiagnosticResult(runbook.id, asset.name, title, sql, error=error)
            if error is not None:
                results.append(base)
                continue
            try:
                result = engine.execute(sql)
            except EngineError as exc:
                results.append(DiagnosticResult(runbook.id, asset.name, title, sql, error=str(exc)))
                continue
            results.append(
                DiagnosticResult(
                    runbook.id,
                    asset.name,
                    title,
                    sql,
                    columns=result.columns,
                    rows=result.rows[:MAX_ROWS],
                    truncated=len(result.rows) > MAX_ROWS,
                )
            )
    return results


def summarize(results: Sequence[DiagnosticResult]) -> str:
    """A compact text of the results for the timeline (first row of each step)."""
    if not results:
        return "ran a runbook with no diagnostic steps"
    first = results[0]
    parts = [f"ran runbook {first.runbook} on {first.asset}:"]
    for number, result in enumerate(results, start=1):
        if result.error is not None:
            outcome = f"error: {result.error.splitlines()[0]}"
        elif not result.rows:
            outcome = "no rows"
        else:
            more = "+" if result.truncated else ""
            head = ", ".join(
                f"{c}={_jsonable(v)}" for c, v in zip(result.columns, result.rows[0], strict=False)
            )
            outcome = f"{len(result.rows)}{more} row(s); first: {head}"
        parts.append(f"{number}. {result.title}: {outcome}")
    return "\n".join(parts)


def record_diagnostics(
    store: Store, incident_number: int, actor: str, results: Sequence[DiagnosticResult]
) -> None:
    """Append the results to the incident's timeline (kind ``runbook``)."""
    from trustwell.clock import now
    from trustwell.incidents.records import add_timeline, get_row

    data = {
        "runbook": results[0].runbook if results else None,
        "asset": results[0].asset if results else None,
        "steps": [r.to_json() for r in results],
    }
    at = now()

    def work(conn: sa.Connection) -> None:
        get_row(conn, incident_number)  # IncidentNotFound
        add_timeline(
            conn,
            incident_number,
            at=at,
            actor=actor,
            kind="runbook",
            text=summarize(results),
            data=data,
        )

    store.write(work)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
