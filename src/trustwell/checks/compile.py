"""From declared checks to one query per asset, planned for the engine.

Every aggregate metric of every check of an asset goes into a single
``SELECT … FROM <asset>``; identical aggregates are computed once. Distinct
counts are the one place engines differ: DuckDB parallelises
``COUNT(DISTINCT …)`` inside a shared scan, PostgreSQL does not, so there each
distinct count becomes a scalar subquery of the same statement (one statement,
several scans, measured faster). Pure: builds expressions, runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlglot import exp

from trustwell.checks.metrics import (
    Aggregate,
    DistinctCount,
    Metric,
    and_all,
    metrics_for,
    not_null,
)
from trustwell.checks.spec import CheckBase
from trustwell.readonly_sql import read_only_condition, read_only_query

if TYPE_CHECKING:
    from trustwell.config.models import Asset
    from trustwell.engines.base import Engine

RELATION_ALIAS = "_tw"


@dataclass
class AssetPlan:
    """The one aggregate query of an asset and where each check's metrics are."""

    query: exp.Select | None
    #: check display name -> metric key -> output column of ``query``
    slots: dict[str, dict[str, str]] = field(default_factory=dict)


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


def _distinct_in_scan(metric: DistinctCount) -> exp.Expr:
    keys = metric.keys
    key: exp.Expr = (
        keys[0].copy() if len(keys) == 1 else exp.Tuple(expressions=[k.copy() for k in keys])
    )
    condition = and_all(metric.condition, _keys_not_null(keys))
    assert condition is not None
    return exp.Count(this=exp.Distinct(expressions=[exp.Case().when(condition, key)]))


def _distinct_subquery(metric: DistinctCount, relation: exp.Expr) -> exp.Expr:
    inner = (
        exp.select(*[k.copy() for k in metric.keys])
        .distinct()
        .from_(relation.copy())
        .where(and_all(metric.condition, _keys_not_null(metric.keys)))
    )
    counted = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery("_keys"))
    return exp.Subquery(this=counted)


def _keys_not_null(keys: tuple[exp.Expr, ...]) -> exp.Expr:
    names = [k.name for k in keys]
    return not_null(*names)


def plan_asset(
    checks: list[tuple[CheckBase, exp.Expr | None]],
    relation: exp.Expr,
    engine: Engine,
) -> AssetPlan:
    """Plan the single aggregate statement for ``(check, where)`` pairs."""
    plan = AssetPlan(query=None)
    # sqlglot expressions hash and compare by structure: identical aggregates share a slot.
    columns: dict[exp.Expr, str] = {}

    def slot_for(metric: Metric) -> str:
        if isinstance(metric, Aggregate):
            expression = metric.expression
        elif engine.distinct_in_main_scan:
            expression = _distinct_in_scan(metric)
        else:
            expression = _distinct_subquery(metric, relation)
        if expression not in columns:
            columns[expression] = f"m{len(columns)}"
        return columns[expression]

    for check, where in checks:
        metrics = metrics_for(check, where)
        if metrics:
            plan.slots[check.display_name] = {name: slot_for(m) for name, m in metrics.items()}
    if columns:
        select = exp.select(*[exp.alias_(e.copy(), alias) for e, alias in columns.items()])
        plan.query = select.from_(relation.copy())
    return plan


def aggregate_checks(checks: list[CheckBase]) -> list[CheckBase]:
    """The checks whose metrics come from the shared aggregate query."""
    return [c for c in checks if c.type not in ("schema", "references", "sql")]
