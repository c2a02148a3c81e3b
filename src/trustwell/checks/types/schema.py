"""``schema``: the relation has the declared columns with the declared types."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from trustwell.checks.metrics import Described, Metric
from trustwell.checks.params import CheckBase, rule
from trustwell.checks.types.base import CheckType, Scope, Unit

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

    def judge_spec(self, check: Schema) -> dict[str, Any] | None:
        return {"shape": "schema", "columns": dict(check.columns), "allow_extra": check.allow_extra}
