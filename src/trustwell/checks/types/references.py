"""``references``: every value of a column exists in another asset (a foreign key)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator
from sqlglot import exp

from trustwell.checks.metrics import Metric, OwnQuery, and_all
from trustwell.checks.params import OneColumn
from trustwell.checks.types.base import RowLevelType, Scope, row_level_spec


class References(OneColumn):
    """Every non-null value of `column` exists in `to` (`ASSET.column`, split at the last dot)."""

    type: Literal["references"]
    to: str

    @field_validator("to")
    @classmethod
    def _asset_dot_column(cls, value: str) -> str:
        if "." not in value or value.endswith(".") or value.startswith("."):
            raise ValueError(f"to: {value!r} must be ASSET.column")
        return value

    @property
    def target(self) -> tuple[str, str]:
        """(asset, column): split at the last dot."""
        asset, _, column = self.to.rpartition(".")
        return asset, column


def references_query(
    check: References,
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


class ReferencesType(RowLevelType[References]):
    name = "references"
    model = References
    what = "with {cols} not found in the referenced asset"
    metric = "non-null rows with no match in the referenced asset (one `NOT EXISTS` query)"
    nulls = "NULL is never failing"

    def predicate(self, check: References) -> exp.Expr:
        raise TypeError("a missing reference is found with a query of its own")

    def judge_spec(self, check: References) -> dict[str, Any] | None:
        spec = row_level_spec("own_failing", self.describe(check), check)
        return spec | {"metric": "orphans", "scoped": True}

    def metrics(self, check: References, scope: Scope) -> dict[str, Metric]:
        target = scope.resolve(check.target[0])
        return {"orphans": OwnQuery(references_query(check, scope.where, scope.relation, target))}

    def samples(self, check: References, scope: Scope, limit: int) -> exp.Query | None:
        target = scope.resolve(check.target[0])
        return references_query(check, scope.where, scope.relation, target, samples=limit)
