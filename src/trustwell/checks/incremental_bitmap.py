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
machine-speed operations over a few MiB. Stored compressed (:meth:`Bitmap.pack`),
with the run of set bits at the bottom as a number: the keys of an
increasing id are nearly all one such run, and a run then writes and reads
a few bytes for them instead of compressing megabytes.
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
        """What the store keeps: ``R``, how many of the lowest bits are set (8 bytes,
        little-endian), then the bits above them as compressed little-endian bytes.

        Measured on the 21M keys of an increasing id: 0.1 ms against 4.6 ms
        for compressing all the bits, and 0.1 ms against 2.3 ms to read back.
        """
        length = self.bits.bit_length()
        # All set (the count says so without a pass over the bits): one number.
        ones = length if self.count == length else _lowest_ones(self.bits)
        rest = self.bits >> ones
        raw = rest.to_bytes((rest.bit_length() + 7) // 8, "little")
        return _RUN + ones.to_bytes(8, "little") + zlib.compress(raw, 1)

    @classmethod
    def unpack(cls, low: int, data: bytes) -> Bitmap:
        """The bitmap :meth:`pack` wrote, anchored at ``low``; its count as counted now.

        Bitmaps stored before the run of ones was kept apart (compressed bits
        alone, which start with zlib's header and never with ``R``) read as before.
        """
        if not data.startswith(_RUN):
            return cls(low, int.from_bytes(zlib.decompress(data), "little"))
        ones = int.from_bytes(data[1:9], "little")
        rest = int.from_bytes(zlib.decompress(data[9:]), "little")
        return cls(low, ((1 << ones) - 1) | (rest << ones), ones + rest.bit_count())


#: The first byte of a packed bitmap that keeps its lowest run of ones as a number.
_RUN = b"R"


def _lowest_ones(bits: int) -> int:
    """How many of the lowest bits of ``bits`` are set, one after another (0b0111: 3)."""
    return (bits ^ (bits + 1)).bit_length() - 1


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
