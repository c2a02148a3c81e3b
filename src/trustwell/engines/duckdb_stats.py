"""What DuckDB's own statistics say of a table's integer columns, read in milliseconds.

DuckDB keeps, for every column of a stored table, its minimum, its maximum
and an estimate of its distinct values, and hands them to the binder:
``STATS(col)`` returns them without reading the data. The planner uses them
to count the distinct values of a dense integer key as a bitmap
(:func:`trustwell.checks.idioms.bitmap_bounds`), 5 to 20 times faster than
``COUNT(DISTINCT …)``.

Only for base tables: on a view ``… LIMIT 1`` would compute the view (its
joins, its aggregates) to give the one row, so a view, a file scan or a
``query:`` asset gets no statistics and keeps ``COUNT(DISTINCT …)``. Two
statements, both read-only and both metadata: is the name a base table,
then the statistics of the named columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from trustwell.engines.base import KeyRange

if TYPE_CHECKING:
    from sqlglot import exp

Run = Callable[[str], list[tuple[Any, ...]]]  # one query's rows (the engine's, not overlapped)


def key_ranges(run: Run, relation: exp.Expr, columns: Sequence[str]) -> dict[str, KeyRange]:
    """``columns`` of ``relation`` (a base table) with their statistics; the others left out."""
    statements = probes(relation, columns)
    if statements is None:
        return {}
    base_table, stats = statements
    if not run(base_table)[0][0]:
        return {}
    return ranges(columns, run(stats))


def probes(relation: exp.Expr, columns: Sequence[str]) -> tuple[str, str] | None:
    """The two statements of :func:`key_ranges`: is it a base table, then the statistics.

    None when there is nothing to ask (no column, or not a named table). The
    quick run path (:mod:`trustwell.quickrun`) keeps them as text with its plan.
    """
    from sqlglot import exp

    if not columns or not _names_a_table(relation):
        return None
    assert isinstance(relation, exp.Table)
    stats = [exp.Anonymous(this="STATS", expressions=[exp.column(c, quoted=True)]) for c in columns]
    outputs = [exp.alias_(s, f"s{i}") for i, s in enumerate(stats)]
    probe = exp.select(*outputs).from_(relation.copy()).limit(1)
    return _is_base_table(relation).sql(dialect="duckdb"), probe.sql(dialect="duckdb")


def ranges(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, KeyRange]:
    """The statistics probe's row read as each column's range (columns without one left out)."""
    if not rows:  # an empty table: nothing to count
        return {}
    found: dict[str, KeyRange] = {}
    for column, stats in zip(columns, rows[0], strict=True):
        ranged = _range(stats)
        if ranged is not None:
            found[column] = ranged
    return found


def _names_a_table(relation: exp.Expr) -> bool:
    """``[catalog.][schema.]table``, not a file reader or a subquery."""
    from sqlglot import exp

    return isinstance(relation, exp.Table) and isinstance(relation.this, exp.Identifier)


def _is_base_table(table: exp.Table) -> exp.Select:
    """``SELECT COUNT(*) FROM duckdb_tables() WHERE …`` for the name as DuckDB resolves it.

    An unqualified part is the current schema or database, as the binder reads
    it; names match case-insensitively, as DuckDB's identifiers do.
    """
    from sqlglot import exp

    def same(column: str, part: str, current: str) -> exp.Expr:
        given = table.args.get(part)
        wanted: exp.Expr = exp.Literal.string(given.name) if given else exp.Anonymous(this=current)
        return exp.EQ(this=exp.Lower(this=exp.column(column)), expression=exp.Lower(this=wanted))

    condition = exp.and_(
        same("table_name", "this", "current_schema"),  # "this" is always given
        same("schema_name", "db", "current_schema"),
        same("database_name", "catalog", "current_database"),
    )
    tables = exp.Table(this=exp.Anonymous(this="duckdb_tables"))
    return exp.select(exp.Count(this=exp.Star())).from_(tables).where(condition)


def _range(stats: Any) -> KeyRange | None:
    """The bounds and distinct estimate in DuckDB's ``STATS`` struct, if it has integer bounds."""
    if not isinstance(stats, dict):  # older DuckDB returns a text: no statistics then
        return None
    low, high, distinct = stats.get("min"), stats.get("max"), stats.get("approx_unique")
    if not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool):
        return None
    return KeyRange(low, high, distinct if isinstance(distinct, int) else None)
