"""Every built-in check type, one entry each: the one list the rest of trustwell reads.

The ``Check`` union that project files are validated with (and so the JSON
Schema of ``trustwell schema``), the loader's "unknown check type, did you
mean", the planner, the evaluation and ``docs/checks.md`` all come from
:data:`BUILTIN`. Adding a type is one class in :mod:`trustwell.checks.types`
and one line here (see "Adding a check type" in ``docs/checks.md``).
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from trustwell.checks.params import CheckBase
from trustwell.checks.types.anomaly import AnomalyType
from trustwell.checks.types.base import CheckType, Unit
from trustwell.checks.types.drift import DriftType
from trustwell.checks.types.fairness import FairnessType
from trustwell.checks.types.model import ModelType
from trustwell.checks.types.references import ReferencesType
from trustwell.checks.types.rows import NotNullType, UniqueType
from trustwell.checks.types.schema import SchemaType
from trustwell.checks.types.sql import SqlType
from trustwell.checks.types.stat import StatType
from trustwell.checks.types.values import AcceptedValuesType, LengthType, RangeType, RegexType
from trustwell.checks.types.volume import FreshnessType, RowCountType

#: The built-in types, in the order the SPEC lists them.
BUILTIN: tuple[CheckType[Any], ...] = (
    RowCountType(),
    FreshnessType(),
    NotNullType(),
    UniqueType(),
    AcceptedValuesType(),
    RangeType(),
    RegexType(),
    LengthType(),
    StatType(),
    SchemaType(),
    ReferencesType(),
    SqlType(),
    AnomalyType(),
    FairnessType(),
    ModelType(),
    DriftType(),
)
REGISTRY: dict[str, CheckType[Any]] = {t.name: t for t in BUILTIN}
CHECK_TYPES: tuple[str, ...] = tuple(REGISTRY)
CHECK_MODELS: dict[str, type[CheckBase]] = {t.name: t.model for t in BUILTIN}
#: Declared by the SPEC, built in later work: the loader says "not available in this version".
LATER_TYPES: tuple[str, ...] = ()

if TYPE_CHECKING:
    # Statically every check is a CheckBase; code that needs a type's own keys
    # narrows with isinstance or goes through the type's entry.
    Check = CheckBase
else:
    Check = Annotated[reduce(operator.or_, (t.model for t in BUILTIN)), Field(discriminator="type")]


def type_of(check: CheckBase) -> CheckType[Any]:
    """The entry of a check's type.

    >>> type_of(check).unit(check)      # doctest: +SKIP
    'rows'
    """
    return REGISTRY[check.type]


def unit_of(check: CheckBase) -> Unit:
    """What a check's ``value`` counts or measures, from its type's entry.

    ``rows``, ``duration`` (seconds), ``mismatched columns``, ``fraction``,
    ``distinct values`` or ``number`` (a ``stat`` mean, a ``sql`` query's result).
    """
    return type_of(check).unit(check)


def unit_for(check_type: str | None, check: CheckBase | None = None) -> tuple[Unit, bool]:
    """The unit of a result's value and whether it counts failing rows, for display.

    From the declared ``check`` when there is one (a ``stat`` or ``sql`` check's
    unit depends on its parameters); a check known only from stored results has
    its type alone: rows for a row-level type, else a plain number unless the
    type's unit never depends on parameters.

    >>> unit_for("not_null"), unit_for("freshness"), unit_for("anomaly")
    (('rows', True), ('duration', False), ('number', False))
    """
    if check is not None:
        unit = unit_of(check)
        # Every count of rows but row_count's (and an anomaly on it) counts failing rows.
        return unit, unit == "rows" and check.type not in ("row_count", "anomaly")
    entry = REGISTRY.get(check_type or "")
    if entry is None:
        return "number", False
    if entry.model.row_level:
        return "rows", True
    return _TYPE_UNITS.get(entry.name, "number"), False


#: Units that the type alone decides (``stat`` and ``sql`` depend on their parameters).
_TYPE_UNITS: dict[str, Unit] = {
    "row_count": "rows",
    "freshness": "duration",
    "schema": "mismatched columns",
}
