"""Which metrics an incremental run can merge, and how: the pure half of ``incremental:``.

A metric computed over all of an asset's rows can often be computed per
partition of the rows and merged: a count or a sum is the sum of the
partitions' counts or sums, a minimum the least of their minima, a mean the
merged sum over the merged count (``AVG`` is decomposed so). Such a metric
is a :class:`Recipe`: the :class:`Part` states stored per partition and how
the asset-wide value is finished from them. A distinct count is exact by a
probe of the new keys against the old rows (:data:`DISTINCT`). A grouped
count or sum (``fairness``'s counts per group) merges group by group
(:func:`grouped_part`). Anything else (a sample standard deviation, a
median, a grouped result with ``top`` or data-dependent keys, an own query)
is not mergeable here and is computed over the full relation in the same run.

Also here: the fingerprint comparison that finds restated partitions, and
the typed JSON form of the stored values. Pure: no database, no store.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, reduce
from typing import Any, Literal

from sqlglot import exp

from trustwell.checks.metrics import Aggregate, DistinctCount, Grouped, Metric

PartKind = Literal["sum", "min", "max"]
Groups = dict[tuple[Any, ...], Any]  # a grouped state: group key -> that group's state
Finish = Literal["count", "value", "mean"]
#: The classification of a distinct count: exact by a probe of new keys against old rows.
DISTINCT = "distinct"


@dataclass(frozen=True)
class Part:
    """One stored state: an aggregate over a partition's rows, merged by ``kind``."""

    kind: PartKind
    expression: exp.Expr
    #: what else the state depends on: a grouped state's keys and filter
    scope: exp.Expr | None = None

    @cached_property
    def key(self) -> str:
        """The state's identity: a hash of its kind and expression (a changed check, a new key)."""
        if self.scope is None:
            return state_key(self.kind, self.expression)
        return state_key(self.kind, exp.Tuple(expressions=[self.expression, self.scope]))


@dataclass(frozen=True)
class Recipe:
    """How one metric's value comes from merged parts."""

    parts: tuple[Part, ...]
    finish: Finish

    def value(self, merged: Mapping[str, Any]) -> Any:
        """The asset-wide value from each part's merged state (by key)."""
        values = [merged.get(p.key) for p in self.parts]
        if self.finish == "count":
            return values[0] or 0
        if self.finish == "mean":
            total, count = values
            return None if not count or total is None else total / count
        return values[0]


def state_key(kind: str, expression: exp.Expr) -> str:
    """A short stable hash of a state's kind and expression (sqlglot's canonical SQL)."""
    text = f"{kind}:{expression.sql()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def classify(metric: Metric) -> Recipe | str | None:
    """A metric's :class:`Recipe`, :data:`DISTINCT`, or None when it is not mergeable."""
    if isinstance(metric, DistinctCount):
        return DISTINCT
    if not isinstance(metric, Aggregate):
        return None
    expression = metric.expression
    if isinstance(expression, exp.Count) and not isinstance(expression.this, exp.Distinct):
        return Recipe((Part("sum", expression),), "count")
    if isinstance(expression, exp.Sum):
        return Recipe((Part("sum", expression),), "value")
    if isinstance(expression, exp.Min | exp.Max):
        kind: PartKind = "min" if isinstance(expression, exp.Min) else "max"
        return Recipe((Part(kind, expression),), "value")
    if isinstance(expression, exp.Avg):
        argument = expression.this
        total = exp.Sum(this=argument.copy())
        return Recipe((Part("sum", total), Part("sum", exp.Count(this=argument.copy()))), "mean")
    return None


def grouped_part(metric: Metric) -> Part | None:
    """The state of a grouped metric kept per group key, or None when it is not mergeable.

    Mergeable: every group kept (no ``top``), a count, sum, minimum or maximum
    per group, and keys that are a row's own values (no subquery over the
    relation, whose answer would change with the data: ``model``'s score bins).
    """
    if not isinstance(metric, Grouped) or metric.top is not None:
        return None
    parts = [*metric.keys, metric.value, metric.condition]
    if any(p is not None and p.find(exp.Subquery, exp.Select) for p in parts):
        return None
    recipe = classify(Aggregate(metric.value))
    if not isinstance(recipe, Recipe) or recipe.finish == "mean":
        return None
    (part,) = recipe.parts
    scope = exp.Tuple(expressions=[k.copy() for k in metric.keys])
    if metric.condition is not None:
        scope.append("expressions", metric.condition.copy())
    return Part(part.kind, part.expression, scope)


def merge_groups(kind: PartKind, left: Groups | None, right: Groups | None) -> Groups:
    """Two partitions' per-group states as one: each group key merged alone."""
    merged = dict(left or {})
    for key, value in (right or {}).items():
        merged[key] = merge(kind, merged.get(key), value)
    return merged


def ordered_groups(groups: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Group keys in ``ORDER BY`` order: ascending, NULLs last (DuckDB and PostgreSQL)."""
    return sorted(groups, key=lambda key: tuple((k is None, k) for k in key))


def merge(kind: PartKind, left: Any, right: Any) -> Any:
    """Two partitions' (or a stored and a new) states of one part as one; NULL is no value."""
    if left is None:
        return right
    if right is None:
        return left
    if kind == "sum":
        return left + right
    if kind == "min":
        return min(left, right)
    return max(left, right)


def merge_all(kind: PartKind, values: Iterable[Any]) -> Any:
    """The states of every partition as one (None when there is none).

    The same as :func:`merge` from left to right (a sum in the same order; the
    first of equal minima), without a call per partition: a run merges every
    stored partition's state of every part (369 x 12 on the bench).
    """
    present = [v for v in values if v is not None]
    if not present:
        return None
    if kind == "sum":
        return reduce(operator.add, present)
    return min(present) if kind == "min" else max(present)


@dataclass(frozen=True)
class Fingerprint:
    """What a partition's rows at or below the watermark looked like: count, maybe checksum."""

    rows: int
    checksum: int | None = None


def restated(stored: Mapping[str, Fingerprint], observed: Mapping[str, Fingerprint]) -> list[str]:
    """Partitions whose old rows changed since their states were stored, sorted.

    ``stored``: the fingerprints kept with the states; ``observed``: those of
    the rows at or below the watermark now. A stored partition that is gone,
    or counts (or sums) differently, is restated; so is an observed one with
    old rows that was never stored (rows loaded late, below the watermark).
    A checksum is compared only when both sides have one.
    """
    changed = set()
    for key, before in stored.items():
        now = observed.get(key, Fingerprint(0, None))
        sums_differ = (
            before.checksum is not None
            and now.checksum is not None
            and before.checksum != now.checksum
        )
        if now.rows != before.rows or sums_differ:
            changed.add(key)
    changed |= {k for k, now in observed.items() if now.rows and k not in stored}
    return sorted(changed)


def old_rows(
    every: Mapping[str, Fingerprint], new: Mapping[str, Fingerprint]
) -> dict[str, Fingerprint]:
    """Each partition's old rows: all its rows (and checksum) but its new ones."""
    old = dict(every)
    for key, fresh in new.items():
        whole = old.get(key, Fingerprint(0))
        summed = (
            whole.checksum - fresh.checksum
            if whole.checksum is not None and fresh.checksum is not None
            else whole.checksum
        )
        old[key] = Fingerprint(whole.rows - fresh.rows, summed)
    return old


def restated_note(asset: str, partitions: int) -> str:
    """What the run says of a restatement."""
    plural = "s" if partitions != 1 else ""
    return f"restated: {partitions} partition{plural} of {asset} rescanned"


def comparable(high: Any, watermark: Any) -> bool:
    """Whether the stored watermark compares with the column's values now (None: nothing to)."""
    if high is None:
        return True
    try:
        _ = high > watermark
    except TypeError:  # a date against a timestamp, a naive against an aware one, text…
        return False
    return True


# --- stored values as typed JSON -------------------------------------------------------


def encode(value: Any) -> Any:
    """A state or partition value as JSON that :func:`decode` gives back with its type."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, dict):  # a grouped state
        return {"groups": [[*map(encode, k), encode(v)] for k, v in value.items()]}
    if isinstance(value, int):
        return {"int": str(value)}  # exact beyond 2**53
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(f"cannot store a state of type {type(value).__name__}")


#: How :func:`decode` reads each typed value back (built once: it decodes every stored state).
_READERS: dict[str, Callable[[str], Any]] = {
    "int": int,
    "float": float,
    "decimal": Decimal,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
}


def decode(value: Any) -> Any:
    """The value :func:`encode` wrote."""
    if not isinstance(value, dict):
        return value
    ((kind, text),) = value.items()
    if kind == "groups":
        return {tuple(map(decode, g[:-1])): decode(g[-1]) for g in text}
    return _READERS[kind](text)


def partition_key(value: Any) -> str:
    """A partition's stored name: its typed JSON, ``null`` for rows without a watermark value."""
    import json

    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)  # PostgreSQL's DIV gives numeric
    return json.dumps(encode(value), sort_keys=True)


def partition_value(key: str) -> Any:
    """The partition value a :func:`partition_key` names."""
    import json

    return decode(json.loads(key))
