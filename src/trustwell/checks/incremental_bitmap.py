"""Bitmaps of the distinct values of an integer key: exact distinct counts without old rows.

A distinct count whose key is one integer column can be kept, between
incremental runs, as a bitmap of the keys seen: bit ``i`` set when some row
has the key ``low + i``. The next run builds the bitmap of the new rows'
keys (DuckDB's ``BITSTRING_AGG``, see
:mod:`trustwell.checks.incremental_distinct`), and the distinct count of all
rows is the popcount of the union of the two: exact, and without reading a
single old row. A bitmap spans at most :data:`CAP` values (8 MiB before
compression); a wider key range keeps the ``NOT EXISTS`` probe.

Python integers hold the bits: the union, the popcount and the shifts are
machine-speed operations over a few MiB. Stored compressed (:meth:`Bitmap.pack`).
Pure: no database, no store.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

#: The widest key range a bitmap covers: max - min < 2**26 values, 8 MiB of bits.
CAP = 2**26


@dataclass(frozen=True)
class Bitmap:
    """The distinct values of a key: bit ``i`` of ``bits`` set for the value ``low + i``."""

    low: int
    bits: int = 0
    #: the count when whoever made the bitmap knows it already (:meth:`union`)
    known: int | None = field(default=None, compare=False, repr=False)

    @cached_property
    def count(self) -> int:
        """How many distinct values are set (counted once: a popcount of up to 8 MiB)."""
        return self.bits.bit_count() if self.known is None else self.known

    @property
    def high(self) -> int | None:
        """The largest value set (None for an empty bitmap)."""
        return self.low + self.bits.bit_length() - 1 if self.bits else None

    def union(self, other: Bitmap) -> Bitmap:
        """The values of both bitmaps, anchored at the lower of the two offsets.

        Two bitmaps that share no value (an append's new keys, past the old
        ones) count as the sum of their counts: the union is not popcounted.
        """
        if not other.bits:
            return self
        if not self.bits:
            return other
        low = min(self.low, other.low)
        bits = self._anchored(low) | other._anchored(low)
        apart = self._end <= other.low or other._end <= self.low
        return Bitmap(low, bits, self.count + other.count if apart else None)

    def _anchored(self, low: int) -> int:
        """The bits as seen from offset ``low`` (not shifted, so not copied, when it is ours)."""
        return self.bits if low == self.low else self.bits << (self.low - low)

    @property
    def _end(self) -> int:
        """One past the largest value set."""
        return self.low + self.bits.bit_length()

    def pack(self) -> bytes:
        """The bits as compressed little-endian bytes (what the store keeps)."""
        raw = self.bits.to_bytes((self.bits.bit_length() + 7) // 8, "little")
        return zlib.compress(raw, 1)

    @classmethod
    def unpack(cls, low: int, data: bytes) -> Bitmap:
        """The bitmap :meth:`pack` wrote, anchored at ``low``."""
        return cls(low, int.from_bytes(zlib.decompress(data), "little"))


def from_bitstring(text: str | None, low: int) -> Bitmap:
    """A bitmap from ``BITSTRING_AGG(key, low, high)``: character ``i`` is the value ``low + i``.

    NULL (no non-NULL key among the rows) is the empty bitmap.
    """
    if not text:
        return Bitmap(low)
    return Bitmap(low, int(text[::-1], 2))


def is_key(value: Any) -> bool:
    """Whether an engine's MIN or MAX of a key is an integer a bitmap can hold (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def fits(low: int, high: int) -> bool:
    """Whether the values ``low`` to ``high`` fit one bitmap (:data:`CAP`)."""
    return high - low < CAP


def widened(stored: Bitmap, low: int, high: int) -> tuple[int, int]:
    """The range of ``stored``'s values and of the values ``low`` to ``high``."""
    top = stored.high
    if top is None:
        return low, high
    return min(stored.low, low), max(top, high)
