"""Distinct counts of an incremental asset: a stored key bitmap, or the stored count and a probe.

On DuckDB, a distinct count of one integer key column without a filter
(``unique: {column: id}``, ``stat: distinct_count``) whose keys span fewer
than :data:`~trustwell.checks.incremental_bitmap.CAP` values keeps a
**bitmap** of the old rows' keys. A run reads the new rows' key range, then
their bitmap (``BITSTRING_AGG`` with those bounds), and the count is the
popcount of the union with the stored bitmap: exact, and no old row is read.
The union is stored for the next run. A key range that grows past the cap
drops the bitmap: that run and the next ones probe.

Every other distinct count (several keys, a non-integer key, a filter, a
too-wide range, PostgreSQL) is the stored count of the old rows plus the
distinct new keys that no old row has: one ``NOT EXISTS`` probe per count
(:func:`~trustwell.checks.incremental_sql.distinct_probe`), all in one
statement. Without a stored count (a new check, a rebuild) or after a
restatement (a removed row may have held the last copy of a key) the count
is computed over the full relation, once: from a bitmap built over every row
where the key allows one (and stored), else with the planned expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from trustwell.checks import incremental_sql as sql
from trustwell.checks.bitmap_distinct import bitmap_column
from trustwell.checks.incremental_bitmap import Bitmap, fits, from_bitstring, is_key, widened
from trustwell.checks.incremental_merge import DISTINCT, state_key
from trustwell.checks.metrics import DistinctCount, Metric
from trustwell.engines.base import EngineError

if TYPE_CHECKING:
    from trustwell.checks.compile import Statement
    from trustwell.checks.incremental import Execute, IncrementalAsset
    from trustwell.engines.base import Column

Range = tuple[Any, Any]  # the least and largest key among some rows (None, None: no key)


def distinct_key(metric: DistinctCount) -> str:
    """The stored distinct count's identity: its keys and filter."""
    parts = [k.copy() for k in metric.keys] + [metric.condition or exp.true()]
    return state_key(DISTINCT, exp.Tuple(expressions=parts))


def key_column(asset: IncrementalAsset, metric: DistinctCount) -> str | None:
    """The one key column a bitmap can count (None: several keys, a filter, not DuckDB)."""
    if asset.engine.dense_distinct != "bitstring" or metric.condition is not None:
        return None
    return bitmap_column(metric)


def run_distinct(
    asset: IncrementalAsset, statement: Statement, metrics: dict[str, Metric], execute: Execute
) -> dict[str, Any]:
    """The value of each distinct-count column of ``statement`` (by output column)."""
    found: dict[str, Any] = {}
    mapped: dict[str, DistinctCount] = {}
    probes: dict[str, DistinctCount] = {}
    full: dict[str, DistinctCount] = {}
    stored = asset.stored.distinct if asset.stored is not None else {}
    bitmaps = asset.stored.bitmaps if asset.stored is not None else {}
    keys: dict[str, str] = {}  # column -> its stored count's key, rendered once
    for column, metric in metrics.items():
        assert isinstance(metric, DistinctCount)
        key = keys[column] = distinct_key(metric)
        if key in asset.distinct:  # computed by another statement of this run
            found[column] = asset.distinct[key]
        elif asset.rebuild or asset.changed or key not in stored or asset.no_new_values:
            full[column] = metric
        elif asset.no_new_rows:
            found[column] = asset.distinct[key] = stored[key]
            if key in bitmaps:
                asset.bitmaps[key] = bitmaps[key]
                asset.kept_bitmaps.add(key)
        elif key in bitmaps and bitmaps[key].count == stored[key] and key_column(asset, metric):
            mapped[column] = metric
        else:
            probes[column] = metric
    if full:
        found.update(_full(asset, statement, full, keys, execute))
    if mapped:
        merged, fallbacks = _merged(asset, statement, mapped, keys, execute)
        found.update(merged)
        probes.update(fallbacks)
    if probes:
        found.update(_probed(asset, statement, probes, keys, execute))
    return found


def _described(asset: IncrementalAsset) -> list[Column]:
    """The relation's columns, described once per run.

    None when the describe fails: the planned statements then report the error.
    """
    if asset.columns is None:
        try:
            asset.columns = asset.engine.describe(asset.relation)
        except EngineError:
            asset.columns = []
    return asset.columns


def _ranges(
    asset: IncrementalAsset, names: list[str], where: exp.Expr, statement: Statement, ex: Execute
) -> dict[str, Range]:
    """Each key column's least and largest value among the rows ``where`` (none on a dry run)."""
    rows = ex(sql.key_ranges(asset.relation, names, where), statement.checks)
    if not rows:
        return {}
    return {n: (rows[0][f"l{i}"], rows[0][f"h{i}"]) for i, n in enumerate(names)}


def _bitmaps(
    asset: IncrementalAsset,
    ranges: Mapping[str, tuple[int, int]],
    where: exp.Expr,
    statement: Statement,
    execute: Execute,
) -> dict[str, Bitmap]:
    """Each key column's bitmap among the rows ``where``, within its range."""
    bounds = [(n, lo, hi) for n, (lo, hi) in ranges.items()]
    rows = execute(sql.key_bitmaps(asset.relation, bounds, where), statement.checks)
    row = rows[0] if rows else {}
    return {n: from_bitstring(row.get(f"b{i}"), lo) for i, (n, lo, _) in enumerate(bounds)}


def _full(
    asset: IncrementalAsset,
    statement: Statement,
    metrics: dict[str, DistinctCount],
    keys: Mapping[str, str],
    execute: Execute,
) -> dict[str, Any]:
    """Distinct counts over every row: bitmaps where the key allows, else the planned expression."""
    names = {c: n for c, m in metrics.items() if (n := key_column(asset, m)) is not None}
    if names:  # only integer columns: a string key would cost a scan for nothing
        types = {c.name: c.type for c in _described(asset)}
        names = {c: n for c, n in names.items() if types.get(n) == "integer"}
    where = asset.all_rows()
    ranges = _ranges(asset, sorted(set(names.values())), where, statement, execute) if names else {}
    fitting = {
        n: (lo, hi)
        for n, (lo, hi) in ranges.items()
        if is_key(lo) and is_key(hi) and fits(lo, hi)  # NULL only: no range, no bitmap
    }
    found: dict[str, Any] = {}
    if fitting:
        built = _bitmaps(asset, fitting, where, statement, execute)
        for column, name in names.items():
            if name in built:
                key = keys[column]
                asset.bitmaps[key] = built[name]
                found[column] = asset.distinct[key] = built[name].count
    rest = [c for c in metrics if c not in found]
    if rest:
        values = asset.full_columns(statement, rest, execute)
        for column in rest:
            found[column] = values.get(column, 0)
            asset.distinct[keys[column]] = int(found[column] or 0)
    return found


def _merged(
    asset: IncrementalAsset,
    statement: Statement,
    metrics: dict[str, DistinctCount],
    keys: Mapping[str, str],
    execute: Execute,
) -> tuple[dict[str, Any], dict[str, DistinctCount]]:
    """Counts from the stored bitmaps and the new rows' ones; and the columns that must probe.

    A probe takes over where the new keys are not integers any more (the
    column's type changed) or widen the range past the cap: the bitmap is
    then dropped (not stored), the count stays exact.
    """
    assert asset.stored is not None
    stored = asset.stored.bitmaps
    names: dict[str, str] = {}
    for column, metric in metrics.items():
        name = key_column(asset, metric)
        assert name is not None
        names[column] = name
    new = sql.new_rows(asset.column, asset.stored.watermark, asset.high)
    ranges = _ranges(asset, sorted(set(names.values())), new, statement, execute)
    found: dict[str, Any] = {}
    fallbacks: dict[str, DistinctCount] = {}
    todo: dict[str, tuple[int, int]] = {}
    for column, name in names.items():
        old = stored[keys[column]]
        lo, hi = ranges.get(name, (None, None))
        if lo is None or hi is None:
            continue  # no new key: the stored bitmap as it is
        if not (is_key(lo) and is_key(hi) and fits(*widened(old, lo, hi))):
            fallbacks[column] = metrics[column]
        else:
            todo[name] = (lo, hi)
    built = _bitmaps(asset, todo, new, statement, execute) if todo else {}
    for column, name in names.items():
        if column in fallbacks:
            continue
        key = keys[column]
        old = stored[key]
        if name in built:
            asset.bitmaps[key] = old.union(built[name])
        else:
            asset.bitmaps[key] = old
            asset.kept_bitmaps.add(key)
        found[column] = asset.distinct[key] = asset.bitmaps[key].count
    return found, fallbacks


def _probed(
    asset: IncrementalAsset,
    statement: Statement,
    metrics: dict[str, DistinctCount],
    keys: Mapping[str, str],
    execute: Execute,
) -> dict[str, Any]:
    """The stored counts plus the distinct new keys absent from the old rows (one statement)."""
    assert asset.stored is not None
    stored = asset.stored.distinct
    new = sql.new_rows(asset.column, asset.stored.watermark, asset.high)
    old = sql.old_rows(asset.column, asset.stored.watermark)
    outputs = [
        exp.alias_(sql.distinct_probe(asset.relation, m, new, old), column)
        for column, m in metrics.items()
    ]
    rows = execute(exp.select(*outputs), statement.checks)
    found: dict[str, Any] = {}
    for column in metrics:
        key = keys[column]
        total = stored[key] + int(rows[0][column] if rows else 0)
        found[column] = asset.distinct[key] = total
    return found
