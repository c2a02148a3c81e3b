"""The asset's own keys from a contract: description, owner, tags and trustwell's custom properties.

Pure. A team, warehouse or use case the project does not declare is left out
(the project would not load with it) and listed with its path.
"""

from __future__ import annotations

from typing import Any

from trustwell.contracts.reading import Known, Reading

_LISTS = {"upstream": "upstream", "consumers": "consumers", "subscribers": "subscribers"}


def read_extras(doc: dict[str, Any], known: Known, reading: Reading) -> dict[str, Any]:
    """The asset's keys other than its relation, columns, checks and SLOs."""
    found: dict[str, Any] = {}
    custom = _custom(doc, known, reading, found)
    description = doc.get("description") or {}
    if isinstance(description.get("purpose"), str):
        found["description"] = description["purpose"]
        reading.use("description", "purpose")
    usage = description.get("usage")
    if isinstance(usage, str) and "use_cases" in custom:
        reading.use("description", "usage")  # the custom property says it exactly
    elif isinstance(usage, str):
        names = [part.split(":")[0].strip() for part in usage.replace(";", ",").split(",")]
        if known.use_cases and names and all(n in known.use_cases for n in names):
            found["use_cases"] = names
            reading.use("description", "usage")
        else:
            reason = "free text: use cases are names declared under use_cases: in trustwell.yml"
            reading.skip(("description", "usage"), reason)
    _team(doc.get("team"), known, reading, found)
    tags = doc.get("tags")
    if isinstance(tags, list) and tags:
        found["tags"] = [str(t) for t in tags]
        reading.use("tags")
    return found


def _team(team: Any, known: Known, reading: Reading, found: dict[str, Any]) -> None:
    if team is None:
        return
    if not isinstance(team, dict):
        reading.skip(("team",), "a list of members (ODCS 3.0) names no team to own the asset")
        return
    name = team.get("name")
    if not isinstance(name, str):
        return
    if known.teams is not None and name not in known.teams:
        reason = f"team {name!r} is not declared under teams: in trustwell.yml: no owner set"
        reading.skip(("team",), reason)
        return
    found["owner"] = name
    reading.use("team", "name")
    reading.use("team", "members")  # the members are the team's, in trustwell.yml
    reading.use("team", "description")


def _custom(
    doc: dict[str, Any], known: Known, reading: Reading, found: dict[str, Any]
) -> dict[str, Any]:
    """trustwell's custom properties (any vendor's, if the name is one of trustwell's)."""
    read: dict[str, Any] = {}
    for k, prop in enumerate(doc.get("customProperties") or []):
        path = ("customProperties", k)
        name, value = prop.get("property"), prop.get("value")
        problem = _one(name, value, known, found)
        if problem is None:
            reading.use(*path)
            read[str(name)] = value
            if name == "useCases":
                read["use_cases"] = value
        else:
            reading.skip(path, problem)
    return read


def _one(name: Any, value: Any, known: Known, found: dict[str, Any]) -> str | None:
    """Set one custom property on ``found``; the reason it cannot be, or None."""
    if name == "tier":
        if value in (1, 2, 3) and not isinstance(value, bool):
            if value != 3:
                found["tier"] = value
            return None
        return f"tier {value!r} is not 1, 2 or 3"
    if name == "customerFacing":
        if isinstance(value, bool):
            if value:
                found["customer_facing"] = True
            return None
        return "customerFacing is not true or false"
    if name == "warehouse":
        if isinstance(value, str) and value in known.warehouses:
            found["warehouse"] = value
            return None
        return f"warehouse {value!r} is not declared in trustwell.yml"
    if name == "schedule":
        from croniter import croniter

        if isinstance(value, str) and croniter.is_valid(value):
            found["schedule"] = value
            return None
        return f"schedule {value!r} is not a cron expression"
    if name == "openlineage":
        parts = [value.get(k) for k in ("namespace", "name")] if isinstance(value, dict) else []
        if parts and all(isinstance(p, str) and p for p in parts):
            found["openlineage"] = {"namespace": value["namespace"], "name": value["name"]}
            return None
        return "openlineage is not {namespace, name}"
    if name == "useCases" or name in _LISTS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"{name} is not a list of names"
        if name == "useCases":
            unknown = [v for v in value if known.use_cases and v not in known.use_cases]
            if unknown:
                return f"use cases {', '.join(unknown)} are not declared in trustwell.yml"
            found["use_cases"] = list(value)
        else:
            found[_LISTS[name]] = list(value)
        return None
    return "no trustwell equivalent"
