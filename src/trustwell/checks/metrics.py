"""What a check asks the database for: metrics, as sqlglot expressions.

A check type declares *metrics*, named values computed over the asset's rows.
The planner (:mod:`trustwell.checks.compile`) decides which statement computes
each one:

- :class:`Aggregate`: a scalar aggregate, in the asset's one shared scan;
- :class:`DistinctCount`: distinct key tuples, in the shared scan or in a
  scalar subquery of the same statement, whichever the engine runs faster;
- :class:`Grouped`: a small ``GROUP BY`` result (value counts, a histogram,
  counts per group), one statement per key set and filter, shared by every
  check that needs the same groups;
- :class:`OwnQuery`: a statement of its own whose rows are the value
  (``references``, ``sql``);
- :class:`Described`: the relation's columns, described once per run.

All user values reach SQL as sqlglot literals, all names as quoted
identifiers; ``where`` filters are user SQL parsed by sqlglot in the
warehouse's dialect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

from sqlglot import exp

# Metric keys every row-level check provides (defined with the pure evaluation).
from trustwell.checks.outcome import FAILING as FAILING
from trustwell.checks.outcome import SCOPE as SCOPE


@dataclass(frozen=True)
class Aggregate:
    """An aggregate expression computed in the asset's main scan; its value is a scalar."""

    expression: exp.Expr


@dataclass(frozen=True)
class DistinctCount:
    """Distinct non-null key tuples among rows matching ``condition``; a scalar."""

    keys: tuple[exp.Expr, ...]
    condition: exp.Expr | None


@dataclass(frozen=True)
class Grouped:
    """``value`` per group of ``keys`` over rows matching ``condition``: a list of :class:`Group`.

    ``top`` keeps the groups with the largest values (ties by key), so that
    the result stays small whatever the data.
    """

    keys: tuple[exp.Expr, ...]
    value: exp.Expr
    condition: exp.Expr | None = None
    top: int | None = None


@dataclass(frozen=True)
class OwnQuery:
    """A statement of its own; its value is the list of rows it returns (as mappings)."""

    query: exp.Query


@dataclass(frozen=True)
class Described:
    """The relation's columns (a list of :class:`~trustwell.engines.base.Column`)."""


Metric = Aggregate | DistinctCount | Grouped | OwnQuery | Described
#: The metrics planned into the asset's shared scalar statement.
SCALAR = (Aggregate, DistinctCount)


@dataclass(frozen=True)
class Group:
    """One row of a grouped metric: the key values and the aggregate."""

    keys: tuple[Any, ...]
    value: Any


def col(name: str) -> exp.Column:
    """A quoted column reference: names are never pasted into SQL."""
    return exp.column(name, quoted=True)


def literal(value: object) -> exp.Expr:
    """A SQL literal for a YAML scalar; never string pasting."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, int | float | Decimal):
        return exp.Literal.number(value)
    if isinstance(value, datetime | date):
        return exp.Literal.string(value.isoformat())
    return exp.Literal.string(str(value))


def and_all(*conditions: exp.Expr | None) -> exp.Expr | None:
    """The conjunction of the given conditions (None when there is none)."""
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    return reduce(lambda a, b: exp.and_(a, b, copy=False), (c.copy() for c in present))


def count_where(condition: exp.Expr | None) -> exp.Expr:
    """``COUNT(*)`` or ``COUNT(CASE WHEN cond THEN 1 END)`` (0 on no rows, portable)."""
    if condition is None:
        return exp.Count(this=exp.Star())
    return exp.Count(this=exp.Case().when(condition, exp.Literal.number(1)))


def only_where(value: exp.Expr, condition: exp.Expr | None) -> exp.Expr:
    """The value on rows matching the condition, NULL elsewhere."""
    return value if condition is None else exp.Case().when(condition, value)


def or_all(conditions: list[exp.Expr]) -> exp.Expr:
    """The disjunction of one or more conditions."""
    return exp.or_(*conditions, copy=False)


def not_null(*columns: str) -> exp.Expr:
    """Every named column is non-NULL."""
    conds = [exp.Not(this=exp.Is(this=col(c), expression=exp.null())) for c in columns]
    result = and_all(*conds)
    assert result is not None
    return result


def as_text(column: str) -> exp.Expr:
    """The column cast to text (``regex`` and ``length`` read any column as a string)."""
    return exp.cast(col(column), exp.DataType.Type.TEXT)


def outside(value: exp.Expr, low: object, high: object) -> exp.Expr:
    """``value < low OR value > high`` for the bounds given (at least one)."""
    sides = [
        exp.LT(this=value.copy(), expression=literal(low)) if low is not None else None,
        exp.GT(this=value.copy(), expression=literal(high)) if high is not None else None,
    ]
    return exp.paren(or_all([s for s in sides if s is not None]))
