"""Distinct counts of a dense integer key as a bitmap: exact, and 5 to 20 times faster.

``COUNT(DISTINCT k)`` hashes every row's key into a table as large as the
number of distinct keys (20M order ids: a 1.6 s hash build on 2 cores).
When ``k`` is an integer whose values lie in a narrow range, DuckDB's
``BITSTRING_AGG(k, low, high)`` sets one bit per value instead, and the
count of set bits is the same exact count (measured on the 20M-row bench
table: 0.074 s against 1.56 s for ``order_id``, 0.073 s against 0.36 s for
``customer_id``; docs/benchmarks.md).

A bitmap costs one bit per value of the range, per thread, whatever the
rows: worth it when the range is dense with keys. The rule
(:func:`bitmap_bounds`): at most ``MAX_BITS`` bits (8 MiB), and no more than
``MAX_BITS_PER_KEY`` bits per estimated distinct key (a hash table spends
about 200 bits on each), or a range small enough (``ALWAYS_BITS``) that the
bitmap is cheap in any case. The bounds come from the engine's statistics
(:meth:`trustwell.engines.base.Engine.key_ranges`), which hold every value.

Pure: decides and builds expressions, runs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from trustwell.checks.metrics import DistinctCount

if TYPE_CHECKING:
    from trustwell.engines.base import KeyRange

MAX_BITS = 1 << 26  # 8 MiB of bitmap per thread
MAX_BITS_PER_KEY = 64
ALWAYS_BITS = 1 << 16  # 8 KiB: cheaper than any hash table


def bitmap_bounds(ranged: KeyRange) -> bool:
    """Whether a bitmap over ``ranged`` is small and dense enough to beat a hash table."""
    bits = ranged.high - ranged.low + 1
    if bits <= 0 or bits > MAX_BITS:
        return False
    if bits <= ALWAYS_BITS:
        return True
    return ranged.distinct is not None and bits <= MAX_BITS_PER_KEY * max(ranged.distinct, 1)


def bitmap_column(metric: DistinctCount) -> str | None:
    """The one plain column whose distinct values ``metric`` counts, else None."""
    if len(metric.keys) != 1 or not isinstance(metric.keys[0], exp.Column):
        return None
    return metric.keys[0].name


def distinct_bitmap(metric: DistinctCount, ranged: KeyRange) -> exp.Expr:
    """``COALESCE(BIT_COUNT(BITSTRING_AGG(k, low, high)), 0)``, the filter as a ``CASE``.

    Rows outside the filter give NULL, and NULL keys set no bit; no row at
    all gives a NULL bitmap, hence the ``COALESCE``: the value of
    ``COUNT(DISTINCT k)`` on every row set.
    """
    (key,) = metric.keys
    value: exp.Expr = key.copy()
    if metric.condition is not None:
        value = exp.Case().when(metric.condition.copy(), value)
    bounds = [exp.Literal.number(ranged.low), exp.Literal.number(ranged.high)]
    bitmap = exp.Anonymous(this="BITSTRING_AGG", expressions=[value, *bounds])
    counted = exp.Anonymous(this="BIT_COUNT", expressions=[bitmap])
    return exp.Coalesce(this=counted, expressions=[exp.Literal.number(0)])
