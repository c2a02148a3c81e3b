"""An asset as an Open Data Contract Standard v3 document (pure).

The document has one schema object, the asset's relation, whose properties are
its columns (as the warehouse describes them, else as the checks and column
docs name them). Each check becomes one quality rule per place it applies to:
an ODCS library metric where the standard defines one (``nullValues``,
``duplicateValues``, ``invalidValues``, ``rowCount``), an ODCS ``sql`` rule for
a ``sql`` query check, else ``type: custom`` with ``engine: trustwell`` and the
check's own parameters as ``implementation``. Freshness and ``slos:`` become
``slaProperties``; what ODCS has no field for (tier, lineage, subscribers, …)
goes into ``customProperties`` with ``vendor: trustwell``. ``odcs_read`` reads
the same document back; the table of both directions is ``docs/contracts.md``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trustwell.checks.spec import Freshness, NotNull, Schema
from trustwell.checks.spec import Unique as UniqueCheck
from trustwell.contracts.rules_write import VENDOR, allows, check_entries, inferred_types, plain
from trustwell.durations import parse_duration

if TYPE_CHECKING:
    from trustwell.config.models import Asset

#: trustwell's schema types as ODCS logical types.
LOGICAL = {
    "integer": "integer",
    "float": "number",
    "decimal": "number",
    "string": "string",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}
#: The custom property marking a logical type trustwell inferred rather than knew.
INFERRED = "inferredType"


@dataclass(frozen=True)
class ColumnInfo:
    """A described column: its name, the warehouse's type and trustwell's normalised type."""

    name: str
    native_type: str
    type: str | None


@dataclass(frozen=True)
class Member:
    username: str
    name: str | None = None
    role: str = "member"


@dataclass(frozen=True)
class ExportInput:
    """Everything a contract says besides the asset itself."""

    api_version: str
    version: str = "1.0.0"
    status: str = "active"
    columns: Sequence[ColumnInfo] | None = None  # None: the warehouse could not describe it
    members: Sequence[Member] = ()  # of the owning team
    use_case_notes: Mapping[str, str | None] = field(default_factory=dict)


def contract_id(asset: str) -> str:
    """A stable id per asset name, so exporting twice gives the same document."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"trustwell:asset:{asset}"))


def typed_schema(asset: Asset) -> Schema | None:
    """The schema check that the properties' logical types stand for, if any."""
    for check in asset.checks:
        if (
            isinstance(check, Schema)
            and check.allow_extra
            and not check.name
            and not check.description
            and not check.tags
        ):
            return check
    return None


def export_document(asset: Asset, given: ExportInput) -> dict[str, Any]:
    """The ODCS v3 document of ``asset`` (keys in the order the standard lists them)."""
    doc: dict[str, Any] = {
        "apiVersion": given.api_version,
        "kind": "DataContract",
        "id": contract_id(asset.name),
        "name": asset.name,
        "version": given.version,
        "status": given.status,
    }
    if asset.tags:
        doc["tags"] = list(asset.tags)
    description = _description(asset, given.use_case_notes)
    if description:
        doc["description"] = description
    if asset.owner:
        team: dict[str, Any] = {"name": asset.owner}
        if given.members:
            team["members"] = [_member(m) for m in given.members]
        doc["team"] = team
    doc["schema"] = [_schema_object(asset, given.columns)]
    sla = _sla(asset)
    if sla:
        doc["slaProperties"] = sla
    custom = _custom_properties(asset)
    if custom:
        doc["customProperties"] = custom
    return doc


def _description(asset: Asset, notes: Mapping[str, str | None]) -> dict[str, str]:
    found: dict[str, str] = {}
    if asset.use_cases:
        found["usage"] = "; ".join(
            f"{u}: {notes[u]}" if notes.get(u) else u for u in asset.use_cases
        )
    if asset.description:
        found["purpose"] = asset.description
    return found


def _member(member: Member) -> dict[str, Any]:
    out: dict[str, Any] = {"username": member.username}
    if member.name:
        out["name"] = member.name
    out["role"] = member.role
    return out


def _schema_object(asset: Asset, described: Sequence[ColumnInfo] | None) -> dict[str, Any]:
    obj: dict[str, Any] = {"name": asset.name}
    if asset.query is not None:
        obj["physicalType"] = "query"
    elif asset.path is not None:
        obj["physicalType"] = "file"
        obj["physicalName"] = asset.path
    else:
        obj["physicalType"] = "table"
        obj["physicalName"] = asset.table_name
    declared = typed_schema(asset)
    at_property: dict[str, list[dict[str, Any]]] = {}
    at_object: list[dict[str, Any]] = []
    required: set[str] = set()
    unique: set[str] = set()
    for check in asset.checks:
        if check is declared:
            continue
        for column, entry in check_entries(check):
            if column is None:
                at_object.append(entry)
            else:
                at_property.setdefault(column.lower(), []).append(entry)
        if isinstance(check, NotNull) and plain(check) and not allows(check):
            required.update(c.lower() for c in check.column_list)
        one = isinstance(check, UniqueCheck) and len(check.column_list) == 1
        if one and plain(check) and not allows(check):  # type: ignore[arg-type]
            unique.add(check.column_list[0].lower())
    names = _column_order(asset, described, declared)
    by_name = {c.name.lower(): c for c in described or ()}
    types = {k.lower(): v for k, v in (declared.columns.items() if declared else ())}
    docs = {k.lower(): v for k, v in asset.columns.items()}
    pii = {p.lower() for p in asset.pii}
    guessed = inferred_types(asset)
    properties = []
    for name in names:
        key = name.lower()
        prop: dict[str, Any] = {"name": name}
        doc = docs.get(key)
        if doc is not None and doc.description:
            prop["description"] = doc.description
        kind = types.get(key) or (by_name[key].type if key in by_name else None)
        if kind in LOGICAL:
            prop["logicalType"] = LOGICAL[kind]
        else:  # the schema wants one on every property; marked, so import never enforces it
            prop["logicalType"] = guessed.get(key, "string")
        if key in by_name:
            prop["physicalType"] = by_name[key].native_type
        elif doc is not None and doc.data_type:
            prop["physicalType"] = doc.data_type
        elif kind == "decimal":
            prop["physicalType"] = "decimal"  # else a number reads back as a float
        if key in required:
            prop["required"] = True
        if key in unique:
            prop["unique"] = True
        if key in pii:
            prop["classification"] = "pii"
        if key in at_property:
            prop["quality"] = at_property[key]
        if kind not in LOGICAL:
            prop["customProperties"] = [_custom(INFERRED, True)]
        properties.append(prop)
    obj["properties"] = properties
    if at_object:
        obj["quality"] = at_object
    if asset.query is not None:
        obj["customProperties"] = [_custom("query", asset.query)]
    return obj


def _column_order(
    asset: Asset, described: Sequence[ColumnInfo] | None, declared: Schema | None
) -> list[str]:
    """Described columns first (the table's order), then every other column named anywhere."""
    candidates = [c.name for c in described or ()]
    candidates += list(asset.columns)
    if declared is not None:
        candidates += list(declared.columns)
    for check in asset.checks:
        candidates += check.column_list
        if isinstance(check, Schema):
            candidates += list(check.columns)
    candidates += asset.pii
    seen: dict[str, str] = {}
    for name in candidates:
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def latency(max_age: str) -> tuple[int | float, str]:
    """A duration as an SLA value and unit: the largest of d, h, m, s that divides it."""
    seconds = parse_duration(max_age).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return int(seconds // size), unit
    return (int(seconds) if seconds.is_integer() else seconds), "s"


def _sla(asset: Asset) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for check in asset.checks:
        if isinstance(check, Freshness):
            value, unit = latency(check.max_age)
            found.append(
                {
                    "property": "latency",
                    "value": value,
                    "unit": unit,
                    "element": f"{asset.name}.{check.column}",
                    "description": f"the newest {check.column} is at most {check.max_age} old",
                }
            )
    for slo in asset.slos:
        objective = round(float(slo.objective) * 100, 9)
        props = [_custom("check", slo.check) if slo.check else _custom("freshness", slo.freshness)]
        props.append(_custom("window", slo.window))
        if slo.name:
            props.append(_custom("name", slo.name))
        found.append(
            {
                "property": "slo",
                "value": int(objective) if objective.is_integer() else objective,
                "unit": "percent",
                "element": asset.name,
                "description": f"{slo.label}: {objective:g}% of the time over {slo.window}",
                "customProperties": props,
            }
        )
    return found


def _custom(name: str, value: Any) -> dict[str, Any]:
    return {"property": name, "value": value, "vendor": VENDOR}


def _custom_properties(asset: Asset) -> list[dict[str, Any]]:
    found = [_custom("tier", asset.tier)]
    if asset.customer_facing:
        found.append(_custom("customerFacing", True))
    if asset.warehouse:
        found.append(_custom("warehouse", asset.warehouse))
    for key, value in (
        ("useCases", asset.use_cases),
        ("upstream", asset.upstream),
        ("consumers", asset.consumers),
        ("subscribers", asset.subscribers),
    ):
        if value:
            found.append(_custom(key, list(value)))
    if asset.schedule:
        found.append(_custom("schedule", asset.schedule))
    if asset.openlineage is not None:
        found.append(_custom("openlineage", asset.openlineage.model_dump()))
    return found
