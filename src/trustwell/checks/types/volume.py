"""``row_count`` and ``freshness``: is there data, and is it recent?

The two types that do not pass on an empty table (SPEC section 1).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import field_validator, model_validator
from sqlglot import exp

from trustwell.checks.metrics import SCOPE, Aggregate, Metric, col, count_where, only_where
from trustwell.checks.params import NEVER_WARNS, Bounded, CheckBase, MaxAge, Name, rule
from trustwell.checks.types.base import CheckType, Scope, Unit, bounds_spec
from trustwell.durations import parse_duration


class RowCount(Bounded):
    """The number of rows (in scope) lies between `min` and `max`."""

    type: Literal["row_count"]


class RowCountType(CheckType[RowCount]):
    name = "row_count"
    model = RowCount
    metric = "rows in scope"
    nulls = "every row counts, NULLs included"
    empty = "value 0, compared with `min`/`max` as always (`min: 1` fails)"

    def metrics(self, check: RowCount, scope: Scope) -> dict[str, Metric]:
        return {"rows": Aggregate(count_where(scope.where))}

    def judge_spec(self, check: RowCount) -> dict[str, Any] | None:
        return {"shape": "row_count", "label": "row count", **bounds_spec(check)}


class Freshness(CheckBase):
    """The newest value of a date or timestamp `column` is at most `max_age` old."""

    type: Literal["freshness"]
    column: Name
    max_age: str
    warn: MaxAge | None = None

    @field_validator("max_age")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @model_validator(mode="after")
    def _warns_first(self) -> Freshness:
        warn = self.warn
        if warn is not None and parse_duration(warn.max_age) > parse_duration(self.max_age):
            raise rule(
                f"warn.max_age {warn.max_age} is longer than max_age {self.max_age}: {NEVER_WARNS}",
                "warn",
                "max_age",
            )
        return self

    @property
    def max_age_delta(self) -> timedelta:
        return parse_duration(self.max_age)

    def columns_label(self) -> str:
        return self.column

    @property
    def column_list(self) -> list[str]:
        return [self.column]

    def threshold(self) -> dict[str, Any]:
        return {"max_age": self.max_age}


class FreshnessType(CheckType[Freshness]):
    name = "freshness"
    model = Freshness
    metric = "seconds since `MAX(column)`; details: `latest`, that moment in UTC"
    nulls = "NULLs are ignored; no non-null value fails"
    empty = "fails with value null: `no rows with a <column> value`"

    def unit(self, check: Freshness) -> Unit:
        return "duration"  # in seconds

    def metrics(self, check: Freshness, scope: Scope) -> dict[str, Metric]:
        return {
            "latest": Aggregate(exp.Max(this=only_where(col(check.column), scope.where))),
            SCOPE: Aggregate(count_where(scope.where)),
        }

    def judge_spec(self, check: Freshness) -> dict[str, Any] | None:
        warn = check.warn
        return {
            "shape": "freshness",
            "column": check.column,
            "max_age": check.max_age,
            "max_age_seconds": check.max_age_delta.total_seconds(),
            "warn_max_age": None if warn is None else warn.max_age,
            "warn_max_age_seconds": (
                None if warn is None else parse_duration(warn.max_age).total_seconds()
            ),
        }
