"""The checks and SLOs of an imported contract, put in order and validated (pure).

Rules come in per place (each property's ``quality``, then the object's). A
``nullValues`` rule written once per column under one name is one ``not_null``
check over those columns again; the checks are ordered so that each place
lists its rules as the document does (exporting again gives the same
document). ``required``/``unique`` flags without a rule of their own, latency
SLAs without a freshness rule and typed properties add checks. Each check is
validated with its type's own model; one that does not validate, or names an
asset or SQL the project would refuse, is listed instead of kept.
"""

from __future__ import annotations

import itertools
from typing import Any

from pydantic import ValidationError

from trustwell.checks.registry import CHECK_MODELS
from trustwell.contracts.reading import Known, Located, Path, Reading
from trustwell.durations import parse_duration

_UNITS = {
    "s": "s", "sec": "s", "second": "s", "seconds": "s",
    "m": "m", "min": "m", "minute": "m", "minutes": "m",
    "h": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "week": "w", "weeks": "w",
}  # fmt: skip


def finish_checks(
    asset: str,
    lists: list[list[Located]],
    flags: list[Located],
    typed: dict[str, str],
    sla: list[dict[str, Any]],
    known: Known,
    reading: Reading,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The asset's ``checks:`` and ``slos:`` as written in YAML."""
    checks = _in_order(lists, known.check_order)
    checks += _latency(sla, checks, reading)
    checks += _flagged(flags, checks)
    if typed:
        checks.insert(0, Located({"type": "schema", "columns": typed}, ("schema", 0, "properties")))
    kept = _validated(asset, checks, known, reading)
    return kept, _slos(sla, kept, reading)


def _in_order(lists: list[list[Located]], before: tuple[str, ...]) -> list[Located]:
    """One check per rule (grouped ``nullValues`` merged), in an order every place agrees with.

    Where the places leave the order open, a check keeps its place among ``before``
    (the asset's checks as they were), and the others follow in the order written.
    """
    groups: dict[str, Located] = {}
    alias: dict[int, Located] = {}
    order: list[Located] = []
    for place in lists:
        for item in place:
            check = item.check
            key = check.get("name") if _groupable(check) else None
            if isinstance(key, str) and key in groups:
                first = groups[key]
                columns = first.check.pop("column", None)
                first.check.setdefault("columns", [columns] if columns else [])
                first.check["columns"].append(check["column"])
                alias[id(item)] = first
                continue
            if isinstance(key, str):
                groups[key] = item
            order.append(item)
    # Kahn's algorithm: each place's order is a constraint, ties go to the first written.
    known = {name: i for i, name in enumerate(before)}
    rank = {
        id(item): (known.get(str(item.check.get("name")), len(known)), i)
        for i, item in enumerate(order)
    }
    after: dict[int, set[int]] = {id(item): set() for item in order}
    waiting = dict.fromkeys(rank, 0)
    for place in lists:
        chain = [id(alias.get(id(item), item)) for item in place]
        for a, b in itertools.pairwise(chain):
            if a != b and b not in after[a]:
                after[a].add(b)
                waiting[b] += 1
    by_id = {id(item): item for item in order}
    ready = sorted((i for i, n in waiting.items() if n == 0), key=rank.__getitem__)
    result: list[Located] = []
    while ready:
        current = ready.pop(0)
        result.append(by_id[current])
        for nxt in after[current]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                ready.append(nxt)
        ready.sort(key=rank.__getitem__)
    result += [item for item in order if item not in result]  # a cycle: written order
    return result


def _groupable(check: dict[str, Any]) -> bool:
    allowance = {"max_failing", "max_failing_fraction", "where", "warn"}
    return check.get("type") == "not_null" and "column" in check and not allowance & set(check)


def _latency(sla: list[dict[str, Any]], checks: list[Located], reading: Reading) -> list[Located]:
    """Latency SLAs as freshness checks, unless a freshness rule already says the same."""
    added: list[Located] = []
    for k, item in enumerate(sla):
        path: Path = ("slaProperties", k)
        prop = str(item.get("property", "")).lower()
        if prop == "slo":
            continue  # read by _slos
        if prop not in ("latency", "ly"):
            reading.skip(path, f"the SLA property {item.get('property')!r} has no trustwell check")
            continue
        element, value = item.get("element"), item.get("value")
        unit = _UNITS.get(str(item.get("unit", "")).lower())
        if not isinstance(element, str) or not element:
            reading.skip(path, "a latency SLA without an element: which column is its time?")
            continue
        if unit is None or not isinstance(value, int | float) or isinstance(value, bool):
            reading.skip(path, "a latency SLA needs a number and a unit (s, m, h, d, w)")
            continue
        column = element.split(",")[0].strip().rsplit(".", 1)[-1]
        max_age = f"{value:g}{unit}"
        try:
            seconds = parse_duration(max_age)
        except ValueError as exc:
            reading.skip(path, str(exc))
            continue
        reading.use(*path)
        same = any(
            c.check.get("type") == "freshness"
            and str(c.check.get("column", "")).lower() == column.lower()
            and _duration(c.check.get("max_age")) == seconds
            for c in [*checks, *added]
        )
        if not same:
            check = {"type": "freshness", "column": column, "max_age": max_age}
            added.append(Located(check, path, column))
    return added


def _duration(text: Any) -> Any:
    try:
        return parse_duration(text)
    except (ValueError, TypeError):
        return None


def _flagged(flags: list[Located], checks: list[Located]) -> list[Located]:
    """``required``/``unique`` flags that no rule of that column already checks."""
    added = []
    for flag in flags:
        kind, column = flag.check["type"], str(flag.column).lower()
        covered = any(
            c.check.get("type") == kind and column in _columns(c.check, kind) for c in checks
        )
        if not covered:
            added.append(flag)
    return added


def _columns(check: dict[str, Any], kind: str) -> list[str]:
    listed = check.get("columns") or [check.get("column")]
    names = [str(c).lower() for c in listed if c is not None]
    return names if kind == "not_null" or len(names) == 1 else []


def _validated(
    asset: str, checks: list[Located], known: Known, reading: Reading
) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    names: set[str] = set()
    for item in checks:
        check, path = item.check, item.path
        model = CHECK_MODELS.get(str(check.get("type")))
        if model is None:
            reading.skip(path, f"check type {check.get('type')!r} is not one of trustwell's")
            continue
        try:
            parsed = model.model_validate(check)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            why = f"{where}: {first['msg']}" if where else str(first["msg"])
            reading.skip(path, f"not a valid {check['type']} check: {why}")
            continue
        refused = _refused(asset, check, known)
        if refused:
            reading.skip(path, refused)
            continue
        default = parsed.model_copy(update={"name": None}).display_name
        if check.get("name") == default:
            check = {k: v for k, v in check.items() if k != "name"}
        shown = check.get("name") or default
        if shown in names:  # two rules with one name: the loader wants them apart
            k = 2
            while f"{shown}#{k}" in names:
                k += 1
            shown = f"{shown}#{k}"
            check = {"type": check["type"], "name": shown} | check
        names.add(shown)
        kept.append(check)
    return kept


def _refused(asset: str, check: dict[str, Any], known: Known) -> str | None:
    """What the project loader would refuse: an unknown referenced asset, unsafe SQL."""
    from trustwell.readonly_sql import UnsafeSql, read_only_condition, read_only_query

    target = check.get("to")
    if check.get("type") == "references" and isinstance(target, str):
        other = target.rpartition(".")[0]
        if other != asset and other not in known.assets:
            return f"references {other!r}, which is not an asset of the project"
    try:
        for key in ("query", "failing_rows"):
            if isinstance(check.get(key), str):
                read_only_query(check[key], known.dialect, what=key)
        if isinstance(check.get("where"), str):
            read_only_condition(check["where"], known.dialect, what="where")
    except UnsafeSql as exc:
        return str(exc)
    return None


def _slos(
    sla: list[dict[str, Any]], checks: list[dict[str, Any]], reading: Reading
) -> list[dict[str, Any]]:
    """``slaProperties`` of property ``slo`` as the asset's ``slos:``."""
    names = {c.get("name") for c in checks} | {_display(c) for c in checks}
    found = []
    for k, item in enumerate(sla):
        if str(item.get("property", "")).lower() != "slo":
            continue
        path: Path = ("slaProperties", k)
        extra = {p.get("property"): p.get("value") for p in item.get("customProperties") or []}
        value = item.get("value")
        slo: dict[str, Any] = {}
        if isinstance(extra.get("name"), str) and extra["name"]:
            slo["name"] = extra["name"]
        for key in ("check", "freshness"):
            if extra.get(key) is not None:
                slo[key] = extra[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            slo["objective"] = f"{value:g}%"
        if extra.get("window"):
            slo["window"] = extra["window"]
        problem = _slo_problem(slo)
        if problem:
            reading.skip(path, f"not a valid SLO: {problem}")
            continue
        if "check" in slo and slo["check"] not in names:
            reading.skip(path, f"the SLO's check {slo['check']!r} is not imported")
            continue
        reading.use(*path)
        found.append(slo)
    return found


def _display(check: dict[str, Any]) -> str:
    parsed = CHECK_MODELS[check["type"]].model_validate(check)
    return parsed.display_name


def _slo_problem(slo: dict[str, Any]) -> str | None:
    """What the ``slos:`` item model would refuse (checked here: the models are not pure)."""
    if ("check" in slo) == ("freshness" in slo):
        return "it gives neither a check nor a freshness (custom properties check, freshness)"
    value = str(slo.get("objective", "")).rstrip("%")
    try:
        if not 0 <= float(value) <= 100:
            return f"objective {slo.get('objective')} is not between 0% and 100%"
    except ValueError:
        return "its value is not a percentage"
    for key in ("window", "freshness"):
        if key in slo:
            try:
                parse_duration(str(slo[key]))
            except ValueError as exc:
                return str(exc)
    return None
