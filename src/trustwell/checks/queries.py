"""The small extra queries: failed-row samples, ``references``, ``sql`` checks,
and the ``schema`` comparison. Pure: builds expressions and compares lists.
"""

from __future__ import annotations

import base64
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlglot import exp

from trustwell.checks import spec as s
from trustwell.checks.metrics import and_all, col, failing_predicate, not_null
from trustwell.engines.base import Column
from trustwell.readonly_sql import read_only_query
from trustwell.redact import MASK, scrub


def samples_query(
    check: s.CheckBase, where: exp.Expr | None, relation: exp.Expr, limit: int
) -> exp.Select | None:
    """Rows that make a row-level check fail (for ``unique``: the duplicated keys)."""
    if isinstance(check, s.Unique):
        keys = [col(c) for c in check.column_list]
        count = exp.Count(this=exp.Star())
        return (
            exp.select(*keys, exp.alias_(count, "duplicate_rows", quoted=True))
            .from_(relation.copy())
            .where(and_all(where, not_null(*check.column_list)))
            .group_by(*[k.copy() for k in keys])
            .having(exp.GT(this=count.copy(), expression=exp.Literal.number(1)))
            .order_by(exp.Ordered(this=count.copy(), desc=True))
            .limit(limit)
        )
    predicate = failing_predicate(check)
    if predicate is None:
        return None
    return exp.select("*").from_(relation.copy()).where(and_all(where, predicate)).limit(limit)


def references_query(
    check: s.References,
    where: exp.Expr | None,
    relation: exp.Expr,
    target: exp.Expr,
    *,
    samples: int = 0,
) -> exp.Select:
    """Count (or, with ``samples``, list) rows whose value has no match in the target."""
    _, target_column = check.target
    source = exp.column(check.column, table="_src", quoted=True)
    matched = exp.column(target_column, table="_ref", quoted=True)
    lookup = (
        exp.select(exp.Literal.number(1))
        .from_(_aliased(target, "_ref"))
        .where(exp.EQ(this=matched, expression=source.copy()))
    )
    orphan = exp.and_(
        exp.Not(this=exp.Is(this=source.copy(), expression=exp.null())),
        exp.Not(this=exp.Exists(this=lookup)),
    )
    condition = and_all(_qualify(where, "_src"), orphan)
    source_rows = _aliased(relation, "_src")
    if samples:
        star = exp.Column(this=exp.Star(), table=exp.to_identifier("_src"))
        return exp.select(star).from_(source_rows).where(condition).limit(samples)
    assert condition is not None
    failing = exp.Count(this=exp.Case().when(condition, exp.Literal.number(1)))
    return exp.select(failing.as_("failing"), _scope(where, "_src").as_("scope")).from_(source_rows)


def _scope(where: exp.Expr | None, table: str) -> exp.Expr:
    qualified = _qualify(where, table)
    if qualified is None:
        return exp.Count(this=exp.Star())
    return exp.Count(this=exp.Case().when(qualified, exp.Literal.number(1)))


def _qualify(where: exp.Expr | None, table: str) -> exp.Expr | None:
    """Qualify the unqualified columns of a filter with a table alias."""
    if where is None:
        return None

    def add_table(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and not node.table:
            return exp.column(node.this.copy(), table=exp.to_identifier(table))
        return node

    return where.copy().transform(add_table)


def _aliased(relation: exp.Expr, alias: str) -> exp.Expr:
    relation = relation.copy()
    if isinstance(relation, exp.Subquery):
        return exp.Subquery(this=relation.this, alias=exp.TableAlias(this=exp.to_identifier(alias)))
    return relation.as_(alias)


def sql_check_query(check: s.Sql, dialect: str, *, samples: int = 0) -> exp.Query:
    """The user's query, or the count (or first rows) of the failing_rows query.

    Raises :class:`~trustwell.readonly_sql.UnsafeSql` unless the user's SQL is
    one read-only query (the Python API never goes through the loader).
    """
    key = "query" if check.query is not None else "failing_rows"
    text = check.query if check.query is not None else check.failing_rows
    assert text is not None
    parsed = read_only_query(text, dialect, what=key)
    if check.query is not None:
        return parsed
    inner = parsed.subquery("_failing")
    if samples:
        return exp.select("*").from_(inner).limit(samples)
    return exp.select(exp.Count(this=exp.Star()).as_("failing")).from_(inner)


def compare_schema(check: s.Schema, actual: list[Column]) -> tuple[int, list[str]]:
    """Count missing, mistyped and (if not allowed) extra columns, with reasons."""
    found = {c.name.lower(): c for c in actual}
    problems: list[str] = []
    for name, expected in check.columns.items():
        column = found.get(name.lower())
        if column is None:
            problems.append(f"missing column {name}")
        elif column.type != expected:
            problems.append(
                f"{name} is {column.native_type} ({column.type or 'other'}), expected {expected}"
            )
    if not check.allow_extra:
        declared = {n.lower() for n in check.columns}
        problems += [
            f"unexpected column {c.name}" for c in actual if c.name.lower() not in declared
        ]
    return len(problems), problems


def jsonable(value: Any) -> Any:
    """A database value as JSON (timestamps as ISO text, decimals as numbers)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def masked_rows(rows: list[dict[str, Any]], pii: list[str]) -> list[dict[str, Any]]:
    """Sample rows as JSON with every ``pii`` column replaced by ``***``.

    Text values are scrubbed as well: a row holding a connection string or a
    token (a config table, a log line) is stored and shown without it.
    """
    hidden = {p.lower() for p in pii}
    return [
        {k: (MASK if k.lower() in hidden and v is not None else _shown(v)) for k, v in r.items()}
        for r in rows
    ]


def _shown(value: Any) -> Any:
    shown = jsonable(value)
    return scrub(shown) if isinstance(shown, str) else shown
