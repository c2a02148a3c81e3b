"""The quantile sketch of ``ks`` and ``wasserstein``: within its stated bound of Evidently's value.

Continuous samples (every value distinct, fixed seeds) are cut into tiles
as ``NTILE`` cuts them; the sketch's statistic must lie within the bound it
reports of the value Evidently (and SciPy, for D) computes on the rows.
"""

from __future__ import annotations

import random

import pytest

from drift_oracle import evidently_value
from trustwell.checks.drift_sketch import Tile, exact_tiles, ks_sketch, wasserstein_sketch
from trustwell.checks.drift_stats import ks_statistic, population_std, wasserstein


def ntile(values: list[float], tiles: int) -> list[Tile]:
    """``NTILE(tiles) OVER (ORDER BY v)``: the first ``n % tiles`` tiles hold one row more."""
    ordered, found, start = sorted(values), [], 0
    size, extra = divmod(len(ordered), tiles)
    for i in range(min(tiles, len(ordered))):
        end = start + size + (i < extra)
        found.append(Tile(end - start, ordered[start], ordered[end - 1]))
        start = end
    return found


def _sample(seed: int, n: int, shift: float) -> list[float]:
    rng = random.Random(seed)
    return [rng.gauss(shift, 1.0) for _ in range(n)]


@pytest.mark.parametrize(("shift", "tiles"), [(0.0, 1000), (0.05, 1000), (0.3, 200)])
def test_the_sketch_is_within_its_bound_of_evidently(shift: float, tiles: int) -> None:
    from scipy import stats

    reference, current = _sample(1, 30_000, 0.0), _sample(2, 25_000, shift)
    ref_tiles, cur_tiles = ntile(reference, tiles), ntile(current, tiles)
    d, p, bound = ks_sketch(ref_tiles, cur_tiles)
    exact = stats.ks_2samp(reference, current)
    assert abs(d - exact.statistic) <= bound
    assert bound == pytest.approx(1 / tiles, rel=0.01)  # half a tile's share, each side
    assert p == pytest.approx(stats.kstwo.sf(d, round(30_000 * 25_000 / 55_000)), rel=1e-12)
    std = population_std({v: 1 for v in reference})
    value, error = wasserstein_sketch(ref_tiles, cur_tiles, std)
    expected = evidently_value("wasserstein", reference, current, numeric=True)
    assert abs(value - expected) <= error
    # At most half a tile's share of each side's range (about range / tiles in all).
    spread = max(reference + current) - min(reference + current)
    assert error <= 1.01 * spread / tiles / std


def test_exact_tiles_give_the_exact_values() -> None:
    reference = {float(v): 1 + v % 3 for v in range(40)}
    current = {float(v) + 0.5: 2 for v in range(30)}
    d, _, bound = ks_sketch(exact_tiles(reference), exact_tiles(current))
    assert (d, bound) == (ks_statistic(reference, current)[0], 0.0)
    value, error = wasserstein_sketch(
        exact_tiles(reference), exact_tiles(current), population_std(reference)
    )
    assert value == pytest.approx(wasserstein(reference, current), rel=1e-12)
    assert error == 0.0
