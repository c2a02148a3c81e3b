"""The aggregates each check type needs, as sqlglot expressions.

A check declares *metrics*: named aggregates over the asset's rows. The
planner (:mod:`trustwell.checks.compile`) puts every metric of every check of
an asset into one statement, shares identical ones, and decides per engine
where distinct counts go. Row-level checks also give their *failing-row
predicate*, used both to count failing rows and to fetch samples.

All user values reach SQL as sqlglot literals, all names as quoted
identifiers; ``where`` filters are user SQL parsed by sqlglot in the
warehouse's dialect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce

from sqlglot import exp

from trustwell.checks import spec as s

#: Metric keys every row-level check provides.
FAILING, SCOPE = "failing", "scope"


@dataclass(frozen=True)
class Aggregate:
    """An aggregate expression computed in the asset's main scan."""

    expression: exp.Expr


@dataclass(frozen=True)
class DistinctCount:
    """Distinct non-null key tuples among rows matching ``condition``.

    Placed in the main scan (``COUNT(DISTINCT …)``) or in its own scalar
    subquery, whichever the engine runs faster.
    """

    keys: tuple[exp.Expr, ...]
    condition: exp.Expr | None


Metric = Aggregate | DistinctCount


def col(name: str) -> exp.Column:
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
    return exp.or_(*conditions, copy=False)


def not_null(*columns: str) -> exp.Expr:
    conds = [exp.Not(this=exp.Is(this=col(c), expression=exp.null())) for c in columns]
    result = and_all(*conds)
    assert result is not None
    return result


def _as_text(column: str) -> exp.Expr:
    return exp.cast(col(column), exp.DataType.Type.TEXT)


def failing_predicate(check: s.CheckBase) -> exp.Expr | None:
    """The condition a failing row meets (without the check's ``where``)."""
    if isinstance(check, s.NotNull):
        return or_all([exp.Is(this=col(c), expression=exp.null()) for c in check.column_list])
    if isinstance(check, s.AcceptedValues):
        listed = exp.In(this=col(check.column), expressions=[literal(v) for v in check.values])
        return exp.and_(not_null(check.column), exp.Not(this=listed))
    if isinstance(check, s.Range):
        outside = [
            exp.LT(this=col(check.column), expression=literal(check.min))
            if check.min is not None
            else None,
            exp.GT(this=col(check.column), expression=literal(check.max))
            if check.max is not None
            else None,
        ]
        present: list[exp.Expr] = [c for c in outside if c is not None]
        return exp.and_(not_null(check.column), exp.paren(or_all(present)))
    if isinstance(check, s.Regex):
        matches = exp.RegexpLike(
            this=_as_text(check.column), expression=exp.Literal.string(check.pattern)
        )
        return exp.and_(not_null(check.column), exp.Not(this=matches))
    if isinstance(check, s.Length):
        length = exp.Length(this=_as_text(check.column))
        outside = [
            exp.LT(this=length, expression=exp.Literal.number(check.min))
            if check.min is not None
            else None,
            exp.GT(this=length.copy(), expression=exp.Literal.number(check.max))
            if check.max is not None
            else None,
        ]
        bad: list[exp.Expr] = [c for c in outside if c is not None]
        return exp.and_(not_null(check.column), exp.paren(or_all(bad)))
    return None


_STATS: dict[str, type[exp.Func]] = {
    "mean": exp.Avg,
    "min": exp.Min,
    "max": exp.Max,
    "sum": exp.Sum,
    "stddev": exp.StddevSamp,
    "median": exp.Median,
}


def metrics_for(check: s.CheckBase, where: exp.Expr | None) -> dict[str, Metric]:
    """The named metrics a check needs; empty for checks that run their own query."""
    if isinstance(check, s.RowCount):
        return {"rows": Aggregate(count_where(where))}
    if isinstance(check, s.Freshness):
        return {
            "latest": Aggregate(exp.Max(this=only_where(col(check.column), where))),
            SCOPE: Aggregate(count_where(where)),
        }
    if isinstance(check, s.Unique):
        keys = check.column_list
        return {
            SCOPE: Aggregate(count_where(where)),
            "keyed": Aggregate(count_where(and_all(where, not_null(*keys)))),
            "distinct": DistinctCount(tuple(col(k) for k in keys), where),
        }
    predicate = failing_predicate(check)
    if predicate is not None:
        return {
            FAILING: Aggregate(count_where(and_all(where, predicate))),
            SCOPE: Aggregate(count_where(where)),
        }
    if isinstance(check, s.Stat):
        if check.stat == "distinct_count":
            return {"value": DistinctCount((col(check.column),), where)}
        if check.stat == "null_fraction":
            nulls = exp.Is(this=col(check.column), expression=exp.null())
            return {
                "nulls": Aggregate(count_where(and_all(where, nulls))),
                SCOPE: Aggregate(count_where(where)),
            }
        func = _STATS[check.stat]
        return {"value": Aggregate(func(this=only_where(col(check.column), where)))}
    return {}
