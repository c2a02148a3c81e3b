"""Distinct counts of an incremental asset: the stored count plus a probe of the new keys.

The distinct complete keys of all rows are those of the old rows (stored by
the last run) and the new rows' keys that no old row has: one ``NOT EXISTS``
probe per distinct count (:func:`~trustwell.checks.incremental_sql.distinct_probe`),
all in one statement, exact, and never a recount of the old keys. Without a
stored count (a new check, a rebuild) or after a restatement (a removed row
may have held the last copy of a key) the count is the planned expression
over the full relation, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from trustwell.checks import incremental_sql as sql
from trustwell.checks.incremental_merge import DISTINCT, state_key
from trustwell.checks.metrics import DistinctCount, Metric

if TYPE_CHECKING:
    from trustwell.checks.compile import Statement
    from trustwell.checks.incremental import Execute, IncrementalAsset


def distinct_key(metric: DistinctCount) -> str:
    """The stored distinct count's identity: its keys and filter."""
    parts = [k.copy() for k in metric.keys] + [metric.condition or exp.true()]
    return state_key(DISTINCT, exp.Tuple(expressions=parts))


def run_distinct(
    asset: IncrementalAsset, statement: Statement, metrics: dict[str, Metric], execute: Execute
) -> dict[str, Any]:
    """The value of each distinct-count column of ``statement`` (by output column)."""
    found: dict[str, Any] = {}
    probes: dict[str, tuple[DistinctCount, str]] = {}
    full: list[str] = []
    stored = asset.stored.distinct if asset.stored is not None else {}
    for column, metric in metrics.items():
        assert isinstance(metric, DistinctCount)
        key = distinct_key(metric)
        if key in asset.distinct:  # computed by another statement of this run
            found[column] = asset.distinct[key]
        elif asset.rebuild or asset.changed or key not in stored or asset.no_new_values:
            full.append(column)
        elif asset.no_new_rows:
            found[column] = asset.distinct[key] = stored[key]
        else:
            probes[column] = (metric, key)
    if full:
        values = asset.full_columns(statement, full, execute)
        for column in full:
            metric = metrics[column]
            assert isinstance(metric, DistinctCount)
            found[column] = values.get(column, 0)
            asset.distinct[distinct_key(metric)] = int(found[column] or 0)
    if probes:
        assert asset.stored is not None
        new = sql.new_rows(asset.column, asset.stored.watermark, asset.high)
        old = sql.old_rows(asset.column, asset.stored.watermark)
        outputs = [
            exp.alias_(sql.distinct_probe(asset.relation, m, new, old), column)
            for column, (m, _) in probes.items()
        ]
        rows = execute(exp.select(*outputs), statement.checks)
        for column, (_, key) in probes.items():
            total = stored[key] + int(rows[0][column] if rows else 0)
            found[column] = asset.distinct[key] = total
    return found
