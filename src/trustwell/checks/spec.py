"""Declared checks: what a project file says, as typed, validated models.

One place to import them from. The shared parameters live in
:mod:`trustwell.checks.params`, each type's model with the rest of its type in
:mod:`trustwell.checks.types`, and the ``Check`` union in
:mod:`trustwell.checks.registry`, built from the registry's entries.
"""

from __future__ import annotations

from trustwell.checks.params import (
    Allowance,
    Bounded,
    Bounds,
    CheckBase,
    ColumnOrColumns,
    Float,
    Int,
    MaxAge,
    Name,
    Number,
    OneColumn,
    RowLevel,
    Scalar,
    refuse_bool,
    rule,
)
from trustwell.checks.registry import CHECK_MODELS, CHECK_TYPES, LATER_TYPES, Check
from trustwell.checks.types.references import References
from trustwell.checks.types.rows import NotNull, Unique
from trustwell.checks.types.schema import Schema
from trustwell.checks.types.sql import Sql
from trustwell.checks.types.stat import Stat
from trustwell.checks.types.values import AcceptedValues, Length, Range, Regex
from trustwell.checks.types.volume import Freshness, RowCount

__all__ = [
    "CHECK_MODELS",
    "CHECK_TYPES",
    "LATER_TYPES",
    "AcceptedValues",
    "Allowance",
    "Bounded",
    "Bounds",
    "Check",
    "CheckBase",
    "ColumnOrColumns",
    "Float",
    "Freshness",
    "Int",
    "Length",
    "MaxAge",
    "Name",
    "NotNull",
    "Number",
    "OneColumn",
    "Range",
    "References",
    "Regex",
    "RowCount",
    "RowLevel",
    "Scalar",
    "Schema",
    "Sql",
    "Stat",
    "Unique",
    "refuse_bool",
    "rule",
]
