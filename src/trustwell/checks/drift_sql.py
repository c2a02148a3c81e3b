"""The queries of the ``drift`` check: aggregates of both sides, never their rows. Pure.

Both sides (the current rows and the reference rows, of this asset or of
another) are one ``UNION ALL`` of ``(side, value)`` pairs, so each question
is one statement:

- :func:`profile_query`: per side, the non-null rows, distinct values,
  minimum and maximum (no ``ROLLUP`` for both sides together: with a
  distinct count DuckDB keeps every value of every grouping set, measured
  394 MB against 140 MB on 10M rows, and the plan needs only the sides);
- :func:`values_query`: rows per value, a count for each side (value
  counts: categories, and the exact CDFs of ``ks`` and ``wasserstein``);
- :func:`bins_query`: rows per side and histogram bin, the bin edges given
  as literals (``psi`` and ``jensen_shannon`` on a numeric column);
- :func:`tiles_query`: rows, min and max per side and ``NTILE`` tile in
  value order, the quantile sketch of ``ks`` and ``wasserstein`` above the
  distinct-value limit (:mod:`trustwell.checks.drift_sketch`).

A numeric value is read as a double (Evidently reads columns as float64)
and counted only when finite: NULL, NaN and infinities are left out, as
Evidently drops them. Every name is a quoted identifier and every literal a
sqlglot literal; filters are parsed, read-only conditions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from trustwell.checks.metrics import and_all, col

SIDE, VALUE = "_side", "_v"
CURRENT, REFERENCE = "current", "reference"


@dataclass(frozen=True)
class Side:
    """One side of a comparison: the rows of ``relation`` matching ``where``."""

    name: str  # CURRENT or REFERENCE
    relation: exp.Expr
    where: exp.Expr | None


def double(value: float | str) -> exp.Expr:
    """A double literal, written as text and cast (exact: the shortest repr round-trips)."""
    text = value if isinstance(value, str) else repr(float(value))
    return exp.cast(exp.Literal.string(text), exp.DataType.Type.DOUBLE)


def _value(column: str, numeric: bool) -> tuple[exp.Expr, exp.Expr]:
    """The value a side contributes and the condition of a row that counts."""
    if not numeric:
        value: exp.Expr = col(column)
        return value, exp.Not(this=exp.Is(this=col(column), expression=exp.null()))
    value = exp.cast(col(column), exp.DataType.Type.DOUBLE)
    # NULL, NaN (above every number in DuckDB and PostgreSQL) and both infinities fail this.
    finite = exp.and_(
        exp.GT(this=value.copy(), expression=double("-Infinity")),
        exp.LT(this=value.copy(), expression=double("Infinity")),
    )
    return value, finite


def _pairs(sides: Sequence[Side], column: str, numeric: bool) -> exp.Subquery:
    selects: list[exp.Select] = []
    for side in sides:
        value, counts = _value(column, numeric)
        relation = side.relation.copy()
        selects.append(
            exp.select(exp.Literal.string(side.name).as_(SIDE), value.as_(VALUE))
            .from_(relation)
            .where(and_all(side.where, counts))
        )
    union: exp.Query = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    return exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier("_drift")))


def profile_query(sides: Sequence[Side], column: str, numeric: bool) -> exp.Select:
    """Rows, distinct values, min and max (and the population std) per side."""
    value = exp.column(VALUE)
    outputs: list[exp.Expr] = [
        exp.column(SIDE).as_(SIDE),
        exp.Count(this=value.copy()).as_("rows"),
        exp.Count(this=exp.Distinct(expressions=[value.copy()])).as_("distinct"),
    ]
    if numeric:
        outputs += [
            exp.Min(this=value.copy()).as_("low"),
            exp.Max(this=value.copy()).as_("high"),
            exp.StddevPop(this=value.copy()).as_("spread"),  # wasserstein's norm, for a sketch
        ]
    return exp.select(*outputs).from_(_pairs(sides, column, numeric)).group_by(exp.column(SIDE))


def rows_of(side: str) -> str:
    """The output column of :func:`values_query` holding ``side``'s rows per value."""
    return f"_{side}_rows"


def values_query(sides: Sequence[Side], column: str, numeric: bool) -> exp.Select:
    """Rows per value, one count column per side (:func:`rows_of`): one row per distinct value.

    Grouped by the value alone rather than by side and value, so a value
    present on both sides is one row with two counts, not two rows that
    each repeat the side's name: on 100,000 distinct values a side, half
    the rows for Python to hold, and a smaller hash table in the database.
    A side's count is 0 where the value occurs only on the other side.
    """
    counts = []
    for side in sides:
        on_side = exp.EQ(this=exp.column(SIDE), expression=exp.Literal.string(side.name))
        one = exp.Case().when(on_side, exp.Literal.number(1))
        counts.append(exp.Count(this=one).as_(rows_of(side.name)))
    return (
        exp.select(exp.column(VALUE), *counts)
        .from_(_pairs(sides, column, numeric))
        .group_by(exp.column(VALUE))
    )


def bin_case(edges: Sequence[float]) -> exp.Expr:
    """The bin of a value as ``np.histogram`` counts it: ``[e_i, e_i+1)``, the last bin closed."""
    case = exp.Case()
    for i, edge in enumerate(edges[1:-1]):
        below = exp.LT(this=exp.column(VALUE), expression=double(edge))
        case = case.when(below, exp.Literal.number(i))
    return case.else_(exp.Literal.number(len(edges) - 2))


def bins_query(sides: Sequence[Side], column: str, edges: Sequence[float]) -> exp.Select:
    """Rows per side and Sturges bin (the edges as double literals)."""
    binned = exp.select(exp.column(SIDE), bin_case(edges).as_("_bin")).from_(
        _pairs(sides, column, True)
    )
    keys = [exp.column(SIDE), exp.column("_bin")]
    return (
        exp.select(*[k.copy() for k in keys], exp.Count(this=exp.Star()).as_("rows"))
        .from_(binned.subquery("_binned"))
        .group_by(*keys)
    )


def tiles_query(sides: Sequence[Side], column: str, tiles: int) -> exp.Select:
    """Per side, ``tiles`` consecutive runs of rows in value order: rows, min and max of each."""
    tile = exp.Window(
        this=exp.func("NTILE", exp.Literal.number(tiles)),
        partition_by=[exp.column(SIDE)],
        order=exp.Order(expressions=[exp.Ordered(this=exp.column(VALUE))]),
    )
    tiled = exp.select(exp.column(SIDE), exp.column(VALUE), tile.as_("_tile")).from_(
        _pairs(sides, column, True)
    )
    value = exp.column(VALUE)
    keys = [exp.column(SIDE), exp.column("_tile")]
    return (
        exp.select(
            *[k.copy() for k in keys],
            exp.Count(this=exp.Star()).as_("rows"),
            exp.Min(this=value.copy()).as_("low"),
            exp.Max(this=value.copy()).as_("high"),
        )
        .from_(tiled.subquery("_tiled"))
        .group_by(*keys)
    )
