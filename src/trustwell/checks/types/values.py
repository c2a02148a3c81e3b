"""``accepted_values``, ``range``, ``regex`` and ``length``: validity of one column's values.

Each is a failing-row predicate over the non-null values of one column.
``accepted_values`` also reports which values were not accepted: a grouped
metric asked for only when some row fails, so a healthy run costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from sqlglot import exp

from trustwell.checks.masking import shown_value
from trustwell.checks.metrics import (
    Group,
    Grouped,
    Metric,
    and_all,
    as_text,
    col,
    literal,
    not_null,
    outside,
)
from trustwell.checks.outcome import Outcome
from trustwell.checks.params import Int, Number, OneColumn, Scalar, require_bounds
from trustwell.checks.types.base import RowLevelType, Scope

#: Offending values listed in the details of ``accepted_values``, most frequent first.
TOP_VALUES = 10


class AcceptedValues(OneColumn):
    """Every non-null value of `column` is one of `values`, beyond the allowance."""

    type: Literal["accepted_values"]
    values: list[Scalar] = Field(min_length=1)


class AcceptedValuesType(RowLevelType[AcceptedValues]):
    name = "accepted_values"
    model = AcceptedValues
    what = "with {cols} not in the accepted values"
    metric = (
        "non-null rows whose value is not listed; details: `unexpected_values`, the"
        f" {TOP_VALUES} most frequent with their `rows` (and `more_values` if there are more)"
    )
    nulls = "NULL is never failing (add `not_null` to forbid it)"
    warn_details = True  # a warning lists the unexpected values too

    def predicate(self, check: AcceptedValues) -> exp.Expr:
        listed = exp.In(this=col(check.column), expressions=[literal(v) for v in check.values])
        return exp.and_(not_null(check.column), exp.Not(this=listed))

    def detail_metrics(
        self, check: AcceptedValues, scope: Scope, outcome: Outcome
    ) -> dict[str, Metric]:
        if outcome.status == "pass" or not outcome.value or check.column.lower() in scope.pii:
            return {}  # a healthy check costs no statement; personal data is never listed
        offending = and_all(scope.where, self.predicate(check))
        # One more than shown: whether there are more is known without a count.
        count = exp.Count(this=exp.Star())
        counts = Grouped((col(check.column),), count, offending, TOP_VALUES + 1)
        return {"unexpected": counts}

    def details(
        self, check: AcceptedValues, outcome: Outcome, values: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        groups: list[Group] = values.get("unexpected") or []
        if not groups:
            return outcome.details
        listed = [{"value": shown_value(g.keys[0]), "rows": int(g.value)} for g in groups]
        found: dict[str, Any] = {"unexpected_values": listed[:TOP_VALUES]}
        if len(listed) > TOP_VALUES:
            found["more_values"] = True
        return found


class Range(OneColumn):
    """Every non-null value of `column` lies in [`min`, `max`] (numbers, dates or timestamps)."""

    type: Literal["range"]
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> Range:
        require_bounds(self.min, self.max)
        return self


class RangeType(RowLevelType[Range]):
    name = "range"
    model = Range
    what = "with {cols} out of range"
    metric = "non-null rows outside [min, max] (inclusive)"
    nulls = "NULL is never failing"

    def predicate(self, check: Range) -> exp.Expr:
        return exp.and_(not_null(check.column), outside(col(check.column), check.min, check.max))


class Regex(OneColumn):
    """Every non-null value of `column`, read as text, contains a match of `pattern`."""

    type: Literal["regex"]
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern {value!r} does not compile: {exc}") from exc
        return value


class RegexType(RowLevelType[Regex]):
    name = "regex"
    model = Regex
    what = "with {cols} not matching the pattern"
    metric = "non-null rows not matching (a search, as Python's `re.search`)"
    nulls = "NULL is never failing"

    def predicate(self, check: Regex) -> exp.Expr:
        pattern = exp.Literal.string(check.pattern)
        matches = exp.RegexpLike(this=as_text(check.column), expression=pattern)
        return exp.and_(not_null(check.column), exp.Not(this=matches))


class Length(OneColumn):
    """The text length of every non-null value of `column` lies within [`min`, `max`]."""

    type: Literal["length"]
    min: Int | None = Field(default=None, ge=0)
    max: Int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _some_bound(self) -> Length:
        require_bounds(self.min, self.max)
        return self


class LengthType(RowLevelType[Length]):
    name = "length"
    model = Length
    what = "with {cols} of the wrong length"
    metric = "non-null rows whose length (as text) is outside [min, max]"
    nulls = "NULL is never failing"

    def predicate(self, check: Length) -> exp.Expr:
        length = exp.Length(this=as_text(check.column))
        return exp.and_(not_null(check.column), outside(length, check.min, check.max))
