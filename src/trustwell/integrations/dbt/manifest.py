"""A dbt ``manifest.json`` (schema v12) as assets, lineage and tests. Pure: JSON in.

What becomes what:

- models, seeds, snapshots and sources are **assets** named by their relation,
  ``schema.alias`` (a source: ``schema.identifier``), which is also the table
  ``trustwell run`` checks on the warehouse that dbt built (the database part is
  left out: on DuckDB it is the file's own catalog). An ephemeral model is no
  relation: it is not an asset, and lineage passes through it;
- owner from ``meta.owner``, else the owner (name) of the node's dbt group; tier
  from ``meta.tier`` (1, 2 or 3); the description, the columns (name, type,
  description) and the tags;
- ``depends_on.nodes`` become **edges** (parent relation → child relation);
- an exposure makes ``TYPE.NAME`` (``dashboard.revenue``) a **consumer** of each
  asset it depends on;
- each dbt **test** belongs to the asset it tests (``attached_node``, else the one
  relation a singular test reads); the generic tests ``not_null``, ``unique``,
  ``accepted_values`` and ``relationships`` also become the trustwell checks of
  the same meaning (``references`` for ``relationships``), named like the dbt
  test; every other test is known only by the results dbt reports;
- a source's ``freshness.error_after`` (and ``warn_after``) with a
  ``loaded_at_field`` becomes a ``freshness`` check.

>>> manifest = read_manifest(json.load(open("target/manifest.json")), "target/manifest.json")
>>> [a.name for a in manifest.assets]
['main.customers', 'main.orders', …]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from trustwell.errors import Invalid

#: Manifest schema versions this reader knows (v12: dbt-core 1.8 to 1.12).
MANIFEST_VERSIONS = ("v12",)
ASSET_TYPES = ("model", "seed", "snapshot", "source")
_PERIODS = {"minute": "m", "hour": "h", "day": "d"}


class DbtArtifactError(Invalid):
    """The file is not a dbt artifact this version of trustwell reads (exit code 2)."""


@dataclass(frozen=True)
class DbtColumn:
    """A column dbt documents: its name, declared type and description."""

    name: str
    data_type: str | None = None
    description: str = ""


@dataclass(frozen=True)
class DbtAsset:
    """A model, seed, snapshot or source, as the asset of the same relation."""

    unique_id: str
    resource_type: str
    name: str  # schema.alias: the asset's name and its table
    description: str = ""
    owner: str | None = None
    tier: int | None = None
    tags: tuple[str, ...] = ()
    columns: tuple[DbtColumn, ...] = ()
    consumers: tuple[str, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()  # freshness of a source


@dataclass(frozen=True)
class DbtTest:
    """A dbt test and the asset it tests; ``check`` is its trustwell check, if it maps to one."""

    unique_id: str
    name: str
    asset: str
    test_type: str  # the generic test's name (not_null, …) or "singular"
    column: str | None = None
    check: dict[str, Any] | None = None


@dataclass(frozen=True)
class Manifest:
    """What a manifest says, in trustwell's terms; ``notes`` are what was left out, and why."""

    project: str
    invocation_id: str
    assets: list[DbtAsset]
    edges: list[tuple[str, str]]  # (upstream asset, downstream asset)
    tests: list[DbtTest]
    notes: list[str] = field(default_factory=list)


def schema_version(data: Any, label: str, kind: str, known: tuple[str, ...]) -> str:
    """The artifact's schema version (``v12``); :class:`DbtArtifactError` for another one."""
    url = data.get("metadata", {}).get("dbt_schema_version") if isinstance(data, dict) else None
    if not isinstance(url, str) or f"/{kind}/" not in url:
        raise DbtArtifactError(
            f"{label}: not a dbt {kind} (no metadata.dbt_schema_version naming {kind})"
        )
    version = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".json")
    if version not in known:
        raise DbtArtifactError(
            f"{label}: dbt {kind} schema {version} is not supported"
            f" (supported: {', '.join(known)}, written by dbt-core 1.8 to 1.12)"
        )
    return version


def read_manifest(data: Any, label: str) -> Manifest:
    """The assets, edges and tests of a parsed ``manifest.json``; ``label`` names it in errors."""
    schema_version(data, label, "manifest", MANIFEST_VERSIONS)
    nodes: dict[str, Mapping[str, Any]] = {**_mapping(data, "nodes"), **_mapping(data, "sources")}
    notes: list[str] = []
    owners = {
        g.get("name"): (g.get("owner") or {}).get("name") for g in _mapping(data, "groups").values()
    }
    consumers = _consumers(_mapping(data, "exposures"))
    names = {uid: _relation(node) for uid, node in nodes.items() if _is_asset(node)}
    assets = [
        _asset(uid, nodes[uid], name, owners, consumers.get(uid, ()), notes)
        for uid, name in names.items()
    ]
    edges: list[tuple[str, str]] = []
    for uid, name in names.items():
        for parent in _relation_parents(uid, nodes, names):
            if (names[parent], name) not in edges:
                edges.append((names[parent], name))
    tests = [
        test
        for uid, node in nodes.items()
        if node.get("resource_type") == "test"
        for test in [_test(uid, node, names, notes)]
        if test is not None
    ]
    metadata = data["metadata"]
    project = str(metadata.get("project_name") or "dbt")
    return Manifest(project, str(metadata.get("invocation_id") or ""), assets, edges, tests, notes)


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    return value if isinstance(value, dict) else {}


def _is_asset(node: Mapping[str, Any]) -> bool:
    if node.get("resource_type") not in ASSET_TYPES:
        return False
    return (node.get("config") or {}).get("materialized") != "ephemeral"


def _relation(node: Mapping[str, Any]) -> str:
    table = node.get("identifier") if node.get("resource_type") == "source" else node.get("alias")
    return f"{node.get('schema')}.{table or node.get('name')}"


def _relation_parents(
    uid: str, nodes: Mapping[str, Mapping[str, Any]], names: Mapping[str, str]
) -> list[str]:
    """The relations ``uid`` reads, looking through ephemeral models (cycle-safe)."""
    found: list[str] = []
    seen = {uid}
    todo = list(_depends_on(nodes.get(uid, {})))
    while todo:
        parent = todo.pop(0)
        if parent in seen:
            continue
        seen.add(parent)
        if parent in names:
            found.append(parent)
        elif parent in nodes and nodes[parent].get("resource_type") == "model":
            todo.extend(_depends_on(nodes[parent]))  # an ephemeral model
    return found


def _depends_on(node: Mapping[str, Any]) -> list[str]:
    return [str(n) for n in (node.get("depends_on") or {}).get("nodes") or []]


def _meta(node: Mapping[str, Any]) -> Mapping[str, Any]:
    # dbt 1.10 keeps meta under config; older manifests also at the top.
    return {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}


def _asset(
    uid: str,
    node: Mapping[str, Any],
    name: str,
    owners: Mapping[Any, Any],
    consumers: tuple[str, ...],
    notes: list[str],
) -> DbtAsset:
    meta = _meta(node)
    group = node.get("group") or (node.get("config") or {}).get("group")
    owner = meta.get("owner") or owners.get(group)
    tier = meta.get("tier")
    if tier is not None and (isinstance(tier, bool) or tier not in (1, 2, 3)):
        notes.append(f"{name}: meta.tier {tier!r} is not 1, 2 or 3: left out")
        tier = None
    columns = tuple(
        DbtColumn(str(c.get("name") or key), c.get("data_type"), c.get("description") or "")
        for key, c in (node.get("columns") or {}).items()
    )
    checks = _freshness(node, name, notes) if node.get("resource_type") == "source" else ()
    return DbtAsset(
        unique_id=uid,
        resource_type=str(node.get("resource_type")),
        name=name,
        description=str(node.get("description") or ""),
        owner=str(owner) if owner else None,
        tier=tier,
        tags=tuple(str(t) for t in node.get("tags") or ()),
        columns=columns,
        consumers=consumers,
        checks=checks,
    )


def _consumers(exposures: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for exposure in exposures.values():
        label = f"{exposure.get('type') or 'exposure'}.{exposure.get('name')}"
        for parent in _depends_on(exposure):
            found.setdefault(parent, []).append(label)
    return {uid: tuple(labels) for uid, labels in found.items()}


def _freshness(node: Mapping[str, Any], name: str, notes: list[str]) -> tuple[dict[str, Any], ...]:
    freshness = node.get("freshness") or {}
    column = node.get("loaded_at_field")
    error, warn = _duration(freshness.get("error_after")), _duration(freshness.get("warn_after"))
    if not column or not (error or warn):
        return ()
    if error is None:
        notes.append(f"{name}: a freshness with warn_after only has no trustwell check: left out")
        return ()
    check: dict[str, Any] = {"type": "freshness", "name": "dbt_source_freshness"}
    check |= {"column": column, "max_age": error}
    if warn is not None:
        check["warn"] = {"max_age": warn}
    return (check,)


def _duration(after: Any) -> str | None:
    if not isinstance(after, dict) or not after.get("count") or after.get("period") not in _PERIODS:
        return None
    return f"{after['count']}{_PERIODS[after['period']]}"


def _test(
    uid: str, node: Mapping[str, Any], names: Mapping[str, str], notes: list[str]
) -> DbtTest | None:
    parents = [p for p in _depends_on(node) if p in names]
    attached = node.get("attached_node") or (parents[0] if len(parents) == 1 else None)
    name = str(node.get("name") or uid)
    if not isinstance(attached, str) or attached not in names:
        notes.append(f"test {name}: it tests no single model, seed, snapshot or source: left out")
        return None
    metadata = node.get("test_metadata") or {}
    test_type = str(metadata.get("name") or "singular")
    kwargs = metadata.get("kwargs") or {}
    column = node.get("column_name") or kwargs.get("column_name")
    check = _check(test_type, name, column, kwargs, [names[p] for p in parents if p != attached])
    if check is not None and (node.get("config") or {}).get("where"):
        check["where"] = node["config"]["where"]
    return DbtTest(uid, name, names[attached], test_type, column, check)


def _check(
    test_type: str, name: str, column: Any, kwargs: Mapping[str, Any], others: list[str]
) -> dict[str, Any] | None:
    """The trustwell check of a generic test, or None (its results are all trustwell knows)."""
    if not isinstance(column, str) or not column:
        return None
    if test_type in ("not_null", "unique"):
        return {"type": test_type, "name": name, "column": column}
    if test_type == "accepted_values" and isinstance(kwargs.get("values"), list):
        return {"type": test_type, "name": name, "column": column, "values": kwargs["values"]}
    if test_type == "relationships" and len(others) == 1 and isinstance(kwargs.get("field"), str):
        to = f"{others[0]}.{kwargs['field']}"
        return {"type": "references", "name": name, "column": column, "to": to}
    return None
