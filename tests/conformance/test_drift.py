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
def drift_engine(engine: Engine) -> Iterator[Engine]:
    """The conformance engine with the readings tables loaded."""
    placeholder = "?" if engine.dialect == "duckdb" else "%s"
    insert = "INSERT INTO {name} VALUES (" + ", ".join([placeholder] * 4) + ")"
    connection = getattr(engine, "connection", None)
    if engine.dialect == "duckdb":
        for name, rows in (("readings", READINGS), ("readings_old", OLD)):
            connection.execute(DDL.format(name=name))
            connection.executemany(insert.format(name=name), rows)
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
