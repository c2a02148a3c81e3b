"""``sql``: a check written as a query of its own (one number, or the failing rows)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator
from sqlglot import exp

from trustwell.checks.metrics import Metric, OwnQuery
from trustwell.checks.params import (
    Allowance,
    Bounds,
    Float,
    RowLevel,
    bounds_problem,
    warn_bounds_problem,
    warn_limits,
)
from trustwell.checks.types.base import RowLevelType, Scope, Unit, row_level_spec
from trustwell.readonly_sql import read_only_query


class Sql(RowLevel):
    """A `query` returning one number within `min`/`max`, or `failing_rows` within the allowance."""

    type: Literal["sql"]
    query: str | None = None
    failing_rows: str | None = None
    min: Float | None = None
    max: Float | None = None
    warn: Bounds | Allowance | None = None  # type: ignore[assignment]  # Bounds for query

    @model_validator(mode="after")
    def _one_form(self) -> Sql:
        if self.where is not None:
            raise ValueError("where does not apply to a sql check: filter inside its query")
        if (self.query is None) == (self.failing_rows is None):
            raise ValueError("give either query (one number, with min/max) or failing_rows")
        if self.query is not None:
            if self.max_failing is not None or self.max_failing_fraction is not None:
                raise ValueError("max_failing applies to failing_rows, not query: use min/max")
            if self.min is None and self.max is None:
                raise ValueError("a query check needs min, max or both")
            if isinstance(self.warn, Allowance):
                raise ValueError("warn of a query check takes min/max")
            warn = self.warn if isinstance(self.warn, Bounds) else None
            found = bounds_problem(self.min, self.max) or warn_bounds_problem(
                self.min, self.max, warn
            )
            if found is not None:
                raise found
        else:
            if self.min is not None or self.max is not None:
                raise ValueError("min/max apply to query, not failing_rows: use max_failing")
            if self.max_failing_fraction is not None:
                raise ValueError("a failing_rows query has no row scope: use max_failing")
            if isinstance(self.warn, Bounds):
                raise ValueError("warn of a failing_rows check takes max_failing(_fraction)")
        return self

    @property
    def counts_rows(self) -> bool:
        return self.failing_rows is not None

    def threshold(self) -> dict[str, Any]:
        if self.query is not None:
            return {k: v for k, v in (("min", self.min), ("max", self.max)) if v is not None}
        return super().threshold()


def sql_check_query(check: Sql, dialect: str, *, samples: int = 0) -> exp.Query:
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


class SqlType(RowLevelType[Sql]):
    name = "sql"
    model = Sql
    what = "returned by the failing_rows query"
    metric = "the number `query` returns, or the count of rows `failing_rows` returns"
    nulls = "as the query says; a `query` returning NULL is `error`"
    empty = (
        "evaluated as written (trustwell cannot know which rows the query reads):"
        " `failing_rows` returning no row passes"
    )

    def unit(self, check: Sql) -> Unit:
        return "rows" if check.counts_rows else "number"

    def reads_relation(self, check: Sql) -> bool:
        return False

    def predicate(self, check: Sql) -> exp.Expr:
        raise TypeError("a sql check's failing rows are those its query returns")

    def judge_spec(self, check: Sql) -> dict[str, Any] | None:
        if check.counts_rows:
            # A failing_rows query has no scope of its own: it takes max_failing only.
            spec = row_level_spec("own_failing", self.what, check)
            return spec | {"metric": "rows", "scoped": False}
        warn = check.warn if isinstance(check.warn, Bounds) else None
        warn_min, warn_max = warn_limits(warn)
        return {
            "shape": "own_value",
            "label": "query result",
            "min": check.min,
            "max": check.max,
            "warn_min": warn_min,
            "warn_max": warn_max,
        }

    def metrics(self, check: Sql, scope: Scope) -> dict[str, Metric]:
        return {"rows": OwnQuery(sql_check_query(check, scope.dialect))}

    def samples(self, check: Sql, scope: Scope, limit: int) -> exp.Query | None:
        if not check.counts_rows:
            return None
        return sql_check_query(check, scope.dialect, samples=limit)
