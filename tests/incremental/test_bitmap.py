"""Key bitmaps (pure): DuckDB's bit strings read back, unions across offsets, the stored form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from trustwell.checks.incremental_bitmap import (
    CAP,
    Bitmap,
    fits,
    from_bitstring,
    is_key,
    widened,
)
from trustwell.store import open_store
from trustwell.store.database import Store
from trustwell.store.state_tables import incremental_bitmaps
from trustwell.store.states import AssetStates, read_states, write_states

AT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def values(bitmap: Bitmap) -> set[int]:
    """The key values a bitmap holds, one by one (the slow, obvious way)."""
    return {bitmap.low + i for i in range(bitmap.bits.bit_length()) if bitmap.bits >> i & 1}


def of(*keys: int) -> Bitmap:
    low = min(keys)
    bits = bytearray((max(keys) - low) // 8 + 1)
    for key in keys:
        bits[(key - low) >> 3] |= 1 << ((key - low) & 7)
    return Bitmap(low, int.from_bytes(bits, "little"))


@pytest.mark.parametrize(
    "keys", [[3, 5, 5, None], [-7, 0, 12], [2**40, 2**40 + 9], [0], [None, None]]
)
def test_duckdb_bitstrings_read_back_as_the_keys(keys: list[int | None]) -> None:
    """DuckDB is the oracle: its BITSTRING_AGG over the keys gives the same set."""
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t (k BIGINT)")
        con.executemany("INSERT INTO t VALUES (?)", [[k] for k in keys])
        low, high = con.execute("SELECT MIN(k), MAX(k) FROM t").fetchone() or (None, None)
        if low is None:
            (text,) = con.execute("SELECT BITSTRING_AGG(k, 0, 10) FROM t").fetchone() or (None,)
            assert text is None and from_bitstring(text, 0).count == 0
            return
        (text,) = con.execute(f"SELECT BITSTRING_AGG(k, {low}, {high}) FROM t").fetchone() or ("",)
        (distinct,) = con.execute("SELECT COUNT(DISTINCT k) FROM t").fetchone() or (0,)
    bitmap = from_bitstring(text, low)
    assert values(bitmap) == {k for k in keys if k is not None}
    assert bitmap.count == distinct and bitmap.high == high


def test_a_union_aligns_offsets_and_counts_each_key_once() -> None:
    old, new = of(-3, 0, 7), of(7, 100, 5)
    merged = old.union(new)
    assert values(merged) == {-3, 0, 5, 7, 100} and merged.count == 5
    assert merged.low == -3 and merged.high == 100
    assert values(new.union(old)) == values(merged)
    empty = Bitmap(50)
    assert old.union(empty) is old and empty.union(old) is old and empty.high is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ((1, 2, 3), (4, 9)),  # an append: new keys just past the old ones
        ((40, 41), (-8, 3)),  # apart, below
        ((1, 2, 3), (3, 4)),  # touching: key 3 in both
        ((0, 64, 65), (1, 65, 200)),  # interleaved
        ((7,), (7,)),  # the same key
    ],
)
def test_a_unions_count_is_its_popcount_whether_the_bitmaps_overlap_or_not(
    old: tuple[int, ...], new: tuple[int, ...]
) -> None:
    """Apart, the union's count is the sum of the two (no popcount); it must still be exact."""
    for left, right in ((of(*old), of(*new)), (of(*new), of(*old))):
        merged = left.union(right)
        assert merged.count == merged.bits.bit_count() == len(set(old) | set(new))
        assert merged == Bitmap(merged.low, merged.bits)  # the count is not part of equality


def test_the_stored_form_gives_the_same_bitmap_back() -> None:
    for bitmap in (
        of(1, 2, 3),
        of(-(2**70), -(2**70) + CAP - 1),
        Bitmap(9),
        of(*range(0, 10**6, 3)),
        of(*range(10**5), *range(10**5 + 2, 3 * 10**5, 7)),  # a run of ones, then sparse
        of(*range(1, 5000)),  # the lowest bit unset: no run to keep apart
        of(*range(70_000)),
    ):
        again = Bitmap.unpack(bitmap.low, bitmap.pack())
        assert again == bitmap
        assert again.count == bitmap.bits.bit_count()
    dense = of(*range(1_000_000))
    assert len(dense.pack()) < 64  # all ones: their number, not 125 KB of bits


def test_bitmaps_stored_as_compressed_bits_alone_still_read() -> None:
    """The form written before the run of ones was kept apart."""
    import zlib

    bitmap = of(*range(0, 5000), *range(6000, 9000, 3))
    legacy = zlib.compress(bitmap.bits.to_bytes((bitmap.bits.bit_length() + 7) // 8, "little"), 1)
    again = Bitmap.unpack(bitmap.low, legacy)
    assert again == bitmap and again.count == 5000 + 1000


def test_the_cap_and_what_counts_as_an_integer_key() -> None:
    assert fits(0, CAP - 1) and not fits(0, CAP) and fits(-5, -5)
    assert [is_key(v) for v in (3, -(2**80), True, 3.0, Decimal(3), "3", None)] == [
        True,
        True,
        False,
        False,
        False,
        False,
        False,
    ]
    assert widened(of(10, 20), 15, 40) == (10, 40) and widened(of(10, 20), -1, 12) == (-1, 20)
    assert widened(Bitmap(0), 5, 6) == (5, 6)


@pytest.fixture
def any_store(store_url: str | None, tmp_path: Path) -> Iterator[Store]:
    """A migrated store: a SQLite file, and a database on the test PostgreSQL server."""
    opened = open_store(store_url or f"sqlite:///{tmp_path / 'store.db'}", tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def test_bitmaps_are_stored_rewritten_only_when_changed_and_dropped(any_store: Store) -> None:
    def states(bitmaps: dict[str, Bitmap], kept: set[str]) -> AssetStates:
        return AssetStates(
            "spec",
            5,
            [],
            {k: b.count for k, b in bitmaps.items()},
            {},
            None,
            bitmaps=bitmaps,
            kept_bitmaps=kept,
        )

    def write(bitmaps: dict[str, Bitmap], kept: set[str]) -> AssetStates | None:
        any_store.write(
            lambda c: write_states(c, "orders", states(bitmaps, kept), run_id="r", at=AT)
        )
        return read_states(any_store, "orders")

    first = {"a": of(1, 5), "b": of(-(2**40), 3 - 2**40)}
    stored = write(first, set())
    assert stored is not None and stored.bitmaps == first
    marked = of(1, 5, 9)  # written behind the code's back: a rewrite of "a" would undo it
    table = incremental_bitmaps
    change = table.update().where(table.c.state_key == "a").values(bits=marked.pack())
    any_store.write(lambda c: c.execute(change))
    # "a" kept as stored (not written again), "b" dropped, "c" new
    again = write({"a": first["a"], "c": of(7)}, {"a"})
    assert again is not None and again.bitmaps == {"a": marked, "c": of(7)}
    # "a" changed by the run (not kept): its row is replaced
    last = write({"a": of(1, 5, 6)}, set())
    assert last is not None and last.bitmaps == {"a": of(1, 5, 6)}
