"""Declared checks: what a project file says, as typed, validated models.

One model per check type. Each carries the parameters of its **fail** level;
an optional ``warn`` mapping with the same threshold keys defines a level that
only warns. Models forbid unknown keys so that a misspelt key is reported with
the nearest valid name. Nothing here touches a database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from trustwell.durations import parse_duration


def refuse_bool(kind: str, message: str, **context: Any) -> BeforeValidator:
    """Refuse ``true``/``false`` where a number is meant (Pydantic would read ``true`` as 1).

    ``kind`` and ``message`` are those of the type error Pydantic gives for other
    wrong values, so the problem reads the same: ``min must be a number, got true``.
    """

    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise PydanticCustomError(kind, message, context or None)
        return value

    return BeforeValidator(check)


def _named(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank_name", "Input should be a non-empty name")
    return value


def rule(message: str, *key: str) -> PydanticCustomError:
    """A rule across keys of one mapping, reported on the line of ``key`` (e.g. ``warn``, ``max``).

    ``config.documents`` reads the key from the error's context.
    """
    return PydanticCustomError("trustwell_rule", message, {"key": key})


# Numbers as project files write them: ints, floats and numeric strings, never a
# boolean, never NaN or infinity (every comparison with NaN is false, so a check
# with a NaN bound could never fail on that side).
Int = Annotated[int, refuse_bool("int_type", "Input should be a valid integer")]
Float = Annotated[
    float, refuse_bool("float_type", "Input should be a valid number"), Field(allow_inf_nan=False)
]
Name = Annotated[str, AfterValidator(_named)]  # a column: not empty, not only spaces

Scalar = str | int | float | bool | date | datetime
# range bounds may be dates or strings too
Number = Annotated[
    int | Float | date | datetime | str,
    refuse_bool(
        "range_bound_type", "Input should be a number, a date, a date and time or a string"
    ),
]

STATS = ("mean", "min", "max", "sum", "stddev", "median", "distinct_count", "null_fraction")
SCHEMA_TYPES = ("integer", "float", "decimal", "string", "boolean", "date", "timestamp")
ROW_LEVEL = frozenset(
    {"not_null", "unique", "accepted_values", "range", "regex", "length", "references"}
)
LATER_TYPES = ("anomaly", "drift", "fairness")  # declared by SPEC, built in later work


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Allowance(_Strict):
    """How many failing rows a row-level check tolerates."""

    max_failing: Int | None = Field(default=None, ge=0)
    max_failing_fraction: Float | None = Field(default=None, ge=0, le=1)


class Bounds(_Strict):
    """An inclusive [min, max] interval on a metric; either side may be open."""

    min: Float | None = None
    max: Float | None = None


class MaxAge(_Strict):
    max_age: str

    @field_validator("max_age")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def bounds_problem(low: Any, high: Any, prefix: str = "") -> PydanticCustomError | None:
    """``min`` above ``max``: no value could pass (or, in ``warn:``, every value would warn)."""
    if low is not None and high is not None and _comparable(low, high) and low > high:
        return rule(
            f"{prefix}min {_show(low)} is greater than {prefix}max {_show(high)}",
            *prefix.split(".")[:-1],
            "max",
        )
    return None


def _comparable(low: Any, high: Any) -> bool:
    """Both numbers, both dates or both timestamps of one kind (strings: the database decides)."""
    numbers = (int, float)
    if isinstance(low, numbers) and isinstance(high, numbers):
        return True
    if isinstance(low, datetime) and isinstance(high, datetime):
        return (low.tzinfo is None) == (high.tzinfo is None)
    return type(low) is date and type(high) is date


_NEVER_WARNS = "a warn level must be stricter than the fail level, or it never warns"


def warn_bounds_problem(
    low: float | None, high: float | None, warn: Bounds | None
) -> PydanticCustomError | None:
    """``warn:`` of a bounded check: its own min <= max, and inside the fail bounds."""
    if warn is None:
        return None
    found = bounds_problem(warn.min, warn.max, "warn.")
    if found is None and low is not None and warn.min is not None and warn.min < low:
        found = rule(
            f"warn.min {_show(warn.min)} is below min {_show(low)}: {_NEVER_WARNS}", "warn", "min"
        )
    if found is None and high is not None and warn.max is not None and warn.max > high:
        found = rule(
            f"warn.max {_show(warn.max)} is above max {_show(high)}: {_NEVER_WARNS}", "warn", "max"
        )
    return found


def warn_allowance_problem(fail: Allowance, warn: Allowance | None) -> PydanticCustomError | None:
    """``warn:`` of a row-level check must allow fewer failing rows than the fail level."""
    if warn is None:
        return None
    if fail.max_failing_fraction is not None:
        if warn.max_failing_fraction is not None and (
            warn.max_failing_fraction > fail.max_failing_fraction
        ):
            return rule(
                f"warn.max_failing_fraction {_show(warn.max_failing_fraction)} is above"
                f" max_failing_fraction {_show(fail.max_failing_fraction)}: {_NEVER_WARNS}",
                "warn",
                "max_failing_fraction",
            )
        return None  # rows against a fraction: which is stricter depends on the data
    allowed = fail.max_failing or 0
    default = "" if fail.max_failing is not None else " (the default)"
    if warn.max_failing is not None and warn.max_failing > allowed:
        return rule(
            f"warn.max_failing {warn.max_failing} is above max_failing {allowed}{default}:"
            f" {_NEVER_WARNS}",
            "warn",
            "max_failing",
        )
    if allowed == 0 and warn.max_failing_fraction:
        return rule(
            f"warn.max_failing_fraction {_show(warn.max_failing_fraction)} allows failing rows,"
            f" but max_failing is 0{default}: {_NEVER_WARNS}",
            "warn",
            "max_failing_fraction",
        )
    return None


class CheckBase(_Strict):
    """Keys every check takes."""

    type: str
    name: str | None = None
    where: str | None = None
    description: str | None = None
    samples: Int = Field(default=5, ge=0, le=1000)
    tags: list[str] = Field(default_factory=list)

    row_level: ClassVar[bool] = False

    def columns_label(self) -> str:
        """The part after ``TYPE:`` in the default name."""
        return ""

    @property
    def display_name(self) -> str:
        """``name`` if given, else ``TYPE:COLUMNS`` (or just ``TYPE``)."""
        if self.name:
            return self.name
        label = self.columns_label()
        return f"{self.type}:{label}" if label else self.type

    def threshold(self) -> dict[str, Any]:
        """The fail-level parameters, as shown in results."""
        return {}


class _RowLevel(CheckBase):
    """A check that counts failing rows against an allowance."""

    max_failing: Int | None = Field(default=None, ge=0)
    max_failing_fraction: Float | None = Field(default=None, ge=0, le=1)
    warn: Allowance | None = None

    row_level: ClassVar[bool] = True

    @model_validator(mode="after")
    def _one_allowance(self) -> _RowLevel:
        if self.max_failing is not None and self.max_failing_fraction is not None:
            raise ValueError("give max_failing or max_failing_fraction, not both")
        if isinstance(self.warn, Allowance):  # a sql query check's warn is Bounds
            found = warn_allowance_problem(self.allowance, self.warn)
            if found is not None:
                raise found
        return self

    @property
    def allowance(self) -> Allowance:
        return Allowance(
            max_failing=self.max_failing, max_failing_fraction=self.max_failing_fraction
        )

    def threshold(self) -> dict[str, Any]:
        if self.max_failing_fraction is not None:
            return {"max_failing_fraction": self.max_failing_fraction}
        return {"max_failing": self.max_failing or 0}


class _OneColumn(_RowLevel):
    column: Name

    def columns_label(self) -> str:
        return self.column


class _ColumnOrColumns(_RowLevel):
    column: Name | None = None
    columns: list[Name] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> _ColumnOrColumns:
        if (self.column is None) == (self.columns is None):
            raise ValueError("give either column or columns")
        if self.columns is not None and not self.columns:
            raise ValueError("columns must name at least one column")
        return self

    @property
    def column_list(self) -> list[str]:
        return [self.column] if self.column is not None else list(self.columns or [])

    def columns_label(self) -> str:
        return ",".join(self.column_list)


class _Bounded(CheckBase):
    min: Float | None = None
    max: Float | None = None
    warn: Bounds | None = None

    @model_validator(mode="after")
    def _ordered(self) -> _Bounded:
        found = bounds_problem(self.min, self.max) or warn_bounds_problem(
            self.min, self.max, self.warn
        )
        if found is not None:
            raise found
        return self

    def threshold(self) -> dict[str, Any]:
        return {k: v for k, v in (("min", self.min), ("max", self.max)) if v is not None}


class RowCount(_Bounded):
    type: Literal["row_count"]


class Freshness(CheckBase):
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
                f"warn.max_age {warn.max_age} is longer than max_age {self.max_age}:"
                f" {_NEVER_WARNS}",
                "warn",
                "max_age",
            )
        return self

    @property
    def max_age_delta(self) -> timedelta:
        return parse_duration(self.max_age)

    def columns_label(self) -> str:
        return self.column

    def threshold(self) -> dict[str, Any]:
        return {"max_age": self.max_age}


class NotNull(_ColumnOrColumns):
    type: Literal["not_null"]


class Unique(_ColumnOrColumns):
    type: Literal["unique"]


class AcceptedValues(_OneColumn):
    type: Literal["accepted_values"]
    values: list[Scalar] = Field(min_length=1)


class Range(_OneColumn):
    type: Literal["range"]
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> Range:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        found = bounds_problem(self.min, self.max)
        if found is not None:
            raise found
        return self


class Regex(_OneColumn):
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


class Length(_OneColumn):
    type: Literal["length"]
    min: Int | None = Field(default=None, ge=0)
    max: Int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _some_bound(self) -> Length:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        found = bounds_problem(self.min, self.max)
        if found is not None:
            raise found
        return self


class Stat(_Bounded):
    type: Literal["stat"]
    column: Name
    stat: Literal[
        "mean", "min", "max", "sum", "stddev", "median", "distinct_count", "null_fraction"
    ]

    def columns_label(self) -> str:
        return f"{self.stat}({self.column})"


class Schema(CheckBase):
    type: Literal["schema"]
    columns: dict[
        str, Literal["integer", "float", "decimal", "string", "boolean", "date", "timestamp"]
    ]
    allow_extra: bool = True

    @model_validator(mode="after")
    def _no_where(self) -> Schema:
        if self.where is not None:
            raise ValueError("where does not apply to a schema check: it describes the columns")
        if any(not name.strip() for name in self.columns):
            raise rule("a column name under columns: is empty", "columns")
        return self

    def threshold(self) -> dict[str, Any]:
        return {"allow_extra": self.allow_extra}


class References(_OneColumn):
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


class Sql(_RowLevel):
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


Check = Annotated[
    RowCount
    | Freshness
    | NotNull
    | Unique
    | AcceptedValues
    | Range
    | Regex
    | Length
    | Stat
    | Schema
    | References
    | Sql,
    Field(discriminator="type"),
]

CHECK_MODELS: dict[str, type[CheckBase]] = {
    "row_count": RowCount,
    "freshness": Freshness,
    "not_null": NotNull,
    "unique": Unique,
    "accepted_values": AcceptedValues,
    "range": Range,
    "regex": Regex,
    "length": Length,
    "stat": Stat,
    "schema": Schema,
    "references": References,
    "sql": Sql,
}
CHECK_TYPES = tuple(CHECK_MODELS)
