"""Each check as ODCS quality rules, and the column types its checks suggest (pure).

A *plain* check (no ``where``, no ``warn``, default ``samples``) uses ODCS's own
words where the standard has them: the library metrics ``nullValues``,
``duplicateValues``, ``invalidValues`` and ``rowCount``, or a ``sql`` rule. Any
other check is ``type: custom`` with ``engine: trustwell`` and the check's
parameters as ``implementation``, exactly as declared.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from trustwell.checks.params import CheckBase
from trustwell.checks.spec import (
    AcceptedValues,
    Freshness,
    Length,
    NotNull,
    Range,
    Regex,
    RowCount,
    Sql,
    Stat,
)
from trustwell.checks.spec import Unique as UniqueCheck
from trustwell.contracts.quality import allowance_operator, bounds_operator

if TYPE_CHECKING:
    from trustwell.config.models import Asset

VENDOR = "trustwell"
DIMENSIONS = {
    "not_null": "completeness",
    "row_count": "completeness",
    "unique": "uniqueness",
    "accepted_values": "conformity",
    "regex": "conformity",
    "length": "conformity",
    "range": "conformity",
    "schema": "conformity",
    "freshness": "timeliness",
    "references": "consistency",
    "stat": "accuracy",
}
DEFAULT_SAMPLES = 5


def plain(check: CheckBase) -> bool:
    """A check ODCS can say in its own words: no filter, no warn level, default samples."""
    return (
        check.where is None
        and getattr(check, "warn", None) is None
        and check.samples == DEFAULT_SAMPLES
    )


def inferred_types(asset: Asset) -> dict[str, str]:
    """Logical types the checks suggest, for columns neither described nor declared.

    ODCS 3.2's schema requires a ``logicalType`` on every property (without one,
    its rule for ``map`` applies and asks for a ``map:`` key), so a column of
    unknown type still needs one: the kind of value its checks compare with.
    """
    found: dict[str, str] = {}
    for check in asset.checks:
        guess: str | None = None
        if isinstance(check, Freshness):
            guess = "timestamp"
        elif isinstance(check, Length | Regex):
            guess = "string"
        elif isinstance(check, Stat) and check.stat not in ("distinct_count", "null_fraction"):
            guess = "number"
        elif isinstance(check, Range | AcceptedValues):
            listed = [check.min, check.max] if isinstance(check, Range) else list(check.values)
            guess = _kind_of([v for v in listed if v is not None])
        for column in check.column_list if guess else ():
            found.setdefault(column.lower(), str(guess))
    return found


def _kind_of(values: list[Any]) -> str | None:
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number"
    if values and all(isinstance(v, datetime) for v in values):
        return "timestamp"
    if values and all(isinstance(v, date) for v in values):
        return "date"
    if values and all(isinstance(v, str) for v in values):
        return "string"
    return None


def allows(check: NotNull | UniqueCheck) -> bool:
    return bool(check.max_failing or check.max_failing_fraction)


def check_entries(check: CheckBase) -> list[tuple[str | None, dict[str, Any]]]:
    """The quality rules of one check, each with the column it sits on (None: the object)."""
    head: dict[str, Any] = {"name": check.display_name}
    if check.description:
        head["description"] = check.description
    tail: dict[str, Any] = {}
    if check.type in DIMENSIONS:
        tail["dimension"] = DIMENSIONS[check.type]
    if check.tags:
        tail["tags"] = list(check.tags)
    if plain(check):
        found = _library(check)
        if found is not None:
            return [(column, head | body | tail) for column, body in found]
    columns = check.column_list
    implementation = check.model_dump(mode="json", exclude_defaults=True)
    body = {"type": "custom", "engine": VENDOR, "implementation": implementation}
    return [(columns[0] if len(columns) == 1 else None, head | body | tail)]


def _library(check: CheckBase) -> list[tuple[str | None, dict[str, Any]]] | None:
    """ODCS's own words for a plain check, or None when it has none."""
    if isinstance(check, NotNull):
        allowed = allowance_operator(check.max_failing, check.max_failing_fraction)
        if len(check.column_list) > 1 and allows(check):
            return None  # "rows with any NULL" is not the sum of per-column NULL counts
        return [(c, {"metric": "nullValues"} | allowed) for c in check.column_list]
    if isinstance(check, UniqueCheck):
        allowed = allowance_operator(check.max_failing, check.max_failing_fraction)
        if len(check.column_list) == 1:
            return [(check.column_list[0], {"metric": "duplicateValues"} | allowed)]
        args = {"arguments": {"properties": list(check.column_list)}}
        return [(None, {"metric": "duplicateValues"} | args | allowed)]
    if isinstance(check, AcceptedValues | Regex):
        allowed = allowance_operator(check.max_failing, check.max_failing_fraction)
        if isinstance(check, AcceptedValues):
            arguments: dict[str, Any] = {"validValues": _json_values(check)}
        else:
            arguments = {"pattern": check.pattern}
        return [(check.column, {"metric": "invalidValues", "arguments": arguments} | allowed)]
    if isinstance(check, RowCount) and (check.min is not None or check.max is not None):
        return [(None, {"metric": "rowCount"} | bounds_operator(check.min, check.max))]
    if isinstance(check, Sql) and check.query is not None:
        return [
            (None, {"type": "sql", "query": check.query} | bounds_operator(check.min, check.max))
        ]
    return None


def _json_values(check: AcceptedValues) -> list[Any]:
    dumped: list[Any] = check.model_dump(mode="json")["values"]
    return dumped
