"""The conformance cases, loaded in three appended batches and run incrementally after each.

After every batch the incremental run (merging the states stored by the run
before) must give what a full run over the same rows gives, and after the
last one the hand-computed conformance values. The states must really be
used: the scans after the first read only rows past the watermark.
"""

from __future__ import annotations

import pytest

from conformance.data import ORDERS
from conformance.test_conformance import CASES
from incremental.helpers import assert_same, asset, run
from trustwell.store.database import Store

#: The conformance rows by day of created_at: 3, 5 and 2 rows.
BATCHES = [
    [r for r in ORDERS if r[6].day == 20],
    [r for r in ORDERS if r[6].day == 21],
    [r for r in ORDERS if r[6].day == 22],
]
CHECKS = [c for c, *_ in CASES]


@pytest.mark.parametrize("verify", ["count", "total"])
def test_every_case_merged_over_batches_equals_a_full_run(
    warehouse, sqlite_store: Store, verify: str
) -> None:
    subject = asset(CHECKS, verify=verify)
    for number, batch in enumerate(BATCHES):
        warehouse.insert(batch)
        incremental = run(warehouse.engine, subject, sqlite_store)
        full = run(warehouse.engine, subject, None)
        assert_same(incremental, full)
        if number:  # past the first run: only rows past the stored watermark are scanned
            assert any("> CAST('2026-11-2" in s for s in incremental.sql), incremental.sql
    for result, (_, status, value, fraction) in zip(incremental.results, CASES, strict=True):
        assert result.status == status, result.message
        assert result.value == (None if value is None else pytest.approx(value, rel=1e-12))
        assert result.failing_fraction == (
            None if fraction is None else pytest.approx(fraction, rel=1e-12)
        )


def test_by_id_partitions_merge_the_same(warehouse, sqlite_store: Store) -> None:
    """An integer id column as the watermark: ranges of ids as partitions."""
    checks = [c for c in CHECKS if c["type"] in ("row_count", "unique", "not_null", "stat")]
    subject = asset(checks, column="customer_id", partition_size=2)
    rows = sorted(ORDERS, key=lambda r: (r[1] is None, r[1] or 0))
    for batch in (rows[:4], rows[4:8], rows[8:]):
        warehouse.insert(batch)
        assert_same(
            run(warehouse.engine, subject, sqlite_store), run(warehouse.engine, subject, None)
        )
