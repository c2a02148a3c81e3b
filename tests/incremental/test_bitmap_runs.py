"""Distinct counts from stored key bitmaps, and the distinct counts beside them that must probe.

Over the conformance batches every run must equal a full run. On DuckDB a
distinct count of one integer key without a filter keeps a bitmap (stored in
``incremental_bitmaps``) and never reads an old row; string keys, two-column
keys, filters, a too-wide key range, a key with no value, and PostgreSQL keep
the ``NOT EXISTS`` probe. A restatement rebuilds the bitmap from every row.
"""

from __future__ import annotations

import zlib
from typing import Any

import pytest
import sqlalchemy as sa

from conformance.data import ORDERS
from incremental.helpers import Ran, assert_same, asset, run
from incremental.test_batches import BATCHES
from trustwell.store.database import Store
from trustwell.store.state_tables import incremental_bitmaps

BITMAPPED = [
    {"type": "stat", "column": "customer_id", "stat": "distinct_count", "min": 1},
    {"type": "unique", "column": "id"},
]
PROBED = [
    {"type": "unique", "column": "email"},  # a string key
    {"type": "unique", "columns": ["id", "email"]},  # two key columns
    {"type": "unique", "column": "id", "where": "status = 'paid'"},  # a filter
    {"type": "stat", "column": "country", "stat": "distinct_count"},
]
DISTINCT_COUNT = [BITMAPPED[0]]
duckdb_only = pytest.mark.parametrize("warehouse", ["duckdb"], indirect=True)


def stored_bitmaps(store: Store) -> int:
    query = sa.select(sa.func.count()).select_from(incremental_bitmaps)
    return int(store.read(lambda conn: conn.execute(query).scalar_one()))


def probes(ran: Ran) -> int:
    """How many ``NOT EXISTS`` probes of old rows the run's statements hold."""
    return sum(s.count("NOT EXISTS") for s in ran.sql)


def bitmapped(ran: Ran) -> bool:
    """Whether the run built a bitmap of the new rows' keys (past the watermark)."""
    return any("BITSTRING_AGG" in s and "> CAST('2026-11-2" in s for s in ran.sql)


def load(warehouse: Any, store: Store, subject: Any, batches: list[list[Any]]) -> list[Ran]:
    """Each batch appended, then an incremental run that must equal a full one."""
    runs = []
    for batch in batches:
        warehouse.insert(batch)
        ran = run(warehouse.engine, subject, store)
        assert_same(ran, run(warehouse.engine, subject, None))
        runs.append(ran)
    return runs


def test_bitmaps_and_probes_side_by_side_equal_full_runs(warehouse, sqlite_store: Store) -> None:
    subject = asset(BITMAPPED + PROBED)
    first, *later = load(warehouse, sqlite_store, subject, BATCHES)
    duckdb = warehouse.engine.dialect == "duckdb"
    assert stored_bitmaps(sqlite_store) == (2 if duckdb else 0)
    assert not any("BITSTRING_AGG" in s for s in first.sql if "> CAST(" in s)
    for ran in later:
        assert bitmapped(ran) is duckdb
        assert probes(ran) == (len(PROBED) if duckdb else len(PROBED) + len(BITMAPPED))


@duckdb_only
def test_the_bitmap_path_never_reads_old_rows(warehouse, sqlite_store: Store) -> None:
    """An old key changed in place (``verify: count`` cannot see it) exposes any re-read.

    The stored bitmap holds customers {10, 11, 12}; 12's only row becomes 99;
    a new row has 12. From the bitmap: {10, 11, 12} | {12} = 3. A probe of
    the old rows would find 12 absent and count 4, as a full scan does.
    """
    subject = asset(DISTINCT_COUNT)
    load(warehouse, sqlite_store, subject, [BATCHES[0]])
    warehouse.write("UPDATE orders SET customer_id = 99 WHERE customer_id = 12", [])
    warehouse.insert([(8, 12, "cy@example.com", "paid", 5.0, "US", ORDERS[3][6])])
    ran = run(warehouse.engine, subject, sqlite_store)
    assert [r.value for r in ran.results] == [3]
    assert [r.value for r in run(warehouse.engine, subject, None).results] == [4]
    assert ran.restated == [] and bitmapped(ran) and probes(ran) == 0
    keyed = [s for s in ran.sql if "customer_id" in s]
    assert len(keyed) == 2 and all("> CAST('2026-11-20 10:00:00'" in s for s in keyed)


@duckdb_only
def test_a_restatement_that_removes_the_last_copy_rebuilds_the_bitmap(
    warehouse, sqlite_store: Store
) -> None:
    subject = asset(DISTINCT_COUNT)
    load(warehouse, sqlite_store, subject, BATCHES)
    warehouse.write("DELETE FROM orders WHERE customer_id = 13", [])  # its only row (old)
    restated = run(warehouse.engine, subject, sqlite_store)
    assert restated.restated == ["restated: 1 partition of orders rescanned"]
    assert_same(restated, run(warehouse.engine, subject, None))
    assert [r.value for r in restated.results] == [4]  # 10, 11, 12, 99
    assert any("BITSTRING_AGG" in s and "> CAST(" not in s for s in restated.sql)  # every row
    # 13 comes back: the rebuilt bitmap no longer had it, so the count grows again
    back = (9, 13, None, "paid", 1.0, "GB", ORDERS[9][6].replace(hour=7))
    (late,) = load(warehouse, sqlite_store, subject, [[back]])
    assert [r.value for r in late.results] == [5] and bitmapped(late) and probes(late) == 0


@duckdb_only
@pytest.mark.parametrize(
    ("first", "then", "bitmap_at_first"),
    [
        ([10, 2_000_000_000], [11], False),  # too wide from the start: never a bitmap
        ([10, 11], [2_000_000_000], True),  # widened past the cap by new keys: dropped
        ([None, None], [10, 11], False),  # no key value at the full count: no range
    ],
)
def test_keys_without_a_bitmap_fall_back_to_the_probe(
    warehouse, sqlite_store: Store, first: list[Any], then: list[int], bitmap_at_first: bool
) -> None:
    subject = asset(DISTINCT_COUNT)
    template = ORDERS[0]

    def rows(keys: list[Any], day: int, start: int) -> list[tuple[Any, ...]]:
        at = template[6].replace(day=day)
        return [(start + i, k, *template[2:6], at.replace(hour=i)) for i, k in enumerate(keys)]

    load(warehouse, sqlite_store, subject, [rows(first, 20, 1)])
    assert stored_bitmaps(sqlite_store) == int(bitmap_at_first)
    second, third = load(warehouse, sqlite_store, subject, [rows(then, 21, 10), rows([12], 22, 20)])
    assert stored_bitmaps(sqlite_store) == 0
    assert probes(second) == probes(third) == 1
    assert not any("BITSTRING_AGG" in s for s in second.sql + third.sql)


@duckdb_only
def test_a_key_that_stops_being_an_integer_probes(warehouse, sqlite_store: Store) -> None:
    subject = asset(DISTINCT_COUNT)
    load(warehouse, sqlite_store, subject, BATCHES[:2])
    warehouse.write("ALTER TABLE orders ALTER customer_id TYPE VARCHAR", [])
    (ran,) = load(warehouse, sqlite_store, subject, BATCHES[2:])
    assert probes(ran) == 1 and stored_bitmaps(sqlite_store) == 0


@duckdb_only
def test_full_stores_the_bitmap_and_a_tampered_one_is_not_trusted(
    warehouse, sqlite_store: Store
) -> None:
    subject = asset(DISTINCT_COUNT)
    warehouse.insert(BATCHES[0] + BATCHES[1])
    rebuilt = run(warehouse.engine, subject, sqlite_store, full=True)
    assert stored_bitmaps(sqlite_store) == 1 and not any("> CAST(" in s for s in rebuilt.sql)
    empty = sa.update(incremental_bitmaps).values(bits=zlib.compress(b""))
    sqlite_store.write(lambda conn: conn.execute(empty))  # its count disagrees with the stored one
    (ran,) = load(warehouse, sqlite_store, subject, BATCHES[2:])
    assert probes(ran) == 1 and stored_bitmaps(sqlite_store) == 0


@duckdb_only
def test_the_statistics_are_read_only_for_distinct_counts_that_may_run_as_planned(
    warehouse, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key the incremental path counts from bitmaps needs no statistics for a bitmap plan.

    A plain run reads them for both keys; the incremental run for none, until
    a filtered distinct count (counted with its planned expression, a bitmap
    over the statistics' bounds) joins.
    """
    engine = warehouse.engine
    asked: list[list[str]] = []
    statistics = engine.key_ranges

    def recorded(relation: Any, columns: Any) -> Any:
        asked.append(list(columns))
        return statistics(relation, columns)

    monkeypatch.setattr(engine, "key_ranges", recorded)
    warehouse.insert(BATCHES[0])
    subject = asset(BITMAPPED)
    plain = run(engine, subject, None)
    assert asked == [["customer_id", "id"]]
    assert_same(run(engine, subject, sqlite_store), plain)
    assert asked == [["customer_id", "id"]]
    filtered = asset([*BITMAPPED, PROBED[2]])
    ran = run(engine, filtered, sqlite_store)
    assert asked[1:] == [["id"]]
    assert_same(ran, run(engine, filtered, None))
    assert any("BIT_COUNT(BITSTRING_AGG(CASE WHEN" in s for s in ran.sql)
