"""``ks`` and ``wasserstein`` over more distinct values than can be counted one by one. Pure.

Above 100,000 distinct values on a side, the database returns that side's
*tiles* instead of its rows per value: ``NTILE(10000) OVER (ORDER BY v)``,
and per tile its rows, smallest and largest value (an exact quantile
sketch: every row is in exactly one tile, tiles are in value order). A side
counted per value is the same thing with one tile per value, ``low = high``.

From tiles, each side's empirical CDF is known between two bounds: at ``x``,
``L(x)`` (the rows of tiles wholly at or below ``x``) and ``U(x)`` (the rows of
tiles starting at or below ``x``); only the one tile straddling ``x`` is
uncertain. The estimate is their midpoint, off by at most half the largest
tile's share of the rows (``ceil(n / 10000) / 2n``, about 0.00005). So:

- ``ks``: ``D̂ = max |F̂_r - F̂_c|`` over every tile edge, and
  ``|D̂ - D| <= e_r + e_c`` (each side's half largest tile share); the
  p-value is SciPy's asymptotic one at ``D̂`` (these sides are far above
  SciPy's exact-mode size);
- ``wasserstein``: ``Ŵ = ∫ |F̂_r - F̂_c|``, and ``|Ŵ - W|`` is at most
  ``Σ rows_j · (high_j - low_j) / 2n`` over each side's tiles, summed over
  both sides and divided, as the value, by the reference's population
  standard deviation (computed exactly by the database).

Both bounds are computed from the tiles and reported in the details.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Tiles per side of a sketch.
TILES = 10_000


@dataclass(frozen=True)
class Tile:
    """Rows whose values lie in [low, high], consecutive in value order."""

    rows: int
    low: float
    high: float


def exact_tiles(values: Mapping[float, int]) -> list[Tile]:
    """One tile per value: a side counted exactly."""
    return [Tile(n, v, v) for v, n in sorted(values.items())]


def _cdf(tiles: Sequence[Tile], points: Sequence[float]) -> tuple[list[float], float]:
    """The midpoint estimate of the side's CDF at each point, and its error bound."""
    n = sum(t.rows for t in tiles)
    highs = sorted((t.high, t.rows) for t in tiles)
    lows = sorted((t.low, t.rows) for t in tiles)
    below, started, hi, lo, found = 0, 0, 0, 0, []
    for x in points:  # points ascending
        while hi < len(highs) and highs[hi][0] <= x:
            below += highs[hi][1]
            hi += 1
        while lo < len(lows) and lows[lo][0] <= x:
            started += lows[lo][1]
            lo += 1
        found.append((below + started) / (2 * n))
    straddling = max((t.rows for t in tiles if t.high > t.low), default=0)
    return found, straddling / (2 * n)


def _points(reference: Sequence[Tile], current: Sequence[Tile]) -> list[float]:
    return sorted(
        {t.low for t in [*reference, *current]} | {t.high for t in [*reference, *current]}
    )


def ks_sketch(reference: Sequence[Tile], current: Sequence[Tile]) -> tuple[float, float, float]:
    """(D̂, p-value at D̂, the bound on |D̂ - D|)."""
    points = _points(reference, current)
    ref, ref_error = _cdf(reference, points)
    cur, cur_error = _cdf(current, points)
    d = max(abs(a - b) for a, b in zip(ref, cur, strict=True))
    n1, n2 = sum(t.rows for t in reference), sum(t.rows for t in current)
    m, n = sorted([float(n1), float(n2)], reverse=True)
    from scipy import stats  # lazily: SciPy is large

    p = float(stats.kstwo.sf(d, round(m * n / (m + n))))
    return d, min(max(p, 0.0), 1.0), ref_error + cur_error


def _spread_error(tiles: Sequence[Tile]) -> float:
    n = sum(t.rows for t in tiles)
    return math.fsum(t.rows * (t.high - t.low) for t in tiles) / (2 * n)


def wasserstein_sketch(
    reference: Sequence[Tile], current: Sequence[Tile], reference_std: float
) -> tuple[float, float]:
    """(Ŵ normed by ``max(reference_std, 0.001)``, the bound on its distance from the value)."""
    points = _points(reference, current)
    ref, _ = _cdf(reference, points)
    cur, _ = _cdf(current, points)
    area = math.fsum(
        abs(ref[i] - cur[i]) * (points[i + 1] - points[i]) for i in range(len(points) - 1)
    )
    norm = max(reference_std, 0.001)
    return area / norm, (_spread_error(reference) + _spread_error(current)) / norm
