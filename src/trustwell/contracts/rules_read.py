"""One ODCS quality rule as a trustwell check mapping, or the reason it has none (pure).

The reverse of :func:`trustwell.contracts.odcs.check_entries`: library metrics
(``nullValues``, ``missingValues`` of NULL only, ``duplicateValues``,
``invalidValues`` with ``validValues`` or a ``pattern``, ``rowCount``), ``sql``
rules, and ``custom`` rules of ``engine: trustwell`` whose ``implementation`` is
a check's parameters. Text rules and other engines' rules are not mapped: the
caller lists them with their path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from trustwell.contracts.quality import OPERATORS, allowance_of, row_bounds, value_bounds
from trustwell.contracts.rules_write import VENDOR

#: Keys of a rule that are read (the rest is listed as not mapped).
COMMON = ("name", "description", "tags", "dimension", "severity", "unit", "id", "type")


@dataclass(frozen=True)
class Rule:
    """A rule read into a check mapping; ``keys`` are the rule's keys it used."""

    check: dict[str, Any]
    keys: tuple[str, ...]


class NotMapped(Exception):
    """The rule has no trustwell check; the message says why."""


def read_rule(entry: dict[str, Any], column: str | None, table: str) -> Rule:
    """The check mapping of ``entry`` (on ``column``, or on the object when None)."""
    kind = entry.get("type") or ("library" if "metric" in entry else None)
    if kind == "text":
        raise NotMapped("a text rule describes quality in words: there is nothing to run")
    if kind == "custom":
        return _custom(entry)
    if kind == "sql":
        return _sql(entry, column, table)
    if kind == "library":
        return _library(entry, column)
    raise NotMapped("the rule names no metric, query or engine")


def _common(entry: dict[str, Any], check: dict[str, Any], used: tuple[str, ...]) -> Rule:
    if isinstance(entry.get("name"), str) and entry["name"]:
        check = {"type": check.pop("type"), "name": entry["name"]} | check
    if isinstance(entry.get("description"), str):
        check["description"] = entry["description"]
    if entry.get("tags"):
        check["tags"] = list(entry["tags"])
    return Rule(check, (*COMMON, *used))


def _custom(entry: dict[str, Any]) -> Rule:
    engine = entry.get("engine")
    if str(engine).lower() != VENDOR:
        raise NotMapped(f"a rule for the engine {engine!r}: only engine {VENDOR!r} rules map")
    spec = entry.get("implementation")
    if isinstance(spec, str):
        from trustwell.config.yaml_limits import BoundedLoader

        try:  # bounded as every project file is: no alias bomb inside a string either
            spec = yaml.load(spec, Loader=BoundedLoader)  # a SafeLoader
        except yaml.YAMLError as exc:
            raise NotMapped(f"its implementation is not YAML: {exc}") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("type"), str):
        raise NotMapped("its implementation is not a check (a mapping with type:)")
    check = dict(spec)
    name = entry.get("name")
    if "name" not in check and isinstance(name, str) and name:
        check = {"type": check.pop("type"), "name": name} | check
    return Rule(check, (*COMMON, "engine", "implementation"))


def _sql(entry: dict[str, Any], column: str | None, table: str) -> Rule:
    query = entry.get("query")
    if not isinstance(query, str):
        raise NotMapped("a sql rule without a query")
    query = query.replace("{object}", table).replace("${object}", table)
    if column is not None:
        query = query.replace("{property}", column).replace("${property}", column)
    bounds, why = value_bounds(entry)
    if bounds is None or not bounds:
        raise NotMapped(why or "it sets no bound on the query's value")
    check = {"type": "sql", "query": query, **bounds}
    return _common(entry, check, ("query", *_operators(entry)))


def _library(entry: dict[str, Any], column: str | None) -> Rule:
    metric = entry.get("metric")
    arguments = entry.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise NotMapped("its arguments are not a mapping")
    used = ("metric", "arguments", *_operators(entry))
    if metric == "rowCount":
        bounds, why = row_bounds(entry)
        if not bounds:
            raise NotMapped(why or "it sets no bound on the row count")
        return _common(entry, {"type": "row_count", **bounds}, used)
    if metric in ("nullValues", "missingValues", "duplicateValues", "invalidValues"):
        allowance, why = allowance_of(entry)
        if allowance is None:
            raise NotMapped(f"{metric}: {why}")
        return _common(entry, _row_level(metric, arguments, column) | allowance, used)
    raise NotMapped(f"the library metric {metric!r} has no trustwell check")


def _row_level(metric: str, arguments: dict[str, Any], column: str | None) -> dict[str, Any]:
    if metric == "duplicateValues":
        keys = arguments.get("properties")
        if column is None and isinstance(keys, list) and keys:
            if len(keys) == 1:
                return {"type": "unique", "column": str(keys[0])}
            return {"type": "unique", "columns": [str(k) for k in keys]}
        if column is None:
            raise NotMapped("duplicateValues on the object names no properties")
        return {"type": "unique", "column": column}
    if column is None:
        raise NotMapped(f"{metric} on the object names no property")
    if metric == "missingValues":
        listed = arguments.get("missingValues", [None])
        if listed not in ([None], []):
            raise NotMapped("missingValues other than null: trustwell counts only NULLs")
        return {"type": "not_null", "column": column}
    if metric == "nullValues":
        return {"type": "not_null", "column": column}
    valid, pattern = arguments.get("validValues"), arguments.get("pattern")
    if valid is not None and pattern is not None:
        raise NotMapped("invalidValues with both validValues and a pattern")
    if isinstance(valid, list) and valid:
        return {"type": "accepted_values", "column": column, "values": list(valid)}
    if isinstance(pattern, str):
        return {"type": "regex", "column": column, "pattern": pattern}
    raise NotMapped("invalidValues without validValues or a pattern")


def _operators(entry: dict[str, Any]) -> tuple[str, ...]:
    return tuple(k for k in OPERATORS if k in entry)
