"""``verify: total``: one count of the old rows in place of the per-partition fingerprint.

The grouped fingerprint reads the watermark column of every row on every
run: on 20M rows that is most of what an incremental run sends to DuckDB.
With ``verify: total`` a run first asks only for the bound (``MAX``) and the
number of rows at or below the stored watermark (or without a value). DuckDB
answers both from its zone maps, without reading the old rows. While that
number equals the stored partitions' sum, the old rows are taken as they
were stored, and only the new rows are counted per partition. When it
differs (rows deleted, or loaded late below the watermark), the run falls
back to the fingerprint, which finds the restated partitions to rescan.

What it cannot see, and ``verify: count`` does: changes that cancel out in
the total, such as a row moved from one old partition to another, or a
delete in one balanced by a late row in another. Rows updated in place are
seen by neither (``verify: checksum``). See ``docs/incremental.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trustwell.checks import incremental_sql as sql
from trustwell.checks.incremental_merge import Fingerprint, comparable, partition_key

if TYPE_CHECKING:
    from trustwell.checks.incremental import Execute, IncrementalAsset
    from trustwell.store.states import AssetStates


def unchanged_total(
    hook: IncrementalAsset,
    stored: AssetStates,
    watermark: Any,
    execute: Execute,
    checks: Sequence[str],
) -> bool:
    """Whether the old rows' total is the stored one; if so, ``hook`` is prepared from it.

    False (nothing set on ``hook``): the total differs, or the column's
    values no longer compare with the stored watermark; the caller reads the
    fingerprint, which finds the restated partitions or rebuilds.
    """
    rows = execute(sql.highest(hook.relation, hook.column), checks)
    high = rows[0][sql.HIGH] if rows else None
    if not comparable(high, watermark):
        return False
    totals = execute(sql.old_total(hook.relation, hook.column, watermark), checks)
    before = sum(p.rows for p in stored.partitions.values())
    if totals and int(totals[0][sql.ROWS]) != before:  # none on a dry run: shown, not read
        return False
    counts = {k: Fingerprint(p.rows) for k, p in stored.partitions.items()}
    if high is not None and high > watermark:
        grain = hook.config.grain
        counted = sql.new_counts(hook.relation, hook.column, grain, watermark, high, None)
        for r in execute(counted, checks):
            key = partition_key(r[sql.P])
            counts[key] = Fingerprint(counts.get(key, Fingerprint(0)).rows + int(r[sql.ROWS]))
    hook.high = high
    hook.counts = counts
    hook.work = {k: dict(p.states) for k, p in stored.partitions.items()}
    return True
