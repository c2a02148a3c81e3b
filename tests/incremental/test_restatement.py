"""Rows changed below the watermark, ``--full``, a changed check set, a tampered store."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from conformance.data import ORDERS
from conformance.test_conformance import CASES
from incremental.helpers import assert_same, asset, run
from trustwell.store.database import Store
from trustwell.store.state_tables import incremental_partitions

CHECKS = [c for c, *_ in CASES if c["type"] not in ("sql", "references", "schema")]


def _loaded(warehouse, store: Store, subject) -> None:
    for day in (20, 21, 22):
        warehouse.insert([r for r in ORDERS if r[6].day == day])
        run(warehouse.engine, subject, store)


def test_a_deleted_row_restates_only_its_partition(warehouse, sqlite_store: Store) -> None:
    subject = asset(CHECKS)
    _loaded(warehouse, sqlite_store, subject)
    warehouse.write("DELETE FROM orders WHERE id = 3", [])
    incremental = run(warehouse.engine, subject, sqlite_store)
    assert incremental.restated == ["restated: 1 partition of orders rescanned"]
    assert_same(incremental, run(warehouse.engine, subject, None))
    (scan,) = [s for s in incremental.sql if " IN (CAST('2026-11-20" in s]
    assert "CAST('2026-11-21' AS DATE)" not in scan  # the other partitions are not rescanned
    again = run(warehouse.engine, subject, sqlite_store)  # the new fingerprint was stored
    assert again.restated == []
    assert_same(again, run(warehouse.engine, subject, None))


def test_the_run_names_the_checks_computed_in_full(warehouse, sqlite_store: Store) -> None:
    checks = [
        {"type": "row_count", "min": 1},
        {"type": "stat", "column": "amount", "stat": "stddev", "max": 1000},
        {"type": "sql", "query": "select count(*) from orders", "min": 1},
        {"type": "accepted_values", "column": "status", "values": ["paid"]},  # details: top
    ]
    subject = asset(checks)
    warehouse.insert(ORDERS)
    ran = run(warehouse.engine, subject, sqlite_store)
    assert ran.notes == ["incremental: orders: computed in full: c1, c2"]


def test_a_late_row_below_the_watermark_is_a_restatement(warehouse, sqlite_store: Store) -> None:
    subject = asset(CHECKS)
    _loaded(warehouse, sqlite_store, subject)
    late = (8, 10, "late@example.com", "paid", 70.0, "DE", ORDERS[3][6])  # on 2026-11-21
    warehouse.insert([late, (*late[:1], 11, *late[2:])])
    incremental = run(warehouse.engine, subject, sqlite_store)
    assert incremental.restated == ["restated: 1 partition of orders rescanned"]
    assert_same(incremental, run(warehouse.engine, subject, None))


def test_an_update_in_place_needs_the_checksum(warehouse, sqlite_store: Store) -> None:
    by_count = asset(CHECKS)
    by_sum = asset(CHECKS, name="orders_sum", verify="checksum")
    _loaded(warehouse, sqlite_store, by_count)
    run(warehouse.engine, by_sum, sqlite_store)
    warehouse.write("UPDATE orders SET amount = 2000 WHERE id = 1", [])
    # Counts cannot see it: the stored sum stays (documented); the checksum does.
    counted = run(warehouse.engine, by_count, sqlite_store)
    assert counted.restated == []
    summed = run(warehouse.engine, by_sum, sqlite_store)
    assert summed.restated == ["restated: 1 partition of orders_sum rescanned"]
    assert_same(summed, run(warehouse.engine, by_sum, None))


def test_full_rebuilds_tampered_states(warehouse, sqlite_store: Store) -> None:
    subject = asset(
        [
            {"type": "row_count", "min": 1},
            {"type": "stat", "column": "amount", "stat": "sum", "min": 0},
        ]
    )
    _loaded(warehouse, sqlite_store, subject)
    sqlite_store.write(
        lambda conn: conn.execute(sa.update(incremental_partitions).values(states={}))
    )
    broken = run(warehouse.engine, subject, sqlite_store)  # the stored states are what counts
    assert broken.results[0].value != 10
    full = run(warehouse.engine, subject, sqlite_store, full=True)
    assert not any("> CAST(" in s for s in full.sql)
    assert [r.value for r in full.results] == [10, 1145.5]
    again = run(warehouse.engine, subject, sqlite_store)
    assert [r.value for r in again.results] == [10, 1145.5]


def test_a_new_check_is_built_from_every_row_once(warehouse, sqlite_store: Store) -> None:
    first = asset([{"type": "row_count", "min": 1}])
    for day in (20, 21):
        warehouse.insert([r for r in ORDERS if r[6].day == day])
        run(warehouse.engine, first, sqlite_store)
    warehouse.insert([r for r in ORDERS if r[6].day == 22])
    more = asset(
        [
            {"type": "row_count", "min": 1},
            {"type": "not_null", "column": "email"},
            {"type": "stat", "column": "amount", "stat": "min"},
        ]
    )
    changed = run(warehouse.engine, more, sqlite_store)
    assert_same(changed, run(warehouse.engine, more, None))
    # the kept state merged past the watermark, the new ones from every row
    assert any("> CAST(" in s for s in changed.sql)
    assert any("<= CAST('2026-11-22 06:00:00'" in s and " > " not in s for s in changed.sql)
    assert [r.value for r in changed.results] == [10, 1, -5]


def test_a_run_without_new_rows_scans_nothing_but_the_fingerprint(
    warehouse, sqlite_store: Store
) -> None:
    subject = asset([{"type": "row_count", "min": 1}, {"type": "unique", "column": "id"}])
    _loaded(warehouse, sqlite_store, subject)
    again = run(warehouse.engine, subject, sqlite_store)
    assert_same(again, run(warehouse.engine, subject, None))
    # the fingerprint, then only the failing unique check's samples
    assert len(again.sql) == 2 and "GROUP BY" in again.sql[0] and "HAVING" in again.sql[1]


def test_spark_scans_incremental_assets_in_full_and_says_so(sqlite_store: Store) -> None:
    from pathlib import Path

    from trustwell.checks.incremental_run import IncrementalRun

    class Spark:  # only the dialect is read before the fallback
        dialect = "spark"

    incremental = IncrementalRun(sqlite_store)
    assert incremental.hook(asset(CHECKS), Spark(), Path(".")) is None  # type: ignore[arg-type]
    assert incremental.notes() == [
        "incremental: orders is scanned in full (spark does not run incremental checks yet)"
    ]


@pytest.mark.parametrize("verify", ["count", "total"])
def test_a_watermark_of_another_type_rebuilds(warehouse, sqlite_store: Store, verify: str) -> None:
    """The column became a date: the stored timestamp watermark cannot be compared."""
    subject = asset([{"type": "row_count", "min": 1}], verify=verify)
    _loaded(warehouse, sqlite_store, subject)
    warehouse.write("ALTER TABLE orders ALTER COLUMN created_at TYPE DATE", [])
    ran = run(warehouse.engine, subject, sqlite_store)
    assert [r.value for r in ran.results] == [10]
    again = run(warehouse.engine, subject, sqlite_store)
    assert [r.value for r in again.results] == [10] and again.restated == []


def test_verify_total_finds_deleted_and_late_rows_by_one_count(
    warehouse, sqlite_store: Store
) -> None:
    subject = asset(CHECKS, verify="total")
    _loaded(warehouse, sqlite_store, subject)
    warehouse.write("DELETE FROM orders WHERE id = 3", [])
    deleted = run(warehouse.engine, subject, sqlite_store)
    assert deleted.restated == ["restated: 1 partition of orders rescanned"]
    assert_same(deleted, run(warehouse.engine, subject, None))
    late = (8, 10, "late@example.com", "paid", 70.0, "DE", ORDERS[3][6])  # on 2026-11-21
    warehouse.insert([late])
    loaded_late = run(warehouse.engine, subject, sqlite_store)
    assert loaded_late.restated == ["restated: 1 partition of orders rescanned"]
    assert_same(loaded_late, run(warehouse.engine, subject, None))


def test_verify_total_reads_no_fingerprint_while_the_total_holds(
    warehouse, sqlite_store: Store
) -> None:
    counted = asset([{"type": "row_count", "min": 1}], verify="total")
    for day in (20, 21):
        warehouse.insert([r for r in ORDERS if r[6].day == day])
        run(warehouse.engine, counted, sqlite_store)
    warehouse.insert([r for r in ORDERS if r[6].day == 22])
    ran = run(warehouse.engine, counted, sqlite_store)
    assert_same(ran, run(warehouse.engine, counted, None))
    assert not any("GROUP BY" in s and "WHERE" not in s for s in ran.sql), ran.sql
    assert "MAX(" in ran.sql[0] and "COUNT(*)" in ran.sql[1] and "<= CAST(" in ran.sql[1]
    assert [r.value for r in ran.results] == [10]
    again = run(warehouse.engine, counted, sqlite_store)  # no new row: two counts, no scan
    assert len(again.sql) == 2 and [r.value for r in again.results] == [10]


def test_a_change_that_cancels_out_needs_per_partition_counts(
    warehouse, sqlite_store: Store
) -> None:
    """One row gone from the 20th, one late row on the 21st: the total stays (documented)."""
    checks = [{"type": "row_count", "min": 1}, {"type": "stat", "column": "amount", "stat": "sum"}]
    by_count = asset(checks)
    by_total = asset(checks, name="by_total", verify="total")
    _loaded(warehouse, sqlite_store, by_count)
    run(warehouse.engine, by_total, sqlite_store)
    warehouse.write("DELETE FROM orders WHERE id = 1", [])  # on 2026-11-20
    warehouse.insert([(8, 10, "late@example.com", "paid", 70.0, "DE", ORDERS[3][6])])
    counted = run(warehouse.engine, by_count, sqlite_store)
    assert counted.restated == ["restated: 2 partitions of orders rescanned"]
    assert_same(counted, run(warehouse.engine, by_count, None))
    totalled = run(warehouse.engine, by_total, sqlite_store)
    assert totalled.restated == []
    full = run(warehouse.engine, by_total, None)
    assert totalled.results[1].value != full.results[1].value  # the stored sum stays
    rebuilt = run(warehouse.engine, by_total, sqlite_store, full=True)  # --full repairs it
    assert_same(rebuilt, full)
