"""The parameters every check type shares, and the validators of their values.

Each built-in type's own model lives with the rest of that type, in
:mod:`trustwell.checks.types`; the models here are what they are made of: the
keys every check takes (:class:`CheckBase`), a row-level allowance, bounds on a
metric, one column or several. Models forbid unknown keys so that a misspelt
key is reported with the nearest valid name. Nothing here touches a database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

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

from trustwell.checks.outcome import Allowed
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

_BOUND = "Input should be a number, a date or a date and time"
_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?"
)


def reads_as_bound(text: str) -> bool:
    """A quoted bound must read as a number, an ISO date or an ISO date and time.

    The database compares it with the column, so anything else (``"zero"``)
    could only fail at run time, or compare as text where a number was meant.

    >>> [reads_as_bound(t) for t in ("12.5", "2026-01-31", "2026-01-31 08:00:00Z", "zero")]
    [True, True, True, False]
    """
    text = text.strip()
    if _NUMBER_TEXT.fullmatch(text):
        return True
    try:
        if _DATE_TEXT.fullmatch(text):
            date.fromisoformat(text)
            return True
        if _TIMESTAMP_TEXT.fullmatch(text):
            datetime.fromisoformat(text)
            return True
    except ValueError:  # 2026-02-30
        return False
    return False


def _bound(value: Any) -> Any:
    # One message for every wrong value, before the union reports each member.
    if isinstance(value, bool) or not isinstance(value, int | float | date | datetime | str):
        raise PydanticCustomError("range_bound_type", _BOUND)
    if isinstance(value, str) and not reads_as_bound(value):
        raise PydanticCustomError("range_bound_type", _BOUND)
    return value


# range bounds may be dates, and numbers or dates written as strings
Number = Annotated[int | Float | date | datetime | str, BeforeValidator(_bound)]


class _Strict(BaseModel):
    # Built on first use: a run validates through a few root models (~0.08 s CPU less).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Allowance(_Strict):
    """How many failing rows a row-level check tolerates."""

    max_failing: Int | None = Field(default=None, ge=0)
    max_failing_fraction: Float | None = Field(default=None, ge=0, le=1)


class Bounds(_Strict):
    """An inclusive [min, max] interval on a metric; either side may be open."""

    min: Float | None = None
    max: Float | None = None


def warn_limits(warn: Bounds | None) -> tuple[float | None, float | None]:
    """A ``warn:`` level's bounds as the plain numbers ``outcome.bounded`` takes (none: open)."""
    return (None, None) if warn is None else (warn.min, warn.max)


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


def require_bounds(low: Any, high: Any) -> None:
    """The validator of a ``min``/``max`` pair: at least one, and ``min`` not above ``max``."""
    if low is None and high is None:
        raise ValueError("give min, max or both")
    found = bounds_problem(low, high)
    if found is not None:
        raise found


def _comparable(low: Any, high: Any) -> bool:
    """Both numbers, both dates or both timestamps of one kind (strings: the database decides)."""
    numbers = (int, float)
    if isinstance(low, numbers) and isinstance(high, numbers):
        return True
    if isinstance(low, datetime) and isinstance(high, datetime):
        return (low.tzinfo is None) == (high.tzinfo is None)
    return type(low) is date and type(high) is date


NEVER_WARNS = "a warn level must be stricter than the fail level, or it never warns"


def warn_bounds_problem(
    low: float | None, high: float | None, warn: Bounds | None
) -> PydanticCustomError | None:
    """``warn:`` of a bounded check: its own min <= max, and inside the fail bounds."""
    if warn is None:
        return None
    found = bounds_problem(warn.min, warn.max, "warn.")
    if found is None and low is not None and warn.min is not None and warn.min < low:
        found = rule(
            f"warn.min {_show(warn.min)} is below min {_show(low)}: {NEVER_WARNS}", "warn", "min"
        )
    if found is None and high is not None and warn.max is not None and warn.max > high:
        found = rule(
            f"warn.max {_show(warn.max)} is above max {_show(high)}: {NEVER_WARNS}", "warn", "max"
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
                f" max_failing_fraction {_show(fail.max_failing_fraction)}: {NEVER_WARNS}",
                "warn",
                "max_failing_fraction",
            )
        return None  # rows against a fraction: which is stricter depends on the data
    allowed = fail.max_failing or 0
    default = "" if fail.max_failing is not None else " (the default)"
    if warn.max_failing is not None and warn.max_failing > allowed:
        return rule(
            f"warn.max_failing {warn.max_failing} is above max_failing {allowed}{default}:"
            f" {NEVER_WARNS}",
            "warn",
            "max_failing",
        )
    if allowed == 0 and warn.max_failing_fraction:
        return rule(
            f"warn.max_failing_fraction {_show(warn.max_failing_fraction)} allows failing rows,"
            f" but max_failing is 0{default}: {NEVER_WARNS}",
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
    def column_list(self) -> list[str]:
        """The relation's columns the check names (each must exist before anything runs)."""
        return []

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


class RowLevel(CheckBase):
    """A check that counts failing rows against an allowance."""

    max_failing: Int | None = Field(default=None, ge=0)
    max_failing_fraction: Float | None = Field(default=None, ge=0, le=1)
    warn: Allowance | None = None

    row_level: ClassVar[bool] = True

    @model_validator(mode="after")
    def _one_allowance(self) -> RowLevel:
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

    def allowances(self) -> tuple[Allowed, Allowed | None]:
        """The fail and warn levels as the plain numbers ``outcome.failing_rows`` takes."""
        warn = self.warn if isinstance(self.warn, Allowance) else None  # sql: Bounds
        fail = Allowed(self.max_failing, self.max_failing_fraction)
        if warn is None:
            return fail, None
        return fail, Allowed(warn.max_failing, warn.max_failing_fraction)

    def threshold(self) -> dict[str, Any]:
        if self.max_failing_fraction is not None:
            return {"max_failing_fraction": self.max_failing_fraction}
        return {"max_failing": self.max_failing or 0}


class OneColumn(RowLevel):
    column: Name

    def columns_label(self) -> str:
        return self.column

    @property
    def column_list(self) -> list[str]:
        return [self.column]


class ColumnOrColumns(RowLevel):
    column: Name | None = None
    columns: list[Name] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ColumnOrColumns:
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


class Bounded(CheckBase):
    min: Float | None = None
    max: Float | None = None
    warn: Bounds | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Bounded:
        found = bounds_problem(self.min, self.max) or warn_bounds_problem(
            self.min, self.max, self.warn
        )
        if found is not None:
            raise found
        return self

    def threshold(self) -> dict[str, Any]:
        return {k: v for k, v in (("min", self.min), ("max", self.max)) if v is not None}
