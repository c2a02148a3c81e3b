"""Grouped statements of an incremental asset: per-group states, merged partition by partition.

A planned grouped statement (``fairness``'s counts per group, ``model``'s
sums per segment) whose every value is a mergeable count, sum, minimum or
maximum (:func:`~trustwell.checks.incremental_merge.grouped_part`) is
answered from a scan grouped by partition *and* group keys over the new rows
and restated partitions, merged with the stored per-group states; its rows
come back in the statement's own order (by key, NULLs last). Any other
grouped statement (with ``top``, or keys that read the whole relation) runs
as planned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from trustwell.checks import incremental_sql as sql
from trustwell.checks.incremental_merge import (
    Groups,
    Part,
    grouped_part,
    merge_groups,
    ordered_groups,
    partition_key,
)
from trustwell.checks.metrics import Grouped, and_all

if TYPE_CHECKING:
    from trustwell.checks.compile import Statement
    from trustwell.checks.incremental import Execute, IncrementalAsset, Rows


def run_grouped(asset: IncrementalAsset, statement: Statement, execute: Execute) -> Rows | None:
    """The rows of the grouped ``statement``, from merged per-group states (None: not mergeable)."""
    by_pair = {(n.check, n.metric): n.value for n in statement.needs}
    metrics = {c: by_pair[served[0]] for c, served in statement.columns.items()}
    maybe = {c: grouped_part(m) for c, m in metrics.items()}
    parts = {c: p for c, p in maybe.items() if p is not None}
    if not parts or len(parts) < len(maybe):
        if not any(isinstance(m, Grouped) and m.top is not None for m in metrics.values()):
            asset.in_full.update(statement.checks)  # not a failing check's details (top)
        return None
    shape = next(iter(metrics.values()))
    assert isinstance(shape, Grouped)
    asset.prepare(execute, statement.checks)
    todo = {p.key: p for p in parts.values() if p.key not in asset.done}
    known = asset.known_keys()
    fresh = [p for k, p in todo.items() if k in known]
    built = [p for k, p in todo.items() if k not in known]
    if fresh:
        _scan(asset, shape, fresh, asset.incremental_rows(), True, statement.checks, execute)
    if built:
        _scan(asset, shape, built, asset.all_rows(), False, statement.checks, execute)
        asset.widened = True
    for key, todo_part in todo.items():
        merged: Groups = {}
        for partition in asset.counts:
            merged = merge_groups(todo_part.kind, merged, asset.work.get(partition, {}).get(key))
        asset.done[key] = merged
    groups = ordered_groups({g for p in parts.values() for g in asset.done[p.key]})
    rows: list[dict[str, Any]] = []
    for group in groups:
        row: dict[str, Any] = dict(zip(statement.keys, group, strict=True))
        for column, part in parts.items():
            empty = 0 if isinstance(part.expression, exp.Count) else None  # a count of no row
            row[column] = asset.done[part.key].get(group, empty)
        rows.append(row)
    return rows


def _scan(
    asset: IncrementalAsset,
    shape: Grouped,
    parts: list[Part],
    where: exp.Expr,
    merging: bool,
    checks: Sequence[str],
    execute: Execute,
) -> None:
    """Scan ``parts`` per partition and group; merge into the stored states or replace them."""
    if asset.nothing_to_scan(merging):
        return
    keys = [exp.alias_(k.copy(), f"k{i}") for i, k in enumerate(shape.keys)]
    values = [exp.alias_(e, f"s{i}") for i, e in enumerate(asset.sharpened(parts))]
    partition = sql.partition_of(asset.column, asset.config.grain)
    query = (
        exp.select(exp.alias_(partition, sql.P), *keys, *values)
        .from_(asset.relation.copy())
        .where(and_all(shape.condition, where))
        .group_by(partition.copy(), *[k.copy() for k in shape.keys])
    )
    found: dict[str, dict[str, Groups]] = {}
    for r in execute(query, checks):
        key = partition_key(r[sql.P])
        group = tuple(r[f"k{i}"] for i in range(len(shape.keys)))
        for i, part in enumerate(parts):
            found.setdefault(key, {}).setdefault(part.key, {})[group] = r[f"s{i}"]
    for key, states in found.items():
        asset.scanned.add(key)
        stored = asset.work.setdefault(key, {})
        for part in parts:
            new = states.get(part.key, {})
            renew = asset.renews(merging, key, part, stored)
            stored[part.key] = new if renew else merge_groups(part.kind, stored[part.key], new)
    if not merging:  # a rebuilt state: partitions without a matching row have none
        for key in asset.counts:
            for part in parts:
                asset.work.setdefault(key, {}).setdefault(part.key, {})
