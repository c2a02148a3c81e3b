"""What changed from one ODCS contract to the next, and which changes are breaking (pure).

A change is **breaking** when data, or a consumer, that was fine under the old
contract may not be under the new one: a column removed or retyped (queries
and pipelines that read it break), a rule tightened or added to an existing
column or object (data that passed now fails: a nullable column made
``required``, a lower ``max``, fewer accepted values, a new not-null rule), an
SLA lowered or removed (consumers lose a promise they planned on: a longer
latency, a lower objective). A change whose direction cannot be told (a new
pattern, another query) counts as breaking. Added columns and objects,
loosened or removed rules, raised or added SLAs and changed descriptions or
warning levels are not breaking. ``docs/contracts.md`` has the full list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from trustwell.contracts.diff_rules import Verdict, compare_rule, rule_key, rule_label
from trustwell.contracts.odcs import INFERRED
from trustwell.contracts.reading import show_path

_LOWER_IS_BETTER = {"latency", "ly", "frequency", "fy", "timetodetect", "td", "timetonotify", "tn"}
_LOWER_IS_BETTER |= {"timetorepair", "tr", "errorrate", "er"}
_HIGHER_IS_BETTER = {"slo", "availability", "av", "throughput", "th", "retention", "re"}
_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "day": 86400, "days": 86400}
_SECONDS |= {"w": 604800, "y": 31536000, "yr": 31536000, "years": 31536000}
_SECONDS |= {"sec": 1, "second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600}
_SECONDS |= {"hours": 3600, "week": 604800, "weeks": 604800, "year": 31536000}


@dataclass(frozen=True)
class Change:
    """One difference between the two contracts."""

    breaking: bool
    kind: str  # column_removed, rule_tightened, sla_lowered, … (docs/contracts.md)
    path: str  # where in the new document (in the old one for what was removed)
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "breaking": self.breaking,
            "kind": self.kind,
            "path": self.path,
            "message": self.message,
        }


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking ones first, each in document order."""
    found: list[Change] = []
    olds = {o.get("name"): (i, o) for i, o in enumerate(old.get("schema") or [])}
    news = {o.get("name"): (i, o) for i, o in enumerate(new.get("schema") or [])}
    for name, (i, _obj) in olds.items():
        if name not in news:
            path = show_path(("schema", i))
            found.append(Change(True, "object_removed", path, f"object {name} removed"))
    for name, (i, obj) in news.items():
        if name not in olds:
            found.append(
                Change(False, "object_added", show_path(("schema", i)), f"object {name} added")
            )
        else:
            found += _object(str(name), olds[name][1], obj, ("schema", i))
    found += _sla(old.get("slaProperties") or [], new.get("slaProperties") or [])
    return sorted(found, key=lambda c: not c.breaking)


def _object(
    name: str, old: dict[str, Any], new: dict[str, Any], at: tuple[Any, ...]
) -> list[Change]:
    found: list[Change] = []
    olds = {str(p["name"]).lower(): p for p in old.get("properties") or []}
    for i, prop in enumerate(new.get("properties") or []):
        path = (*at, "properties", i)
        before = olds.pop(str(prop["name"]).lower(), None)
        subject = f"{name}.{prop['name']}"
        if before is None:
            found.append(Change(False, "column_added", show_path(path), f"column {subject} added"))
            continue
        found += _property(subject, before, prop, path)
        found += _rules(subject, before.get("quality") or [], prop.get("quality") or [], path)
    for i, prop in enumerate(old.get("properties") or []):
        if str(prop["name"]).lower() in olds:
            where = show_path((*at, "properties", i))
            text = f"column {name}.{prop['name']} removed"
            found.append(Change(True, "column_removed", where, text))
    found += _rules(name, old.get("quality") or [], new.get("quality") or [], at)
    return found


def _property(
    subject: str, old: dict[str, Any], new: dict[str, Any], path: tuple[Any, ...]
) -> list[Change]:
    found: list[Change] = []
    where = show_path(path)
    before, after = _type(old), _type(new)
    if before != after:
        if not after[0] and not after[1]:
            found.append(
                Change(False, "column_untyped", where, f"{subject} no longer declares a type")
            )
        else:
            text = f"{subject} retyped: {_show_type(before)} → {_show_type(after)}"
            found.append(Change(True, "column_retyped", where, text))
    for flag, tightened in (("required", "now required (no NULLs)"), ("unique", "now unique")):
        was, now = bool(old.get(flag)), bool(new.get(flag))
        if now and not was:
            found.append(Change(True, f"{flag}_added", where, f"{subject} {tightened}"))
        elif was and not now:
            found.append(Change(False, f"{flag}_removed", where, f"{subject} no longer {flag}"))
    return found


def _type(prop: dict[str, Any]) -> tuple[str, str]:
    guessed = any(
        c.get("property") == INFERRED and c.get("value") is True
        for c in prop.get("customProperties") or []
    )
    logical = "" if guessed else str(prop.get("logicalType") or "")
    physical = " ".join(str(prop.get("physicalType") or "").lower().split())
    return logical, physical


def _show_type(found: tuple[str, str]) -> str:
    logical, physical = found
    if logical and physical:
        return f"{physical} ({logical})"
    return physical or logical or "untyped"


def _rules(
    subject: str, old: list[dict[str, Any]], new: list[dict[str, Any]], at: tuple[Any, ...]
) -> list[Change]:
    """Rules of one place matched by name, then the rest by what they check; then compared."""
    found: list[Change] = []
    left = dict(enumerate(old))
    matched: dict[int, dict[str, Any]] = {}
    for by_name in (True, False):
        waiting: dict[Any, list[int]] = {}
        for j, entry in left.items():
            waiting.setdefault(rule_key(entry, by_name=by_name), []).append(j)
        for j, entry in enumerate(new):
            key = rule_key(entry, by_name=by_name)
            if j in matched or (by_name and key[0] != "name") or not waiting.get(key):
                continue
            matched[j] = left.pop(waiting[key].pop(0))
    for j, entry in enumerate(new):
        path = show_path((*at, "quality", j))
        label = f"{subject}: rule {rule_label(entry)}"
        if j not in matched:
            found.append(Change(True, "rule_added", path, f"{label} added"))
            continue
        for verdict in compare_rule(matched[j], entry):
            found.append(_rule_change(verdict, path, label))
    for j, entry in left.items():
        path = show_path((*at, "quality", j))
        label = f"{subject}: rule {rule_label(entry)}"
        found.append(Change(False, "rule_removed", path, f"{label} removed"))
    return found


def _rule_change(verdict: Verdict, path: str, label: str) -> Change:
    breaking = verdict.kind in ("tightened", "changed")
    return Change(breaking, f"rule_{verdict.kind}", path, f"{label} {verdict.kind}: {verdict.what}")


def _sla(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    found: list[Change] = []
    waiting: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
    for k, item in enumerate(old):
        waiting.setdefault(_sla_key(item), []).append((k, item))
    for k, item in enumerate(new):
        path = show_path(("slaProperties", k))
        label = f"SLA {_sla_label(item)}"
        matches = waiting.get(_sla_key(item))
        if not matches:
            found.append(Change(False, "sla_added", path, f"{label} added"))
            continue
        _, before = matches.pop(0)
        change = _sla_change(before, item)
        if change is not None:
            breaking, kind, what = change
            found.append(Change(breaking, kind, path, f"{label} {what}"))
    for matches in waiting.values():
        for k, item in matches:
            path = show_path(("slaProperties", k))
            found.append(Change(True, "sla_removed", path, f"SLA {_sla_label(item)} removed"))
    return found


def _sla_key(item: dict[str, Any]) -> tuple[Any, ...]:
    extra = {p.get("property"): p.get("value") for p in item.get("customProperties") or []}
    which = extra.get("check") or extra.get("freshness")
    return str(item.get("property", "")).lower(), item.get("element"), json.dumps(which)


def _sla_label(item: dict[str, Any]) -> str:
    extra = {p.get("property"): p.get("value") for p in item.get("customProperties") or []}
    which = extra.get("check") or extra.get("freshness")
    parts = [str(item.get("property")), str(which or item.get("element") or "")]
    return " ".join(p for p in parts if p)


def _sla_change(old: dict[str, Any], new: dict[str, Any]) -> tuple[bool, str, str] | None:
    before, after = _sla_value(old), _sla_value(new)
    shown = f"{old.get('value')}{old.get('unit') or ''} → {new.get('value')}{new.get('unit') or ''}"
    if before == after:
        return None
    prop = str(new.get("property", "")).lower()
    if isinstance(before, float) and isinstance(after, float):
        if prop in _LOWER_IS_BETTER:
            lowered = after > before
        elif prop in _HIGHER_IS_BETTER:
            lowered = after < before
        else:
            return True, "sla_changed", f"changed: {shown}"
        return (
            (True, "sla_lowered", f"lowered: {shown}")
            if lowered
            else (False, "sla_raised", f"raised: {shown}")
        )
    return True, "sla_changed", f"changed: {shown}"


def _sla_value(item: dict[str, Any]) -> Any:
    """The value as a comparable number (durations in seconds), else as written."""
    value, unit = item.get("value"), str(item.get("unit") or "").lower()
    if not isinstance(value, int | float) or isinstance(value, bool):
        return (value, unit)
    if unit in ("", "percent", "%"):
        return float(value)
    if unit in _SECONDS:
        return float(value) * _SECONDS[unit]
    return (value, unit)
