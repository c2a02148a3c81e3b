"""The statistics of the ``drift`` check, from counts, exactly as Evidently 0.7 computes them.

Evidently computes each method on the rows themselves (pandas series);
trustwell never pulls rows, so every function here takes what the database
returns instead: value counts (``{value: rows}``), bin counts, sizes, the
minimum and maximum. The arithmetic follows Evidently's own code step by step
(``legacy/calculations/stattests``: ``get_binned_data``, ``_psi``,
``_jensenshannon``, ``_chi_stat_test``, ``_ks_stat_test``,
``_wasserstein_distance_norm``) and NumPy's ``histogram_bin_edges(...,
bins="sturges")``/``linspace``/``histogram``, so that the values agree to the
last few bits; the tests use Evidently's functions as the oracle.

Pure: no I/O. SciPy is imported inside the two functions that need it (the
exact and asymptotic Kolmogorov-Smirnov p-values and the chi-square survival
function), so importing this module stays cheap.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Literal

Method = Literal["psi", "ks", "wasserstein", "jensen_shannon", "chi_square"]
METHODS: tuple[Method, ...] = ("psi", "ks", "wasserstein", "jensen_shannon", "chi_square")
#: Methods whose value is a p-value (fails below the threshold); the others are distances.
P_VALUES: frozenset[str] = frozenset({"ks", "chi_square"})
#: Methods that need the values' order: numeric columns only (as in Evidently).
NUMERIC_ONLY: frozenset[str] = frozenset({"ks", "wasserstein"})
#: Evidently bins a numeric column only when the reference has more distinct values.
BIN_ABOVE_DISTINCT = 20
#: ``ks_2samp``'s ``method="auto"``: exact p-values up to this many rows per side.
KS_EXACT_MAX_N = 10_000

Counts = Mapping[Hashable, int]
NumericCounts = Mapping[float, int]


def default_method(numeric: bool, distinct: int, reference_rows: int) -> Method:
    """The method Evidently picks when none is given (SPEC section 1, ``drift``).

    ``distinct`` counts the values of reference and current together. Evidently
    uses a z-test for two values or fewer; the SPEC takes chi-square there.

    >>> default_method(True, 40, 5000), default_method(True, 40, 800), default_method(False, 3, 800)
    ('wasserstein', 'ks', 'chi_square')
    """
    large = reference_rows > 1000
    if numeric and distinct > 5:
        return "wasserstein" if large else "ks"
    return "jensen_shannon" if large else "chi_square"


def default_threshold(method: str) -> float:
    """0.05 for a p-value, 0.1 for a distance."""
    return 0.05 if method in P_VALUES else 0.1


def drifted(method: str, value: float, threshold: float) -> bool:
    """A distance above the threshold, or a p-value below it."""
    return value < threshold if method in P_VALUES else value > threshold


def binned(numeric: bool, reference_distinct: int) -> bool:
    """Whether ``psi``/``jensen_shannon`` use histogram bins (else one share per value)."""
    return numeric and reference_distinct > BIN_ABOVE_DISTINCT


# --- bins ----------------------------------------------------------------------


def sturges_edges(low: float, high: float, rows: int, *, integer: bool = False) -> list[float]:
    """``np.histogram_bin_edges(values, bins="sturges")`` from the values' min, max and count.

    ``integer`` follows NumPy's rule for integer arrays (a bin is at least 1
    wide). Edges are ``np.linspace``'s: ``i * step + low``, the last one ``high``.

    >>> sturges_edges(0.0, 10.0, 8)
    [0.0, 2.5, 5.0, 7.5, 10.0]
    """
    if low == high:
        low, high = low - 0.5, high + 0.5
        bins = 1
    else:
        width = (high - low) / (math.log2(rows) + 1.0)
        if integer and width < 1:
            width = 1.0
        bins = math.ceil((high - low) / width) if width else 1
    delta = high - low
    step = delta / bins
    if step == 0:
        edges = [i / bins * delta + low for i in range(bins + 1)]
    else:
        edges = [i * step + low for i in range(bins + 1)]
    edges[-1] = high
    return edges


def bin_index(value: float, edges: Sequence[float]) -> int:
    """The bin of ``value`` as ``np.histogram`` counts it: ``[e_i, e_i+1)``, the last one closed."""
    return min(bisect.bisect_right(edges, value) - 1, len(edges) - 2)


def bin_counts(values: NumericCounts, edges: Sequence[float]) -> list[int]:
    """Rows per bin from value counts (a stored baseline's); values outside are left out."""
    counts = [0] * (len(edges) - 1)
    for value, rows in values.items():
        if edges[0] <= value <= edges[-1]:
            counts[bin_index(value, edges)] += rows
    return counts


def aligned(reference: Counts, current: Counts) -> tuple[list[Hashable], list[int], list[int]]:
    """The union of the values and each side's rows per value (0 where absent), sorted."""
    keys = sorted(set(reference) | set(current), key=lambda k: (type(k).__name__, k))
    return keys, [reference.get(k, 0) for k in keys], [current.get(k, 0) for k in keys]


def shares(counts: Sequence[int]) -> list[float]:
    """Each bin's share of the rows (``counts / len`` as Evidently divides)."""
    total = sum(counts)
    return [c / total for c in counts]


def fill_zeroes(percents: Sequence[float]) -> list[float]:
    """Evidently's fill of empty bins: 0.0001, or a millionth of the smallest share if smaller."""
    smallest = min(p for p in percents if p != 0)
    fill = smallest / 10**6 if smallest <= 0.0001 else 0.0001
    return [fill if p == 0 else p for p in percents]


# --- the methods -----------------------------------------------------------------


def psi(reference: Sequence[int], current: Sequence[int]) -> tuple[float, list[float], list[float]]:
    """Population stability index over aligned bins; returns it and the filled shares."""
    ref, cur = fill_zeroes(shares(reference)), fill_zeroes(shares(current))
    value = math.fsum((r - c) * math.log(r / c) for r, c in zip(ref, cur, strict=True))
    return value, ref, cur


def jensen_shannon(reference: Sequence[int], current: Sequence[int]) -> float:
    """``scipy.spatial.distance.jensenshannon`` (natural log) of the bins' shares, no zero fill."""
    ref, cur = shares(reference), shares(current)
    ref_total, cur_total = math.fsum(ref), math.fsum(cur)
    p = [r / ref_total for r in ref]
    q = [c / cur_total for c in cur]
    m = [(a + b) / 2.0 for a, b in zip(p, q, strict=True)]
    divergence = math.fsum(_rel_entr(a, b) for a, b in zip(p, m, strict=True)) + math.fsum(
        _rel_entr(a, b) for a, b in zip(q, m, strict=True)
    )
    return math.sqrt(divergence / 2.0)


def _rel_entr(x: float, y: float) -> float:
    if x > 0 and y > 0:
        return x * math.log(x / y)
    return 0.0 if x == 0 and y >= 0 else math.inf


def chi_square(reference: Sequence[int], current: Sequence[int]) -> float | None:
    """The chi-square p-value of current counts against reference counts scaled to its size.

    None for a single category (SciPy gives NaN: zero degrees of freedom). A
    category absent from the reference makes the statistic infinite: p-value 0.
    """
    if len(reference) < 2:
        return None
    scale = sum(current) / sum(reference)
    expected = [r * scale for r in reference]
    terms = [(o - e) ** 2 / e if e else math.inf for o, e in zip(current, expected, strict=True)]
    statistic = math.fsum(terms) if math.inf not in terms else math.inf
    from scipy import special  # lazily: SciPy is large

    return float(special.chdtrc(len(terms) - 1, statistic))


def _ecdf_walk(
    reference: NumericCounts, current: NumericCounts
) -> Iterator[tuple[float, int, int]]:
    """Each distinct value in order with each side's cumulative rows at or below it.

    A walk rather than lists: on 100,000 distinct values a side, the only
    copy made is the sorted union of the values.
    """
    r, c = 0, 0
    for v in sorted(reference.keys() | current.keys()):
        r += reference.get(v, 0)
        c += current.get(v, 0)
        yield v, r, c


def ks_statistic(reference: NumericCounts, current: NumericCounts) -> tuple[float, int, int]:
    """``ks_2samp``'s D (two-sided) and the cumulative rows of each side where it is reached."""
    n1, n2 = sum(reference.values()), sum(current.values())
    # The first minimum and the first maximum of the CDFs' difference, as np.argmin/argmax.
    low: tuple[float, int, int] | None = None
    high: tuple[float, int, int] | None = None
    for _, a, b in _ecdf_walk(reference, current):
        diff = a / n1 - b / n2
        if low is None or diff < low[0]:
            low = (diff, a, b)
        if high is None or diff > high[0]:
            high = (diff, a, b)
    if low is None or high is None:
        raise ValueError("no values to compare")
    min_s = min(max(-low[0], 0.0), 1.0)
    if min_s > high[0]:
        return min_s, low[1], low[2]
    return high


def ks(reference: NumericCounts, current: NumericCounts) -> tuple[float, float]:
    """The two-sample Kolmogorov-Smirnov D and p-value as ``scipy.stats.ks_2samp`` (``auto``).

    The p-value depends on the sizes and D alone. Up to 10,000 rows a side
    (SciPy's exact mode) it is SciPy's exact value for two small samples
    with the same sizes and D; above, ``kstwo.sf(D, round(n1*n2/(n1+n2)))``.
    """
    d, a, b = ks_statistic(reference, current)
    n1, n2 = sum(reference.values()), sum(current.values())
    import numpy as np  # lazily, with SciPy
    from scipy import stats

    if max(n1, n2) <= KS_EXACT_MAX_N:
        # Two samples of the same sizes whose ECDFs differ by D at one point.
        one = np.repeat([0.0, 1.0], [a, n1 - a])
        two = np.repeat([0.0, 1.0], [b, n2 - b])
        with warnings.catch_warnings():
            # SciPy falls back to the asymptotic value (as Evidently would) and says so.
            warnings.filterwarnings("ignore", "ks_2samp: Exact calculation unsuccessful")
            return d, float(stats.ks_2samp(one, two).pvalue)
    m, n = sorted([float(n1), float(n2)], reverse=True)
    en = m * n / (m + n)
    p = float(stats.kstwo.sf(d, round(en)))
    return d, min(max(p, 0.0), 1.0)


def population_std(values: NumericCounts) -> float:
    """``np.std`` of the rows (population: divided by the row count), two passes."""
    rows = sum(values.values())
    mean = math.fsum(v * c for v, c in values.items()) / rows
    return math.sqrt(math.fsum(c * (v - mean) ** 2 for v, c in values.items()) / rows)


def wasserstein(reference: NumericCounts, current: NumericCounts) -> float:
    """``wasserstein_distance(reference, current) / max(np.std(reference), 0.001)``."""
    n1, n2 = sum(reference.values()), sum(current.values())

    def areas() -> Iterator[float]:
        # Between consecutive values both CDFs are flat: |F_r - F_c| times the gap.
        before: tuple[float, int, int] | None = None
        for step in _ecdf_walk(reference, current):
            if before is not None:
                v, r, c = before
                yield abs(r / n1 - c / n2) * (step[0] - v)
            before = step

    return math.fsum(areas()) / max(population_std(reference), 0.001)


# --- one comparison -----------------------------------------------------------------


def compare(
    method: Method,
    reference: Counts,
    current: Counts,
    *,
    numeric: bool,
    integer: bool = False,
) -> tuple[float | None, list[dict[str, object]]]:
    """The method's value from each side's value counts, and the bins or categories behind it.

    ``psi`` and ``jensen_shannon`` on a numeric column whose reference has
    more than 20 distinct values use Sturges bins over both sides (as
    :func:`compare_bins`); otherwise one share per value, as Evidently does.
    The second item lists each bin (``low``, ``high``) or value with both
    sides' rows and shares, for a chart. A value of None: chi-square over a
    single category (no degrees of freedom).
    """
    histogram = method in ("psi", "jensen_shannon") and binned(numeric, len(reference))
    if numeric and (method in NUMERIC_ONLY or histogram):
        floats_ref, floats_cur = _float_keys(reference), _float_keys(current)
        low = min(itertools.chain(floats_ref, floats_cur))
        high = max(itertools.chain(floats_ref, floats_cur))
        rows = sum(reference.values()) + sum(current.values())
        edges = sturges_edges(low, high, rows, integer=integer)
        ref_bins, cur_bins = bin_counts(floats_ref, edges), bin_counts(floats_cur, edges)
        if method == "ks":
            value: float | None = ks(floats_ref, floats_cur)[1]
        elif method == "wasserstein":
            value = wasserstein(floats_ref, floats_cur)
        else:
            return compare_bins(method, edges, ref_bins, cur_bins)
        return value, bins_detail(edges, ref_bins, cur_bins)
    keys, ref_counts, cur_counts = aligned(reference, current)
    value = _on_shares(method, ref_counts, cur_counts)
    ref_shares, cur_shares = shares(ref_counts), shares(cur_counts)
    listed: list[dict[str, object]] = [
        {"value": k, "reference": r, "current": c, "reference_share": rs, "current_share": cs}
        for k, r, c, rs, cs in zip(
            keys, ref_counts, cur_counts, ref_shares, cur_shares, strict=True
        )
    ]
    return value, listed


def _float_keys(counts: Counts) -> NumericCounts:
    """``counts`` with float keys: itself when they are floats already (no copy of 100,000)."""
    if all(type(k) is float for k in counts):
        return counts  # type: ignore[return-value]
    return {float(k): v for k, v in counts.items()}  # type: ignore[arg-type]


def compare_bins(
    method: Method, edges: Sequence[float], reference: Sequence[int], current: Sequence[int]
) -> tuple[float | None, list[dict[str, object]]]:
    """``psi`` or ``jensen_shannon`` (or ``chi_square``) on histogram bins the database counted."""
    return _on_shares(method, reference, current), bins_detail(edges, reference, current)


def _on_shares(method: Method, reference: Sequence[int], current: Sequence[int]) -> float | None:
    if method == "psi":
        return psi(reference, current)[0]
    if method == "jensen_shannon":
        return jensen_shannon(reference, current)
    if method == "chi_square":
        return chi_square(reference, current)
    raise ValueError(f"{method} needs a numeric column: it compares the values' order")


def bins_detail(
    edges: Sequence[float], reference: Sequence[int], current: Sequence[int]
) -> list[dict[str, object]]:
    """One entry per bin: its edges, both sides' rows and shares."""
    ref_shares, cur_shares = shares(reference), shares(current)
    return [
        {
            "low": edges[i],
            "high": edges[i + 1],
            "reference": reference[i],
            "current": current[i],
            "reference_share": ref_shares[i],
            "current_share": cur_shares[i],
        }
        for i in range(len(reference))
    ]
