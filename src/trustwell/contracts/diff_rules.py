"""Two versions of one quality rule: tightened, loosened or changed (pure).

Thresholds are compared as the intervals they allow (:mod:`~trustwell.contracts.quality`):
a new interval inside the old one is tighter, one around it is looser, any
other is a change of unknown direction. Lists of accepted values compare as
sets (fewer is tighter). trustwell's own rules (``engine: trustwell``) compare
their check parameters the same way: bounds, allowances, ``max_age``,
accepted ``values`` and ``schema`` columns; another filter, column, pattern or
query is a change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from trustwell.contracts.quality import OPERATORS, Interval, interval_of

_IGNORED = {
    "name",
    "description",
    "tags",
    "samples",
    "dimension",
    "severity",
    "businessImpact",
    "id",
}


@dataclass(frozen=True)
class Verdict:
    kind: str  # tightened | loosened | changed | edited
    what: str


def rule_key(entry: dict[str, Any], *, by_name: bool = True) -> tuple[Any, ...]:
    """What identifies a rule across versions: its name, else (or if not ``by_name``) what
    it checks, so a rule renamed along with its check (one column fewer) is still matched."""
    if by_name and entry.get("name"):
        return ("name", entry["name"])
    kind = entry.get("type") or "library"
    spec = entry.get("implementation")
    if isinstance(spec, dict):
        spec = (spec.get("type"), spec.get("column"), json.dumps(spec.get("columns")))
    arguments = entry.get("arguments") or {}
    keys = json.dumps(arguments.get("properties")) if isinstance(arguments, dict) else None
    return (kind, entry.get("metric"), entry.get("query"), entry.get("engine"), keys, str(spec))


def rule_label(entry: dict[str, Any]) -> str:
    return str(entry.get("name") or entry.get("metric") or entry.get("type") or "rule")


def compare_rule(old: dict[str, Any], new: dict[str, Any]) -> list[Verdict]:
    """What changed in one rule (nothing when only its words did)."""
    if old == new:
        return []
    kind = new.get("type") or "library"
    old_spec, new_spec = old.get("implementation"), new.get("implementation")
    if kind == "custom" and isinstance(old_spec, dict) and isinstance(new_spec, dict):
        found = _spec(old_spec, new_spec)
    elif kind == "custom":
        found = [Verdict("changed", "its implementation")] if old_spec != new_spec else []
    else:
        found = _thresholds(old, new) + _arguments(old, new)
        if old.get("query") != new.get("query"):
            found.append(Verdict("changed", "its query"))
    return found


def _thresholds(old: dict[str, Any], new: dict[str, Any]) -> list[Verdict]:
    if (old.get("unit") or "rows") != (new.get("unit") or "rows"):
        return [Verdict("changed", f"unit {old.get('unit')} → {new.get('unit')}")]
    before, after = interval_of(old), interval_of(new)
    ops_before = {k: old[k] for k in OPERATORS if k in old}
    ops_after = {k: new[k] for k in OPERATORS if k in new}
    if ops_before == ops_after:
        return []
    shown = f"{_ops(ops_before)} → {_ops(ops_after)}"
    return [_interval(before, after, shown)]


def _interval(before: Interval | None, after: Interval | None, shown: str) -> Verdict:
    if before is None or after is None:
        return Verdict("changed", shown)
    if before.covers(after):
        return Verdict("tightened", shown)
    if after.covers(before):
        return Verdict("loosened", shown)
    return Verdict("changed", shown)


def _ops(ops: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in ops.items()) or "no bound"


def _arguments(old: dict[str, Any], new: dict[str, Any]) -> list[Verdict]:
    a, b = old.get("arguments") or {}, new.get("arguments") or {}
    if a == b:
        return []
    found = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) == b.get(key):
            continue
        if key in ("validValues", "missingValues") and isinstance(a.get(key), list):
            # fewer valid values is tighter; more values counted as missing is tighter
            tighter_if_fewer = key == "validValues"
            found.append(_sets(a.get(key), b.get(key), key, tighter_if_fewer))
        else:
            found.append(Verdict("changed", f"{key} {a.get(key)!r} → {b.get(key)!r}"))
    return found


def _sets(old: Any, new: Any, key: str, tighter_if_fewer: bool) -> Verdict:
    before = {json.dumps(v, sort_keys=True) for v in old or []}
    after = {json.dumps(v, sort_keys=True) for v in new or []} if isinstance(new, list) else None
    if after is None:
        return Verdict("changed" if new is not None else "loosened", f"{key} removed")
    gone, added = sorted(before - after), sorted(after - before)
    what = f"{key}: " + "; ".join(
        p
        for p in (
            f"removed {', '.join(gone)}" if gone else "",
            f"added {', '.join(added)}" if added else "",
        )
        if p
    )
    if gone and added:
        return Verdict("changed", what)
    narrower = bool(gone)
    tighter = narrower if tighter_if_fewer else not narrower
    return Verdict("tightened" if tighter else "loosened", what)


def _spec(old: dict[str, Any], new: dict[str, Any]) -> list[Verdict]:
    """trustwell check parameters, old and new."""
    found: list[Verdict] = []
    keys = sorted((set(old) | set(new)) - _IGNORED)
    done = {"min", "max", "max_failing", "max_failing_fraction"}
    bounds = _bounds(old, new)
    if bounds is not None:
        found.append(bounds)
    allowance = _allowance(old, new)
    if allowance is not None:
        found.append(allowance)
    for key in keys:
        if key in done or old.get(key) == new.get(key):
            continue
        a, b = old.get(key), new.get(key)
        if key == "warn":
            found.append(Verdict("edited", "its warning level"))
        elif key == "max_age" and isinstance(a, str) and isinstance(b, str):
            found.append(_max_age(a, b))
        elif key == "values" and isinstance(a, list):
            found.append(_sets(a, b, "values", True))
        elif key == "columns" and isinstance(a, dict) and isinstance(b, dict):
            found.append(_schema_columns(a, b))
        elif key == "allow_extra":
            found.append(Verdict("loosened" if b in (None, True) else "tightened", "allow_extra"))
        else:
            found.append(Verdict("changed", f"{key} {a!r} → {b!r}"))
    return found


def _bounds(old: dict[str, Any], new: dict[str, Any]) -> Verdict | None:
    a, b = (old.get("min"), old.get("max")), (new.get("min"), new.get("max"))
    if a == b:
        return None
    shown = f"[{a[0]}, {a[1]}] → [{b[0]}, {b[1]}]"
    if not all(
        v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in (*a, *b)
    ):
        return Verdict("changed", shown)
    return _interval(Interval(a[0], a[1]), Interval(b[0], b[1]), shown)


def _allowance(old: dict[str, Any], new: dict[str, Any]) -> Verdict | None:
    keys = ("max_failing", "max_failing_fraction")
    a, b = [old.get(k) for k in keys], [new.get(k) for k in keys]
    if a == b:
        return None
    shown = f"allowance {_allowed(a)} → {_allowed(b)}"
    if (a[1] is None) != (b[1] is None):
        return Verdict("changed", shown)  # rows against a share: depends on the data
    k = 1 if a[1] is not None else 0
    before, after = float(a[k] or 0), float(b[k] or 0)
    return Verdict("tightened" if after < before else "loosened", shown)


def _allowed(pair: list[Any]) -> str:
    return f"{pair[1] * 100:g}%" if pair[1] is not None else f"{pair[0] or 0} rows"


def _max_age(a: str, b: str) -> Verdict:
    from trustwell.durations import parse_duration

    try:
        shorter = parse_duration(b) < parse_duration(a)
    except ValueError:
        return Verdict("changed", f"max_age {a} → {b}")
    return Verdict("tightened" if shorter else "loosened", f"max_age {a} → {b}")


def _schema_columns(a: dict[str, Any], b: dict[str, Any]) -> Verdict:
    retyped = [k for k in a if k in b and a[k] != b[k]]
    if retyped:
        return Verdict("changed", f"columns retyped: {', '.join(retyped)}")
    added = [k for k in b if k not in a]
    if added:
        return Verdict("tightened", f"columns now required: {', '.join(added)}")
    return Verdict(
        "loosened", f"columns no longer required: {', '.join(k for k in a if k not in b)}"
    )
