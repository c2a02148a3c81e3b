"""From declared checks to as few statements per asset as the engine runs fastest.

Every scalar metric (aggregates and distinct counts) of every check of an
asset goes into a single ``SELECT … FROM <asset>``; identical aggregates are
computed once. Distinct counts are the one place engines differ: DuckDB
parallelises ``COUNT(DISTINCT …)`` inside a shared scan, PostgreSQL does not,
so there each distinct count becomes a scalar subquery of the same statement,
``(SELECT COUNT(DISTINCT k) FROM … WHERE …)`` (one statement, several scans,
the shared one still parallel: measured fastest). Where the engine's
statistics show a dense integer key, its distinct count is a bitmap instead
(DuckDB, in the shared scan) or 64-key buckets (PostgreSQL, in its
subquery): :mod:`trustwell.checks.bitmap_distinct`. Each scalar metric is then
written in the engine's faster idioms (``COUNT(x)``, ``FILTER``, a full regex
match: :mod:`trustwell.checks.idioms`). Grouped metrics (a small
``GROUP BY`` result) cannot share that one-row statement: grouped metrics
with the same keys and filter share one statement of their own. A check's own
query (``references``, ``sql``) is a statement alone. Pure: builds
expressions, runs nothing.

Each planned :class:`Statement` knows which check and metric every output
column serves, so a failing statement can be planned again for a subset of
its checks (:mod:`trustwell.checks.isolation`) and ``--show-sql`` can name the
check behind each column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlglot import exp

from trustwell.checks.bitmap_distinct import bitmap_column, dense_distinct
from trustwell.checks.idioms import Idioms, sharpen
from trustwell.checks.metrics import (
    Aggregate,
    Described,
    DistinctCount,
    Grouped,
    Metric,
    OwnQuery,
    and_all,
    not_null,
)
from trustwell.readonly_sql import read_only_condition, read_only_query

if TYPE_CHECKING:
    from trustwell.config.models import Asset
    from trustwell.engines.base import Engine, KeyRange

RELATION_ALIAS = "_tw"


def table_expression(name: str) -> exp.Table:
    """``schema.table`` (or ``catalog.schema.table``) with every part quoted."""
    parts = [exp.to_identifier(p, quoted=True) for p in name.split(".")]
    if len(parts) > 3:
        raise ValueError(f"table name {name!r} has more than three parts")
    kwargs = dict(zip(("this", "db", "catalog"), reversed(parts), strict=False))
    return exp.Table(**kwargs)


def relation_for(asset: Asset, engine: Engine, root: Path) -> exp.Expr:
    """What the asset's checks read: a table, a subquery or a file scan.

    A ``query:`` is checked to be one read-only query again here (the Python
    API never goes through the loader): :class:`~trustwell.readonly_sql.UnsafeSql`.
    """
    if asset.query is not None:
        parsed = read_only_query(asset.query, engine.dialect, what="query")
        return exp.Subquery(
            this=parsed, alias=exp.TableAlias(this=exp.to_identifier(RELATION_ALIAS))
        )
    if asset.path is not None:
        path = Path(asset.path)
        absolute = path if path.is_absolute() else root / path
        return exp.Table(this=engine.relation_for_files(absolute.as_posix()))
    return table_expression(asset.table_name)


def parse_where(where: str | None, dialect: str) -> exp.Expr | None:
    """A check's ``where`` filter as an expression, refused unless one read-only condition."""
    if where is None or not where.strip():
        return None
    return read_only_condition(where, dialect, what="where")


@dataclass(frozen=True)
class Need:
    """One metric of one check: what the planner places in a statement."""

    check: str  # the check's display name
    metric: str  # the metric's key within the check
    value: Metric


StatementKind = Literal["scalar", "grouped", "own"]


@dataclass
class Statement:
    """One planned statement and what each of its output columns serves.

    ``columns`` maps an output column to the ``(check, metric)`` pairs it
    serves (for an own query, ``q0``… stands for its whole result);
    ``keys`` are the group-key columns of a grouped statement.
    """

    query: exp.Query
    kind: StatementKind
    needs: list[Need]
    columns: dict[str, list[tuple[str, str]]]
    keys: tuple[str, ...] = ()

    @property
    def checks(self) -> list[str]:
        """The checks whose metrics this statement computes, in plan order."""
        return list(dict.fromkeys(n.check for n in self.needs))

    def slots(self) -> dict[str, dict[str, str]]:
        """Check -> metric -> output column: what ``--show-sql`` comments each column with."""
        found: dict[str, dict[str, str]] = {}
        for output, served in self.columns.items():
            for check, metric in served:
                found.setdefault(check, {})[metric] = output
        return found


@dataclass
class AssetPlan:
    """The statements of an asset and where each check's metrics are."""

    statements: list[Statement] = field(default_factory=list)
    #: metrics answered by describing the relation, not by a statement
    described: list[Need] = field(default_factory=list)

    @property
    def query(self) -> exp.Query | None:
        """The shared scalar statement (None when no check needs one)."""
        return next((s.query for s in self.statements if s.kind == "scalar"), None)


def _distinct_in_scan(metric: DistinctCount) -> exp.Expr:
    keys = metric.keys
    key: exp.Expr = (
        keys[0].copy() if len(keys) == 1 else exp.Tuple(expressions=[k.copy() for k in keys])
    )
    condition = and_all(metric.condition, _keys_not_null(keys))
    assert condition is not None
    return exp.Count(this=exp.Distinct(expressions=[exp.Case().when(condition, key)]))


def _distinct_subquery(metric: DistinctCount, relation: exp.Expr, *, counted: bool) -> exp.Expr:
    """A distinct count as a scalar subquery of its own (engines without a parallel one).

    ``counted``: ``(SELECT COUNT(DISTINCT k) FROM rel WHERE …)``, which PostgreSQL
    computes by a sort; else ``SELECT COUNT(*) FROM (SELECT DISTINCT k …)``, a
    hash aggregate (measured 3x slower there at 10M keys: it spills and repartitions).
    Rows with a NULL key are left out by the ``WHERE`` in both (a tuple with a
    NULL in it is not NULL itself); one key with no filter needs none, as
    ``COUNT`` leaves NULLs out by itself.
    """
    keys = metric.keys
    condition = and_all(metric.condition, _keys_not_null(keys))
    if counted:
        key: exp.Expr = (
            keys[0].copy() if len(keys) == 1 else exp.Tuple(expressions=[k.copy() for k in keys])
        )
        if len(keys) == 1 and metric.condition is None:
            condition = None
        query = (
            exp.select(exp.Count(this=exp.Distinct(expressions=[key])))
            .from_(relation.copy())
            .where(condition)
        )
        return exp.Subquery(this=query)
    inner = exp.select(*[k.copy() for k in keys]).distinct().from_(relation.copy()).where(condition)
    query = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery("_keys"))
    return exp.Subquery(this=query)


def _keys_not_null(keys: tuple[exp.Expr, ...]) -> exp.Expr:
    return not_null(*[k.name for k in keys])


@dataclass
class _GroupedBuilder:
    """The statement of grouped metrics sharing keys, filter and (with ``top``) value."""

    metric: Grouped
    values: dict[exp.Expr, str] = field(default_factory=dict)
    serves: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    needs: list[Need] = field(default_factory=list)

    def statement(self, relation: exp.Expr) -> Statement:
        keys = [f"k{i}" for i in range(len(self.metric.keys))]
        pairs = zip(self.metric.keys, keys, strict=True)
        outputs = [exp.alias_(k.copy(), name) for k, name in pairs]
        outputs += [exp.alias_(v.copy(), name) for v, name in self.values.items()]
        query = (
            exp.select(*outputs)
            .from_(relation.copy())
            .where(self.metric.condition.copy() if self.metric.condition else None)
            .group_by(*[k.copy() for k in self.metric.keys])
        )
        by_key = [exp.Ordered(this=exp.column(k)) for k in keys]
        if self.metric.top is not None:
            (first, *_) = self.values.values()  # with top, the value is part of the sharing key
            query = query.order_by(exp.Ordered(this=exp.column(first), desc=True), *by_key).limit(
                self.metric.top
            )
        else:
            query = query.order_by(*by_key)
        return Statement(query, "grouped", self.needs, self.serves, tuple(keys))


def plan_statements(
    needs: Sequence[Need],
    relation: exp.Expr,
    engine: Engine,
    bitmaps: Mapping[str, KeyRange] | None = None,
) -> list[Statement]:
    """The statements computing ``needs`` over ``relation``: scalar, then grouped, then own.

    ``bitmaps``: integer columns whose distinct counts are counted as a bitmap
    over these bounds (:mod:`trustwell.checks.bitmap_distinct`). Output
    columns are ``m0``… (scalar), ``g0``… (grouped values) and ``q0``…
    (the whole result of an own query): unique across the statements of a plan.
    """
    scalars: dict[exp.Expr, str] = {}
    scalar_serves: dict[str, list[tuple[str, str]]] = {}
    scalar_needs: list[Need] = []
    grouped: dict[tuple[object, ...], _GroupedBuilder] = {}
    own: list[Statement] = []
    counters: dict[str, int] = {}
    idioms = Idioms(engine.aggregate_filter, engine.regex_full_match)

    def column(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, -1) + 1
        return f"{prefix}{counters[prefix]}"

    for need in needs:
        metric = need.value
        served = (need.check, need.metric)
        if isinstance(metric, Aggregate | DistinctCount):
            if isinstance(metric, Aggregate):
                expression = metric.expression
            elif bitmaps and (ranged := bitmaps.get(bitmap_column(metric) or "")) is not None:
                expression = dense_distinct(engine.dense_distinct, metric, ranged, relation)
            elif engine.distinct_in_main_scan:
                expression = _distinct_in_scan(metric)
            else:
                expression = _distinct_subquery(
                    metric, relation, counted=engine.count_distinct_subquery
                )
            expression = sharpen(expression, idioms)
            # sqlglot expressions hash and compare by structure: identical ones share a column.
            if expression not in scalars:
                scalars[expression] = column("m")
            scalar_serves.setdefault(scalars[expression], []).append(served)
            scalar_needs.append(need)
        elif isinstance(metric, Grouped):
            # With ``top`` the order is by the value, so only identical metrics share.
            value = metric.value if metric.top is not None else None
            sharing: tuple[object, ...] = (metric.keys, metric.condition, metric.top, value)
            builder = grouped.setdefault(sharing, _GroupedBuilder(metric))
            if metric.value not in builder.values:
                builder.values[metric.value] = column("g")
            builder.serves.setdefault(builder.values[metric.value], []).append(served)
            builder.needs.append(need)
        elif isinstance(metric, OwnQuery):
            own.append(Statement(metric.query.copy(), "own", [need], {column("q"): [served]}))
        elif not isinstance(metric, Described):  # Described: answered by the describe
            raise TypeError(f"unknown metric kind {type(metric).__name__}")
    statements: list[Statement] = []
    if scalars:
        # Each output copied once (the builders' copies of what is already fresh left out).
        outputs = [exp.alias_(e.copy(), alias, copy=False) for e, alias in scalars.items()]
        select = exp.select(*outputs)
        # Only distinct-count subqueries (PostgreSQL): without an aggregate a FROM would
        # give one row per row of the relation, and none on an empty one.
        if not all(isinstance(e, exp.Subquery) for e in scalars):
            select = select.from_(relation.copy(), copy=False)
        statements.append(Statement(select, "scalar", scalar_needs, scalar_serves))
    statements += [b.statement(relation) for b in grouped.values()]
    return statements + own


def plan_asset(
    needs: Sequence[Need],
    relation: exp.Expr,
    engine: Engine,
    bitmaps: Mapping[str, KeyRange] | None = None,
) -> AssetPlan:
    """Plan the statements of one asset for the ``needs`` of all its checks."""
    return AssetPlan(
        statements=plan_statements(needs, relation, engine, bitmaps),
        described=[n for n in needs if isinstance(n.value, Described)],
    )
