"""``schema``: the relation has the declared columns with the declared types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import model_validator

from trustwell.checks.context import EvaluationContext
from trustwell.checks.metrics import Described, Metric
from trustwell.checks.outcome import Outcome
from trustwell.checks.params import CheckBase, rule
from trustwell.checks.types.base import CheckType, Scope, Unit

if TYPE_CHECKING:
    # Only the type: importing trustwell.engines at load time would import the config.
    from trustwell.engines.base import Column

ColumnType = Literal["integer", "float", "decimal", "string", "boolean", "date", "timestamp"]


class Schema(CheckBase):
    """The relation has each of `columns` with its type (and no other unless `allow_extra`)."""

    type: Literal["schema"]
    columns: dict[str, ColumnType]
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


def compare_schema(check: Schema, actual: list[Column]) -> tuple[list[str], dict[str, Any]]:
    """Missing, mistyped and (if not allowed) extra columns: the reasons, and as details."""
    found = {c.name.lower(): c for c in actual}
    problems: list[str] = []
    details: dict[str, Any] = {"missing": [], "mistyped": [], "unexpected": []}
    for name, expected in check.columns.items():
        column = found.get(name.lower())
        if column is None:
            problems.append(f"missing column {name}")
            details["missing"].append(name)
        elif column.type != expected:
            problems.append(
                f"{name} is {column.native_type} ({column.type or 'other'}), expected {expected}"
            )
            details["mistyped"].append(
                {"column": name, "expected": expected, "actual": column.native_type}
            )
    if not check.allow_extra:
        declared = {n.lower() for n in check.columns}
        extra = [c.name for c in actual if c.name.lower() not in declared]
        problems += [f"unexpected column {name}" for name in extra]
        details["unexpected"] = extra
    return problems, details


class SchemaType(CheckType[Schema]):
    name = "schema"
    model = Schema
    metric = (
        "missing, mistyped (and, if not allowed, extra) columns; details: `missing`,"
        " `mistyped` (`column`, `expected`, `actual`) and `unexpected`"
    )
    nulls = "not about rows: NULLs play no part"
    empty = "evaluated as always: it describes the columns, which an empty table has too"

    def unit(self, check: Schema) -> Unit:
        return "mismatched columns"

    def metrics(self, check: Schema, scope: Scope) -> dict[str, Metric]:
        return {"columns": Described()}

    def evaluate(
        self, check: Schema, values: Mapping[str, Any], context: EvaluationContext
    ) -> Outcome:
        problems, details = compare_schema(check, values["columns"])
        if problems:
            return Outcome("fail", float(len(problems)), "; ".join(problems), details=details)
        count = len(check.columns)
        message = f"{count} declared column{'s match' if count != 1 else ' matches'}"
        return Outcome("pass", 0.0, message, details=details)
