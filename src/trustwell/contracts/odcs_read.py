"""An ODCS v3 document read into one asset declaration, and what could not be mapped (pure).

The reverse of :mod:`trustwell.contracts.odcs`. The first schema object is the
asset; its properties become documented ``columns:`` (and, where they have a
logical type, one ``schema`` check), ``required``/``unique`` and every quality
rule become checks (:mod:`~trustwell.contracts.rules_read`), ``slaProperties``
become freshness checks and ``slos:``. Every key of the document that nothing
read is listed with its path, so an import never drops a rule silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trustwell.contracts.odcs import INFERRED
from trustwell.contracts.odcs_checks import finish_checks
from trustwell.contracts.odcs_extras import read_extras
from trustwell.contracts.reading import Known, Located, Path, Reading, Unmapped
from trustwell.contracts.rules_read import NotMapped, read_rule

__all__ = ["ContractShapeError", "Imported", "Known", "Unmapped", "read_document"]

#: Keys that describe the document rather than the asset: read, not kept.
METADATA = ("apiVersion", "kind", "id", "version", "status", "name", "contractCreatedTs")


@dataclass
class Imported:
    """The asset declaration (as it is written in YAML) and what was left out."""

    asset: dict[str, Any]
    unmapped: list[Unmapped] = field(default_factory=list)


class ContractShapeError(ValueError):
    """The document cannot become an asset at all (it names no dataset)."""


def read_document(doc: dict[str, Any], known: Known) -> Imported:
    """The asset declaration of a (schema-valid) contract."""
    reading = Reading(doc)
    for key in METADATA:
        reading.use(key)
    schema = doc.get("schema") or []
    obj: dict[str, Any] = schema[0] if schema else {}
    for i in range(1, len(schema)):
        reading.skip(("schema", i), "one asset per contract: only schema[0] is imported")
    name = obj.get("name") or doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ContractShapeError("the contract names no dataset: give schema[0].name or name")
    base: Path = ("schema", 0)
    reading.use(*base, "name")
    asset: dict[str, Any] = {"name": name, **_source(obj, name, base, reading)}
    table = asset.get("table", name)
    columns: dict[str, dict[str, Any]] = {}
    typed: dict[str, str] = {}
    flags: list[Located] = []
    lists: list[list[Located]] = []
    pii: list[str] = []
    for i, prop in enumerate(obj.get("properties") or []):
        path = (*base, "properties", i)
        column = str(prop["name"])
        reading.use(*path, "name")
        columns[column] = _column_doc(prop, path, reading)
        kind = _schema_type(prop.get("logicalType"), prop.get("physicalType"))
        if _inferred(prop, path, reading):
            reading.use(*path, "logicalType")  # trustwell's guess, never enforced
        elif kind is not None:
            typed[column] = kind
            reading.use(*path, "logicalType")
        elif "logicalType" in prop:
            reason = f"logical type {prop['logicalType']!r} has no trustwell schema type"
            reading.skip((*path, "logicalType"), reason + ": the column is not type-checked")
        for flag, check_type in (("required", "not_null"), ("unique", "unique")):
            if flag in prop:
                reading.use(*path, flag)
            if prop.get(flag) is True:
                flags.append(Located({"type": check_type, "column": column}, (*path, flag), column))
        if str(prop.get("classification", "")).lower() == "pii":
            pii.append(column)
            reading.use(*path, "classification")
        lists.append(_rules(prop.get("quality") or [], (*path, "quality"), column, table, reading))
    lists.append(_rules(obj.get("quality") or [], (*base, "quality"), None, table, reading))
    fields = read_extras(doc, known, reading)
    checks, slos = finish_checks(
        name, lists, flags, typed, doc.get("slaProperties") or [], known, reading
    )
    asset.update(fields)
    if pii:
        asset["pii"] = pii
    if columns:
        asset["columns"] = columns
    if checks:
        asset["checks"] = checks
    if slos:
        asset["slos"] = slos
    return Imported(_ordered(asset), reading.unmapped + reading.leftovers())


_ORDER = (
    *("name", "warehouse", "table", "query", "path", "description", "owner", "tier"),
    *("customer_facing", "use_cases", "upstream", "consumers", "subscribers", "schedule"),
    *("pii", "tags", "openlineage", "columns", "checks", "slos"),
)


def _ordered(asset: dict[str, Any]) -> dict[str, Any]:
    return {key: asset[key] for key in _ORDER if key in asset}


def _source(obj: dict[str, Any], name: str, base: Path, reading: Reading) -> dict[str, Any]:
    """``table:``, ``query:`` or ``path:`` from the object's physical type and name."""
    kind, physical = obj.get("physicalType"), obj.get("physicalName")
    reading.use(*base, "physicalType")
    reading.use(*base, "logicalType")
    if kind == "query":
        for k, prop in enumerate(obj.get("customProperties") or []):
            if prop.get("property") == "query" and isinstance(prop.get("value"), str):
                reading.use(*base, "customProperties", k)
                return {"query": prop["value"]}
        reading.skip((*base, "physicalType"), "physicalType query without a query custom property")
        return {}
    if not isinstance(physical, str) or not physical:
        return {}
    reading.use(*base, "physicalName")
    if kind == "file":
        return {"path": physical}
    return {} if physical == name else {"table": physical}


def _inferred(prop: dict[str, Any], path: Path, reading: Reading) -> bool:
    """True when the exporter marked the logical type as inferred (custom property)."""
    for k, item in enumerate(prop.get("customProperties") or []):
        if item.get("property") == INFERRED and item.get("value") is True:
            reading.use(*path, "customProperties", k)
            return True
    return False


def _column_doc(prop: dict[str, Any], path: Path, reading: Reading) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if isinstance(prop.get("description"), str):
        found["description"] = prop["description"]
        reading.use(*path, "description")
    if isinstance(prop.get("physicalType"), str):
        found["data_type"] = prop["physicalType"]
        reading.use(*path, "physicalType")
    return found


_SCHEMA_TYPES = {
    "integer": "integer",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}


def _schema_type(logical: Any, physical: Any) -> str | None:
    """trustwell's schema type of an ODCS logical type (a number is decimal if stored so)."""
    if logical == "number":
        base = str(physical or "").strip().lower().split("(")[0].strip()
        return "decimal" if base in ("decimal", "numeric") else "float"
    return _SCHEMA_TYPES.get(str(logical)) if logical is not None else None


def _rules(
    entries: list[dict[str, Any]], path: Path, column: str | None, table: str, reading: Reading
) -> list[Located]:
    found: list[Located] = []
    for j, entry in enumerate(entries):
        here = (*path, j)
        try:
            rule = read_rule(entry, column, table)
        except NotMapped as exc:
            reading.skip(here, str(exc))
            continue
        for key in rule.keys:
            if key in entry:
                reading.use(*here, key)
        found.append(Located(rule.check, here, column))
    return found
