"""``drift`` on every engine: the values equal Evidently 0.7's own functions on the same rows.

Generated rows with known shifts (fixed seeds) are loaded into each engine;
the check computes from the aggregates the database returns, the oracle
(``drift_oracle``: Evidently's stat tests) from the rows themselves, NULL,
NaN and infinities dropped as Evidently drops them. Equal to a relative 1e-9.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.data import NOW
from drift_oracle import evidently_value
from trustwell.checks.result import CheckResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset
from trustwell.engines.base import Engine

DDL = "CREATE TABLE {name} (batch VARCHAR, region VARCHAR, amount DOUBLE PRECISION, qty INTEGER)"
REGIONS = ["north", "south", "east", "west"]


def _rows(
    seed: int, batch: str, n: int, shift: float, weights: list[float]
) -> list[tuple[Any, ...]]:
    rng = random.Random(seed)
    names = [*REGIONS, "up"] if len(weights) == 5 else REGIONS
    rows: list[tuple[Any, ...]] = []
    for i in range(n):
        amount: float | None = round(rng.gauss(50 + shift, 12), 2)
        if i % 97 == 0:
            amount = None
        region: str | None = None if i % 89 == 0 else rng.choices(names, weights)[0]
        qty: int | None = None if i % 83 == 0 else rng.randint(0, 40) + int(shift // 4)
        rows.append((batch, region, amount, qty))
    return rows


OLD = _rows(1, "old", 1400, 0, [4, 3, 2, 1])  # the reference asset: over 1,000 rows
NEW = _rows(2, "new", 900, 6, [1, 2, 3, 4, 1])  # shifted, and a region only here
SMALL = _rows(3, "small", 400, 1, [4, 3, 2, 1])  # a reference of 1,000 rows or fewer
SPECIAL = [
    ("new", "north", math.nan, 1),
    ("new", "north", math.inf, 2),
    ("old", None, -math.inf, 3),
]
READINGS = NEW + SMALL + OLD[:300] + SPECIAL


@pytest.fixture(scope="module")
def drift_engine(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The conformance engine with the readings tables loaded."""
    placeholder = "?" if engine.dialect == "duckdb" else "%s"
    insert = "INSERT INTO {name} VALUES (" + ", ".join([placeholder] * 4) + ")"
    connection = getattr(engine, "connection", None)
    if engine.dialect == "duckdb":
        for name, rows in (("readings", READINGS), ("readings_old", OLD)):
            connection.execute(DDL.format(name=name))
            connection.executemany(insert.format(name=name), rows)
    elif engine.dialect == "spark":
        from spark_local import parquet_view

        folder = tmp_path_factory.mktemp("drift")
        for name, rows in (("readings", READINGS), ("readings_old", OLD)):
            parquet_view(engine.session, DDL.format(name=name), rows, folder)  # type: ignore[attr-defined]
    else:
        import psycopg

        with psycopg.connect(engine.url, autocommit=True) as conn:  # type: ignore[attr-defined]
            for name, rows in (("readings", READINGS), ("readings_old", OLD)):
                conn.execute(DDL.format(name=name))
                with conn.cursor() as cursor:
                    cursor.executemany(insert.format(name=name), rows)
    yield engine


def _run(engine: Engine, *checks: dict[str, Any]) -> tuple[list[CheckResult], list[str]]:
    statements: list[str] = []
    assets = {
        "readings": Asset.model_validate({"name": "readings", "checks": list(checks)}),
        "readings_old": Asset.model_validate({"name": "readings_old"}),
    }
    run = AssetRun(
        engine=engine,
        asset=assets["readings"],
        assets=assets,
        now=parse_timestamp(NOW),
        on_sql=lambda statement: statements.append(statement.sql),
    )
    return check_asset(run), statements


def _column(rows: list[tuple[Any, ...]], column: str, batch: str | None = None) -> list[Any]:
    index = ["batch", "region", "amount", "qty"].index(column)
    kept = [r[index] for r in rows if batch is None or r[0] == batch]
    return [
        v for v in kept if v is not None and not (isinstance(v, float) and not math.isfinite(v))
    ]


CURRENT = "batch = 'new'"
METHODS = ["psi", "jensen_shannon", "chi_square", "ks", "wasserstein"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("column", ["amount", "qty", "region"])
def test_each_method_against_another_asset_equals_evidently(
    drift_engine: Engine, column: str, method: str
) -> None:
    check = {"type": "drift", "column": column, "method": method, "where": CURRENT,
             "reference": {"asset": "readings_old"}}  # fmt: skip
    (result,), statements = _run(drift_engine, check)
    numeric = column != "region"
    if not numeric and method in ("ks", "wasserstein"):
        assert result.status == "error"
        assert result.message == f"{method} needs a numeric column: region is not"
        return
    reference, current = _column(OLD, column), _column(READINGS, column, "new")
    expected = evidently_value(method, reference, current, numeric=numeric)
    assert result.value == pytest.approx(expected, rel=1e-9)
    p_value = method in ("ks", "chi_square")
    drifted = expected < 0.05 if p_value else expected > 0.1
    assert result.status == ("fail" if drifted else "pass")
    assert result.details["method"] == method
    assert (result.details["reference_rows"], result.details["current_rows"]) == (
        len(reference),
        len(current),
    )
    assert result.queries == 3  # the describe, the profile, then the counts; no row is pulled
    assert all("GROUP BY" in s for s in statements) and len(statements) == 2


SMALL_REF = {"where": "batch = 'small'"}


@pytest.mark.parametrize(
    ("column", "reference", "method"),
    [
        ("amount", {"asset": "readings_old"}, "wasserstein"),  # numeric, over 1,000 rows
        ("region", {"asset": "readings_old"}, "jensen_shannon"),
        ("amount", SMALL_REF, "ks"),  # numeric, 1,000 rows or fewer
        ("region", SMALL_REF, "chi_square"),
    ],
)
def test_the_default_method_is_evidentlys_choice(
    drift_engine: Engine, column: str, reference: dict[str, str], method: str
) -> None:
    check = {"type": "drift", "column": column, "where": CURRENT, "reference": reference}
    (result,), _ = _run(drift_engine, check)
    rows = _column(OLD, column) if "asset" in reference else _column(READINGS, column, "small")
    expected = evidently_value(
        method, rows, _column(READINGS, column, "new"), numeric=column != "region"
    )
    assert result.details["method"] == method
    assert result.value == pytest.approx(expected, rel=1e-9)
    assert result.threshold == {"method": "auto"}


def test_a_region_only_in_current_data_is_listed_with_no_reference_rows(
    drift_engine: Engine,
) -> None:
    check = {"type": "drift", "column": "region", "method": "chi_square", "where": CURRENT,
             "reference": SMALL_REF}  # fmt: skip
    (result,), _ = _run(drift_engine, check)
    assert (result.status, result.value) == ("fail", 0.0)
    categories = {c["value"]: c for c in result.details["categories"]}
    assert set(categories) == {*REGIONS, "up"}
    assert (categories["up"]["reference"], categories["up"]["current"]) == (0, NEW_UP)
    assert sum(c["current_share"] for c in categories.values()) == pytest.approx(1.0)


NEW_UP = sum(1 for r in NEW if r[1] == "up")


def test_bins_are_sturges_over_both_sides_with_both_shares(drift_engine: Engine) -> None:
    import numpy as np

    check = {"type": "drift", "column": "amount", "method": "psi", "where": CURRENT,
             "reference": {"asset": "readings_old"}}  # fmt: skip
    (result,), _ = _run(drift_engine, check)
    reference, current = _column(OLD, "amount"), _column(READINGS, "amount", "new")
    edges = np.histogram_bin_edges(np.array(reference + current), bins="sturges")
    bins = result.details["bins"]
    assert [b["low"] for b in bins] + [bins[-1]["high"]] == edges.tolist()
    assert [b["reference"] for b in bins] == np.histogram(reference, edges)[0].tolist()
    assert [b["current"] for b in bins] == np.histogram(current, edges)[0].tolist()
    assert result.details["statistic"] == "distance"
    assert result.details["reference"] == "asset readings_old"


def test_an_empty_current_window_passes_with_no_value(drift_engine: Engine) -> None:
    check = {"type": "drift", "column": "amount", "where": "batch = 'none'",
             "reference": {"asset": "readings_old"}}  # fmt: skip
    (result,), statements = _run(drift_engine, check)
    assert (result.status, result.value, result.details) == ("pass", None, None)
    assert result.message == "no current values of amount to compare"
    assert len(statements) == 1  # the profile only


def test_an_empty_reference_is_an_error(drift_engine: Engine) -> None:
    check = {"type": "drift", "column": "region", "where": CURRENT,
             "reference": {"where": "batch = 'none'"}}  # fmt: skip
    (result,), _ = _run(drift_engine, check)
    assert result.status == "error"
    assert result.message == (
        "the reference (where batch = 'none') has no values of region to compare with"
    )


def test_threshold_and_warn_levels(drift_engine: Engine) -> None:
    base = {"type": "drift", "column": "amount", "method": "psi", "where": CURRENT,
            "reference": {"asset": "readings_old"}}  # fmt: skip
    loose = {**base, "name": "loose", "threshold": 10, "warn": {"threshold": 0.05}}
    strict = {**base, "name": "strict", "threshold": 0.01}
    relaxed = {**base, "name": "relaxed", "threshold": 10}
    results, _ = _run(drift_engine, loose, strict, relaxed)
    assert [r.status for r in results] == ["warn", "fail", "pass"]
    assert results[0].threshold == {"method": "psi", "threshold": 10}
    assert "past the warn threshold 0.05" in results[0].message


def test_a_refused_reference_filter_or_unknown_asset_errors_only_its_check(
    drift_engine: Engine,
) -> None:
    bad_where = {"type": "drift", "column": "amount", "name": "bad",
                 "reference": {"where": "1 = 1; delete from readings"}}  # fmt: skip
    unknown = {"type": "drift", "column": "amount", "name": "unknown",
               "reference": {"asset": "readings_gone"}}  # fmt: skip
    fine = {"type": "row_count", "min": 1}
    (bad, missing, count), _ = _run(drift_engine, bad_where, unknown, fine)
    assert (bad.status, bad.message) == (
        "error",
        "reference.where must be one SQL statement, got 2",
    )
    assert missing.status == "error" and "readings_gone" in missing.message
    assert count.status == "pass"


@pytest.mark.parametrize("method", ["ks", "wasserstein"])
def test_above_the_distinct_limit_a_quantile_sketch_stays_within_its_bound(
    drift_engine: Engine, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scipy import stats

    # The limit (100,000) and the tiles (10,000) made small, so that small data takes the path.
    monkeypatch.setattr("trustwell.checks.types.drift.MAX_DISTINCT", 200)
    monkeypatch.setattr("trustwell.checks.drift_plan.TILES", 40)
    check = {"type": "drift", "column": "amount", "method": method, "where": CURRENT,
             "reference": {"asset": "readings_old"}}  # fmt: skip
    (result,), statements = _run(drift_engine, check)
    reference, current = _column(OLD, "amount"), _column(READINGS, "amount", "new")
    sketch = result.details["sketch"]
    assert sketch["tiles"] == 40 and "NTILE(40) OVER" in statements[-1]
    if method == "ks":
        exact = stats.ks_2samp(reference, current).statistic
        assert 0 < abs(sketch["ks_statistic"] - exact) <= sketch["ks_statistic_error"]
        # half the largest tile's share of each side: NTILE's tiles differ by one row at most
        half = [math.ceil(len(side) / 40) / (2 * len(side)) for side in (reference, current)]
        assert sketch["ks_statistic_error"] == pytest.approx(sum(half), rel=1e-12)
    else:
        expected = evidently_value(method, reference, current, numeric=True)
        assert 0 < abs(result.value - expected) <= sketch["value_error"]
    assert result.status == "fail"
