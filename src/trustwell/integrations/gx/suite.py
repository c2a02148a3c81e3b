"""A GX 1.x expectation suite as trustwell checks (pure: JSON in, check mappings out).

>>> converted = convert_suite({"name": "orders", "expectations": [
...     {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id", "mostly": 0.99}},
...     {"type": "expect_column_kl_divergence_to_be_less_than", "kwargs": {"column": "x"}}]},
...     "suite.json")
>>> converted.checks
[{'type': 'not_null', 'column': 'id', 'max_failing_fraction': 0.01}]
>>> converted.skipped[0].reason
'trustwell has no check for it'

Each converted check is validated with trustwell's own check models, so what is
printed always loads. ``mostly`` becomes ``max_failing_fraction: 1 - mostly``;
GX counts that share over non-null values for every expectation but
``not_null``, trustwell over all rows in scope: the two agree on a column
without NULLs (see docs/integrations.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from trustwell.checks.registry import Check
from trustwell.errors import Invalid

Kwargs = Mapping[str, Any]
#: GX's kwargs that say how to report, not what to check: ignored.
_REPORTING = frozenset({"result_format", "catch_exceptions", "include_config", "meta", "batch_id"})
#: GX type names (pandas dtypes and SQL types, lower-cased, without size) → schema types.
_TYPES = {
    **dict.fromkeys(
        (
            "int",
            "int8",
            "int16",
            "int32",
            "int64",
            "integer",
            "bigint",
            "smallint",
            "tinyint",
            "hugeint",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "long",
        ),
        "integer",
    ),
    **dict.fromkeys(("float", "float32", "float64", "double", "real", "double precision"), "float"),
    **dict.fromkeys(("decimal", "numeric"), "decimal"),
    **dict.fromkeys(("str", "string", "varchar", "text", "char", "character varying"), "string"),
    **dict.fromkeys(("bool", "boolean"), "boolean"),
    "date": "date",
    **dict.fromkeys(("datetime64", "datetime64[ns]", "datetime", "timestamp"), "timestamp"),
}


class SuiteError(Invalid):
    """The file is not a GX 1.x expectation suite (exit code 2): ``FILE: what is wrong``."""


@dataclass(frozen=True)
class Skipped:
    """One expectation that was not converted, and why (printed on stderr)."""

    index: int  # 1-based position in the suite's expectations
    expectation_type: str
    reason: str

    def line(self) -> str:
        return f"not converted: {self.expectation_type} (expectation {self.index}): {self.reason}"


@dataclass
class Conversion:
    """The suite's name, the converted checks (in suite order) and what was left out."""

    suite: str
    checks: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class _NotConverted(Exception):
    """Raised by a mapping: the expectation has no faithful trustwell check (the reason)."""


def convert_suite(data: Any, label: str, *, taken: Sequence[str] = ()) -> Conversion:
    """Convert a parsed suite JSON; ``label`` names the file in errors.

    ``taken`` are check names already used by the asset the checks go to: a
    converted check whose default name is taken gets a ``name`` of its own.
    """
    expectations = _expectations(data, label)
    result = Conversion(suite=str(data.get("name") or ""))
    pending: list[tuple[int, str, dict[str, Any]]] = []
    for index, item in enumerate(expectations, start=1):
        kind = str(item.get("type") or item.get("expectation_type") or "")
        try:
            pending.append((index, kind, _convert(kind, _kwargs(item))))
        except _NotConverted as exc:
            result.skipped.append(Skipped(index, kind, str(exc)))
    used = set(taken)
    for index, kind, check in _merge_schema(pending, result.skipped):
        try:
            model = _CHECK.validate_python(check)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"][1:])
            reason = f"{where}: {problem['msg']}" if where else problem["msg"]
            result.skipped.append(Skipped(index, kind, f"not a valid trustwell check ({reason})"))
            continue
        name = model.display_name
        if name in used:
            name = _free_name(name, used)
            check = {"name": name, **check}
        used.add(name)
        result.checks.append(check)
    result.skipped.sort(key=lambda s: s.index)
    return result


_CHECK: TypeAdapter[Any] = TypeAdapter(Check)


def _expectations(data: Any, label: str) -> list[Mapping[str, Any]]:
    if not isinstance(data, dict):
        raise SuiteError(f"{label}: not a GX expectation suite (a JSON object with expectations)")
    found = data.get("expectations")
    if not isinstance(found, list):
        raise SuiteError(f"{label}: not a GX expectation suite (no 'expectations' list)")
    for index, item in enumerate(found, start=1):
        if not isinstance(item, dict) or not isinstance(
            item.get("type", item.get("expectation_type")), str
        ):
            raise SuiteError(f"{label}: expectation {index} has no 'type'")
        if not isinstance(item.get("kwargs", {}), dict):
            raise SuiteError(f"{label}: expectation {index}: 'kwargs' is not an object")
    return found


def _kwargs(item: Mapping[str, Any]) -> dict[str, Any]:
    kwargs = {k: v for k, v in dict(item.get("kwargs") or {}).items() if k not in _REPORTING}
    for key, value in kwargs.items():
        if isinstance(value, dict) and "$PARAMETER" in value:
            raise _NotConverted(f"{key} is a suite parameter, known only when GX runs")
    if kwargs.get("row_condition"):
        raise _NotConverted("row_condition is GX's own filter syntax: add where: by hand")
    kwargs.pop("row_condition", None)
    kwargs.pop("condition_parser", None)
    return kwargs


def _free_name(name: str, used: set[str]) -> str:
    n = 2
    while f"{name}#{n}" in used:
        n += 1
    return f"{name}#{n}"


# --- one function per expectation type -------------------------------------------------


def _allowance(kwargs: Kwargs) -> dict[str, Any]:
    mostly = kwargs.get("mostly")
    if mostly is None or mostly == 1:
        return {}
    if isinstance(mostly, bool) or not isinstance(mostly, int | float) or not 0 <= mostly <= 1:
        raise _NotConverted(f"mostly {mostly!r} is not a number between 0 and 1")
    # Rounded: 1 - 0.7 is 0.30000000000000004 in floating point.
    return {"max_failing_fraction": round(1 - mostly, 12)}


def _bounds(kwargs: Kwargs) -> dict[str, Any]:
    if kwargs.get("strict_min") or kwargs.get("strict_max"):
        raise _NotConverted("strict bounds: trustwell's bounds are inclusive")
    found = {
        key: kwargs[gx]
        for key, gx in (("min", "min_value"), ("max", "max_value"))
        if kwargs.get(gx) is not None
    }
    if not found:
        raise _NotConverted("neither min_value nor max_value is given (GX passes every value)")
    return found


def _column(kwargs: Kwargs) -> str:
    column = kwargs.get("column")
    if not isinstance(column, str) or not column:
        raise _NotConverted("no column")
    return column


def _unknown(kwargs: Kwargs, *known: str) -> None:
    extra = sorted(set(kwargs) - set(known))
    if extra:
        raise _NotConverted(f"trustwell has no equivalent of {', '.join(extra)}")


def _row_level(trustwell_type: str, *extra: str) -> Callable[[Kwargs], dict[str, Any]]:
    def convert(kwargs: Kwargs) -> dict[str, Any]:
        _unknown(kwargs, "column", "mostly", *extra)
        check: dict[str, Any] = {"type": trustwell_type, "column": _column(kwargs)}
        return check

    return convert


def _not_null(kwargs: Kwargs) -> dict[str, Any]:
    return {**_row_level("not_null")(kwargs), **_allowance(kwargs)}


def _unique(kwargs: Kwargs) -> dict[str, Any]:
    if _allowance(kwargs):
        # GX counts every copy of a duplicated value, trustwell the copies beyond the first.
        raise _NotConverted("mostly on uniqueness: GX and trustwell count duplicates differently")
    return _row_level("unique")(kwargs)


def _in_set(kwargs: Kwargs) -> dict[str, Any]:
    check = _row_level("accepted_values", "value_set")(kwargs)
    values = kwargs.get("value_set")
    if not isinstance(values, list) or not values:
        raise _NotConverted("value_set is not a non-empty list")
    return {**check, "values": values, **_allowance(kwargs)}


def _between(kwargs: Kwargs) -> dict[str, Any]:
    check = _row_level("range", "min_value", "max_value", "strict_min", "strict_max")(kwargs)
    return {**check, **_bounds(kwargs), **_allowance(kwargs)}


def _regex(kwargs: Kwargs) -> dict[str, Any]:
    check = _row_level("regex", "regex")(kwargs)
    if not isinstance(kwargs.get("regex"), str):
        raise _NotConverted("regex is not a string")
    return {**check, "pattern": kwargs["regex"], **_allowance(kwargs)}


def _lengths(kwargs: Kwargs) -> dict[str, Any]:
    check = _row_level("length", "min_value", "max_value", "strict_min", "strict_max")(kwargs)
    return {**check, **_bounds(kwargs), **_allowance(kwargs)}


def _row_count(kwargs: Kwargs) -> dict[str, Any]:
    _unknown(kwargs, "min_value", "max_value", "strict_min", "strict_max")
    return {"type": "row_count", **_bounds(kwargs)}


def _row_count_equal(kwargs: Kwargs) -> dict[str, Any]:
    _unknown(kwargs, "value")
    return {"type": "row_count", "min": kwargs.get("value"), "max": kwargs.get("value")}


def _stat(stat: str) -> Callable[[Kwargs], dict[str, Any]]:
    def convert(kwargs: Kwargs) -> dict[str, Any]:
        _unknown(kwargs, "column", "min_value", "max_value", "strict_min", "strict_max")
        return {"type": "stat", "column": _column(kwargs), "stat": stat, **_bounds(kwargs)}

    return convert


def _columns_match_set(kwargs: Kwargs) -> dict[str, Any]:
    _unknown(kwargs, "column_set", "exact_match")
    columns = kwargs.get("column_set")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise _NotConverted("column_set is not a list of column names")
    exact = kwargs.get("exact_match", True) is not False
    # Typed later, by the suite's expect_column_values_to_be_of_type (see _merge_schema).
    return {"type": "schema", "columns": dict.fromkeys(columns), "allow_extra": not exact}


def _of_type(kwargs: Kwargs) -> dict[str, Any]:
    _unknown(kwargs, "column", "type_")
    column = _column(kwargs)
    given = str(kwargs.get("type_") or "")
    stem = given.lower().split("(")[0].strip()
    found = _TYPES.get(stem)
    if found is None:
        raise _NotConverted(f"type {given!r} has no trustwell schema type")
    return {"type": "schema", "columns": {column: found}}


_MAPPINGS: dict[str, Callable[[Kwargs], dict[str, Any]]] = {
    "expect_column_values_to_not_be_null": _not_null,
    "expect_column_values_to_be_unique": _unique,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_match_regex": _regex,
    "expect_column_value_lengths_to_be_between": _lengths,
    "expect_table_row_count_to_be_between": _row_count,
    "expect_table_row_count_to_equal": _row_count_equal,
    "expect_column_mean_to_be_between": _stat("mean"),
    "expect_column_median_to_be_between": _stat("median"),
    "expect_column_min_to_be_between": _stat("min"),
    "expect_column_max_to_be_between": _stat("max"),
    "expect_column_sum_to_be_between": _stat("sum"),
    "expect_column_stdev_to_be_between": _stat("stddev"),
    "expect_column_unique_value_count_to_be_between": _stat("distinct_count"),
    "expect_table_columns_to_match_set": _columns_match_set,
    "expect_column_values_to_be_of_type": _of_type,
}
#: The expectation types the converter knows (docs/integrations.md lists them).
CONVERTED_TYPES = tuple(_MAPPINGS)


def _convert(kind: str, kwargs: Kwargs) -> dict[str, Any]:
    mapping = _MAPPINGS.get(kind)
    if mapping is None:
        raise _NotConverted("trustwell has no check for it")
    return mapping(kwargs)


def _merge_schema(
    pending: list[tuple[int, str, dict[str, Any]]], skipped: list[Skipped]
) -> list[tuple[int, str, dict[str, Any]]]:
    """One ``schema`` check from the suite's column-set and column-type expectations.

    trustwell's schema check names each column with its type; GX says the set
    and the types in separate expectations. Their union is one check, at the
    place of the first of them; a set whose columns are not all typed is left out.
    """
    schema = [(i, k, c) for i, k, c in pending if c["type"] == "schema"]
    if not schema:
        return pending
    typed: dict[str, str] = {}
    for _, _, check in schema:
        typed.update({c: t for c, t in check["columns"].items() if t is not None})
    sets = [(i, k, c) for i, k, c in schema if "allow_extra" in c]
    merged: dict[str, Any] = {"type": "schema", "columns": typed}
    if sets:
        index, kind, column_set = sets[-1]
        untyped = [c for c in column_set["columns"] if c not in typed]
        if untyped:
            skipped.append(
                Skipped(
                    index,
                    kind,
                    "trustwell's schema check needs each column's type: add "
                    f"expect_column_values_to_be_of_type for {', '.join(untyped)}",
                )
            )
        else:
            merged["columns"] = {c: typed[c] for c in column_set["columns"]}
            merged["columns"].update(typed)
            merged["allow_extra"] = column_set["allow_extra"]
    first, kind = schema[0][0], schema[0][1]
    kept = [(i, k, c) for i, k, c in pending if c["type"] != "schema"]
    if not merged["columns"]:
        return kept
    kept.append((first, kind, merged))
    return sorted(kept, key=lambda item: item[0])
