"""The drift statistics from counts equal Evidently 0.7's own functions on the rows.

Generated data with known shifts (fixed seeds); Evidently's stat tests
(``drift_oracle``) compute on the rows, trustwell's ``drift_stats`` on value
counts only. Equal to a relative 1e-9.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from drift_oracle import evidently_value
from trustwell.checks import drift_stats
from trustwell.checks.drift_stats import compare, default_method, sturges_edges


def _floats(seed: int, n: int, shift: float, nulls: int = 0) -> list[Any]:
    rng = random.Random(seed)
    values: list[Any] = [round(rng.gauss(10 + shift, 3), 3) for _ in range(n)]
    return values + [None] * nulls


def _ints(seed: int, n: int, shift: int) -> list[Any]:
    rng = random.Random(seed)
    return [rng.randint(0, 60) + shift for _ in range(n)]


def _texts(seed: int, n: int, weights: list[float], extra: str | None = None) -> list[Any]:
    rng = random.Random(seed)
    names = ["north", "south", "east", "west"] + ([extra] if extra else [])
    return rng.choices(names, weights=weights, k=n)


def _ours(method: str, reference: list[Any], current: list[Any], **kind: bool) -> float | None:
    ref = Counter(v for v in reference if v is not None)
    cur = Counter(v for v in current if v is not None)
    value, _ = compare(method, ref, cur, **kind)  # type: ignore[arg-type]
    return value


NUMERIC = ["psi", "jensen_shannon", "chi_square", "ks", "wasserstein"]
CASES = {
    "float": (_floats(1, 3000, 0), _floats(2, 2000, 0.8, nulls=40), {"numeric": True}),
    "float small": (_floats(3, 300, 0), _floats(4, 250, 0.1), {"numeric": True}),
    "float large": (_floats(5, 12000, 0), _floats(6, 11000, 0.05), {"numeric": True}),
    "integer": (_ints(7, 1500, 0), _ints(8, 900, 3), {"numeric": True, "integer": True}),
    "few integers": (
        [1, 2, 3, 2, 1, 2] * 50,
        [1, 2, 2, 3, 3, 3] * 40,
        {"numeric": True, "integer": True},
    ),
}


@pytest.mark.parametrize("method", NUMERIC)
@pytest.mark.parametrize("case", list(CASES))
def test_every_method_on_numeric_columns_equals_evidently(method: str, case: str) -> None:
    reference, current, kind = CASES[case]
    expected = evidently_value(method, reference, current, numeric=True)
    assert _ours(method, reference, current, **kind) == pytest.approx(expected, rel=1e-9)


TEXT = {
    "shifted": (_texts(9, 2000, [4, 3, 2, 1]), _texts(10, 1500, [1, 2, 3, 4])),
    "same": (_texts(11, 800, [1, 1, 1, 1]), _texts(12, 700, [1, 1, 1, 1])),
    "new category": (_texts(13, 900, [1, 1, 1, 1]), _texts(14, 600, [1, 1, 1, 1, 1], "up")),
}


@pytest.mark.parametrize("method", ["psi", "jensen_shannon", "chi_square"])
@pytest.mark.parametrize("case", list(TEXT))
def test_categorical_methods_on_a_text_column_equal_evidently(method: str, case: str) -> None:
    reference, current = TEXT[case]
    expected = evidently_value(method, reference, current, numeric=False)
    assert _ours(method, reference, current, numeric=False) == pytest.approx(expected, rel=1e-9)


def test_a_category_only_in_current_data_gives_chi_square_p_zero_and_a_filled_psi() -> None:
    reference, current = TEXT["new category"]
    assert _ours("chi_square", reference, current, numeric=False) == 0.0
    _, listed = compare("psi", Counter(reference), Counter(current), numeric=False)
    up = next(c for c in listed if c["value"] == "up")
    assert (up["reference"], up["reference_share"]) == (0, 0.0)


@pytest.mark.parametrize("method", ["ks", "wasserstein"])
def test_order_methods_refuse_a_text_column(method: str) -> None:
    reference, current = TEXT["shifted"]
    with pytest.raises(ValueError, match="needs a numeric column"):
        _ours(method, reference, current, numeric=False)


def test_sturges_edges_match_numpy_on_awkward_ranges() -> None:
    import numpy as np

    for values in ([0.1, 0.7, 0.3], [5.0] * 9, [1e-300, 2e-300], [-3.25, 1e6, 7.0] * 700):
        edges = np.histogram_bin_edges(np.array(values), bins="sturges")
        assert sturges_edges(min(values), max(values), len(values)) == edges.tolist()
    ints = np.array(list(range(21)) * 30000)  # a bin at least 1 wide for integers
    edges = np.histogram_bin_edges(ints, bins="sturges")
    assert sturges_edges(0, 20, ints.size, integer=True) == edges.tolist()


def test_default_method_follows_the_spec() -> None:
    assert default_method(True, 6, 1001) == "wasserstein"
    assert default_method(True, 6, 1000) == "ks"
    assert default_method(True, 5, 1001) == "jensen_shannon"
    assert default_method(True, 5, 1000) == "chi_square"
    assert default_method(False, 50, 5000) == "jensen_shannon"
    assert default_method(False, 50, 10) == "chi_square"


def test_thresholds_fail_above_a_distance_and_below_a_p_value() -> None:
    assert drift_stats.drifted("psi", 0.2, 0.1) and not drift_stats.drifted("psi", 0.1, 0.1)
    assert drift_stats.drifted("ks", 0.01, 0.05) and not drift_stats.drifted("ks", 0.05, 0.05)
    assert drift_stats.default_threshold("chi_square") == 0.05
    assert drift_stats.default_threshold("wasserstein") == 0.1


def test_chi_square_over_one_category_has_no_value() -> None:
    assert _ours("chi_square", ["a"] * 5, ["a"] * 3, numeric=False) is None
