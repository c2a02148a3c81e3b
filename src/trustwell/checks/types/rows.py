"""``not_null`` and ``unique``: completeness and keys, counted in failing rows."""

from __future__ import annotations

from typing import Any, Literal

from sqlglot import exp

from trustwell.checks.metrics import (
    SCOPE,
    Aggregate,
    DistinctCount,
    Metric,
    and_all,
    col,
    count_where,
    not_null,
    or_all,
)
from trustwell.checks.params import ColumnOrColumns
from trustwell.checks.types.base import RowLevelType, Scope, row_level_spec


class NotNull(ColumnOrColumns):
    """No row (in scope) has NULL in `column`, or in any of `columns`, beyond the allowance."""

    type: Literal["not_null"]


class NotNullType(RowLevelType[NotNull]):
    name = "not_null"
    model = NotNull
    what = "with NULL in {cols}"
    metric = "rows where any listed column is NULL"
    nulls = "a NULL in any listed column makes the row fail"

    def predicate(self, check: NotNull) -> exp.Expr:
        return or_all([exp.Is(this=col(c), expression=exp.null()) for c in check.column_list])


class Unique(ColumnOrColumns):
    """The key `column` (or the composite key `columns`) has no duplicates beyond the allowance."""

    type: Literal["unique"]


class UniqueType(RowLevelType[Unique]):
    name = "unique"
    model = Unique
    what = "duplicating another row's {cols}"
    metric = "rows in scope with a complete key minus the distinct keys among them"
    nulls = "rows with a NULL in any key column are left out (never duplicates)"

    def predicate(self, check: Unique) -> exp.Expr:
        raise TypeError("a duplicate is not a property of one row: unique counts keys")

    def metrics(self, check: Unique, scope: Scope) -> dict[str, Metric]:
        keys = check.column_list
        return {
            SCOPE: Aggregate(count_where(scope.where)),
            "keyed": Aggregate(count_where(and_all(scope.where, not_null(*keys)))),
            "distinct": DistinctCount(tuple(col(k) for k in keys), scope.where),
        }

    def judge_spec(self, check: Unique) -> dict[str, Any] | None:
        # Failing rows are the keyed rows minus the distinct keys among them.
        return row_level_spec("unique", self.describe(check), check)

    def samples(self, check: Unique, scope: Scope, limit: int) -> exp.Query | None:
        """The duplicated keys, most repeated first, with how many rows share each."""
        keys = [col(c) for c in check.column_list]
        count = exp.Count(this=exp.Star())
        return (
            exp.select(*keys, exp.alias_(count, "duplicate_rows", quoted=True))
            .from_(scope.relation.copy())
            .where(and_all(scope.where, not_null(*check.column_list)))
            .group_by(*[k.copy() for k in keys])
            .having(exp.GT(this=count.copy(), expression=exp.Literal.number(1)))
            .order_by(exp.Ordered(this=count.copy(), desc=True))
            .limit(limit)
        )
