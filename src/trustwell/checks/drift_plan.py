"""What a ``drift`` check asks for, decided from the profile of both sides. Pure: no I/O.

The profile query gives each side's rows, distinct values, minimum and
maximum; from these the method is chosen as Evidently would (when none is
given), and so is the shape of the counts to ask for: rows per Sturges bin
(``psi``/``jensen_shannon`` on a numeric column whose reference has more than
20 distinct values) or rows per value (everything else). A stored baseline
stands for the reference side: its value counts give that side's profile
and, later, its bins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trustwell.checks import drift_stats as stats
from trustwell.checks.drift_sketch import TILES, Tile, exact_tiles
from trustwell.checks.drift_sql import CURRENT, REFERENCE, SIDE, VALUE, rows_of
from trustwell.checks.outcome import number

if TYPE_CHECKING:
    from trustwell.checks.context import EvaluationContext


@dataclass(frozen=True)
class SideProfile:
    """One side's non-null rows, distinct values and (numeric) range."""

    rows: int
    distinct: int
    low: float | None = None
    high: float | None = None
    spread: float | None = None  # population standard deviation (numeric)


@dataclass(frozen=True)
class Baseline:
    """A stored reference: value counts saved by ``trustwell baseline save``."""

    label: str  # "baseline NAME v3"
    numeric: bool
    integer: bool
    values: dict[Any, int]

    def profile(self) -> SideProfile:
        numbers = [float(v) for v in self.values] if self.numeric else []
        low, high = (min(numbers), max(numbers)) if numbers else (None, None)
        rows = sum(self.values.values())
        spread = stats.population_std(self.values) if numbers else None
        return SideProfile(rows, len(self.values), low, high, spread)


@dataclass(frozen=True)
class Plan:
    """The method, what to count (bins when ``edges``, else values) and the sides' sizes."""

    method: stats.Method | None  # None: decided once the value counts are in (see resolve)
    numeric: bool
    integer: bool
    edges: list[float] | None
    reference_rows: int
    current_rows: int
    reference_label: str
    tiles: int | None = None  # a quantile sketch of this many tiles per side (see drift_sketch)
    reference_std: float | None = None

    def resolve(self, reference: Mapping[Any, int], current: Mapping[Any, int]) -> stats.Method:
        """The method, once the values of both sides are known (a baseline with few values)."""
        if self.method is not None:
            return self.method
        both = len(set(reference) | set(current))
        return stats.default_method(self.numeric, both, self.reference_rows)


def profile(rows: Sequence[Mapping[str, Any]], numeric: bool) -> dict[str | None, SideProfile]:
    """The profile query's rows by side."""
    found: dict[str | None, SideProfile] = {}
    for row in rows:
        low, high = (number(row.get("low")), number(row.get("high"))) if numeric else (None, None)
        rows_, distinct = int(number(row["rows"]) or 0), int(number(row["distinct"]) or 0)
        spread = number(row.get("spread")) if numeric else None
        found[row[SIDE]] = SideProfile(rows_, distinct, low, high, spread)
    return found


def baseline_of(name: str | None, context: EvaluationContext) -> Baseline | None:
    """The stored baseline called ``name`` (None when the reference is rows)."""
    if name is None:
        return None
    stored = context.baseline(name)
    if stored is None:
        raise ValueError(
            f"baseline '{name}' not found: save it with `trustwell baseline save {name}`"
            " (a run that is not recorded reads no stored baseline)"
        )
    values = {(float(v) if stored["kind"] == "numeric" else v): int(n) for v, n in stored["values"]}
    label = f"baseline {name} v{stored['version']} ({stored['asset']}.{stored['column']})"
    return Baseline(label, stored["kind"] == "numeric", bool(stored.get("integer")), values)


def plan(
    method: stats.Method | None,
    column: str,
    label: str,
    found: Mapping[str | None, SideProfile],
    baseline: Baseline | None,
    numeric: bool,
    integer: bool,
    max_distinct: int,
) -> Plan | None:
    """What to count, or None when the current side has no value (the check passes)."""
    current = found.get(CURRENT, SideProfile(0, 0))
    if baseline is not None:
        if baseline.numeric != numeric:
            kinds = {True: "numeric", False: "categorical"}
            raise ValueError(
                f"{baseline.label} is {kinds[baseline.numeric]}, {column} is {kinds[numeric]}"
            )
        reference, label = baseline.profile(), baseline.label
    else:
        reference = found.get(REFERENCE, SideProfile(0, 0))
    # Evidently's default method asks whether both sides together have more than 5
    # distinct values. Above 5 on one side they do; with at most 5 on each the method is
    # resolved from the value counts asked for next (Plan.resolve): no distinct count of
    # both sides together is needed.
    few = max(reference.distinct, current.distinct) <= 5
    both: int | None = None if few else reference.distinct + current.distinct
    if current.rows == 0:
        return None
    if reference.rows == 0:
        raise ValueError(f"the reference ({label}) has no values of {column} to compare with")
    if method is None and both is not None:
        method = stats.default_method(numeric, both, reference.rows)
    if method in stats.NUMERIC_ONLY and not numeric:
        raise ValueError(f"{method} needs a numeric column: {column} is not")
    edges, tiles = None, None
    if method in ("psi", "jensen_shannon") and stats.binned(numeric, reference.distinct):
        lows, highs = (reference.low, current.low), (reference.high, current.high)
        low, high = min(v for v in lows if v is not None), max(v for v in highs if v is not None)
        edges = stats.sturges_edges(low, high, reference.rows + current.rows, integer=integer)
    elif max(reference.distinct, current.distinct) > max_distinct and method in stats.NUMERIC_ONLY:
        tiles = TILES
    elif max(reference.distinct, current.distinct) > max_distinct:
        raise ValueError(
            f"{column} has more than {max_distinct:,} distinct values on one side: too"
            " many to count one by one for this method"
        )
    return Plan(
        method, numeric, integer, edges, reference.rows, current.rows, label, tiles,
        reference.spread,
    )  # fmt: skip


def bin_counts_of(
    rows: Sequence[Mapping[str, Any]], chosen: Plan, baseline: Baseline | None
) -> tuple[list[int], list[int]]:
    """(reference, current) rows per bin, from the bins query and, if any, the baseline."""
    assert chosen.edges is not None
    size = len(chosen.edges) - 1
    sides = {CURRENT: [0] * size, REFERENCE: [0] * size}
    for row in rows:
        sides[row[SIDE]][int(row["_bin"])] += int(row["rows"])
    if baseline is not None:
        sides[REFERENCE] = stats.bin_counts(baseline.values, chosen.edges)
    return sides[REFERENCE], sides[CURRENT]


def value_counts_of(
    rows: Sequence[Mapping[str, Any]], chosen: Plan, baseline: Baseline | None
) -> tuple[dict[Any, int], dict[Any, int]]:
    """(reference, current) rows per value, from the values query and, if any, the baseline.

    The query has one row per value with a count for each side; a value a
    side lacks (count 0) is left out of that side, as a side counted alone.
    """
    sides: dict[str, dict[Any, int]] = {CURRENT: {}, REFERENCE: {}}
    for name, counts in sides.items():
        key = rows_of(name)
        for row in rows:
            rows_here = int(row.get(key) or 0)
            if rows_here:
                value = float(row[VALUE]) if chosen.numeric else row[VALUE]
                counts[value] = counts.get(value, 0) + rows_here
    if baseline is not None:
        sides[REFERENCE] = dict(baseline.values)
    return sides[REFERENCE], sides[CURRENT]


def tiles_of(
    rows: Sequence[Mapping[str, Any]], baseline: Baseline | None
) -> tuple[list[Tile], list[Tile]]:
    """(reference, current) tiles in value order; a baseline's values are exact tiles."""
    sides: dict[str, list[tuple[int, Tile]]] = {CURRENT: [], REFERENCE: []}
    for row in rows:
        tile = Tile(int(row["rows"]), float(row["low"]), float(row["high"]))
        sides[row[SIDE]].append((int(row["_tile"]), tile))
    reference = [t for _, t in sorted(sides[REFERENCE], key=lambda p: p[0])]
    if baseline is not None:
        reference = exact_tiles(baseline.values)
    return reference, [t for _, t in sorted(sides[CURRENT], key=lambda p: p[0])]
