"""The churn model's scores: ``ml.churn_scores``, one row per customer scored.

A nightly job scores a batch of customers after the raw loads: two features
(``tenure_days``, ``plan``), the customer's ``region`` (the group the model must
treat alike), the model's ``churn_probability`` and its decision
``churn_predicted``, and ``churned``, the outcome observed since. Every batch
has its own seeded generator, so the same customers come out on every machine
and a batch can be scored again with the same draws.

The broken morning: the CRM export behind the scoring job starts sending the
customers' tenure in months, and the latest batch is scored on those
numbers (:func:`break_scoring`); the fix scores it again from days
(:func:`fix_scoring`).

>>> build_scores(Path("demo/warehouse.duckdb"), clock.now())   # doctest: +SKIP
{'ml.churn_scores': 3000}
"""

from __future__ import annotations

import math
import random
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from trustwell.demo.warehouse import load_rows, nightly_loads

TABLE = "ml.churn_scores"
SEED = 11  # any fixed number, as the warehouse's own
BATCHES = 12  # nightly scoring batches held, the latest first
BATCH_SIZE = 250
SCORED_AFTER = timedelta(minutes=20)  # the scoring job runs this long after the nightly load
THRESHOLD = 0.4  # churn_probability from which the model predicts churn
MEDIAN_TENURE = 420  # days
# Plan, its share of customers and its pull on churn (basic customers leave more easily).
PLANS = (("basic", 0.5, 0.8), ("plus", 0.35, 0.0), ("pro", 0.15, -1.0))
REGIONS = ("north", "south", "east", "west")
DAYS_PER_MONTH = 30  # what the broken export divides tenure by

DDL = f"""
CREATE SCHEMA IF NOT EXISTS ml;
CREATE OR REPLACE TABLE {TABLE} (
    customer_id BIGINT, tenure_days INTEGER, plan VARCHAR, region VARCHAR,
    churn_probability DOUBLE, churn_predicted INTEGER, churned INTEGER,
    scored_at TIMESTAMP);
"""


@dataclass(frozen=True)
class Rescored:
    """What :func:`break_scoring` or :func:`fix_scoring` did to the latest batch."""

    rows: int
    median_before: float  # median tenure_days of the batch before
    median_after: float


def scoring_times(now: datetime) -> list[datetime]:
    """When each batch was scored (naive UTC, as the warehouse stores it), the latest first.

    Each nightly load (see :func:`trustwell.demo.warehouse.nightly_loads`) is
    followed ``SCORED_AFTER`` later by its scoring run.
    """
    return [load.loaded_at + SCORED_AFTER for load in nightly_loads(now, BATCHES)]


def build_scores(path: Path, now: datetime) -> dict[str, int]:
    """Write the healthy table into the warehouse at ``path``; return its row count by name."""
    import duckdb

    rows = score_rows(now)
    with duckdb.connect(str(path)) as con, tempfile.TemporaryDirectory() as scratch:
        con.execute(DDL)
        load_rows(con, Path(scratch) / "churn_scores.csv", TABLE, rows)
    return {TABLE: len(rows)}


def score_rows(now: datetime) -> list[tuple[Any, ...]]:
    """Every row of the healthy table, the oldest batch first."""
    times = scoring_times(now)
    rows: list[tuple[Any, ...]] = []
    for index in reversed(range(BATCHES)):
        rows.extend(_batch(index, times[index]))
    return rows


def break_scoring(path: Path, now: datetime) -> Rescored:
    """Score the latest batch again on tenure in months, as the broken export delivers it."""
    return _rescore(path, now, scoring_times(now)[0], DAYS_PER_MONTH)


def fix_scoring(path: Path, built: datetime, fixed: datetime) -> Rescored:
    """Score the latest batch of the warehouse built at ``built`` again from days, at ``fixed``."""
    at = fixed.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    return _rescore(path, built, at, 1)


def _rescore(path: Path, built: datetime, at: datetime, divide_by: int) -> Rescored:
    """Replace the latest batch with the same customers scored at ``at``."""
    import duckdb

    latest = scoring_times(built)[0]
    rows = _batch(0, at, tenure_divided_by=divide_by)
    median = f"SELECT median(tenure_days) FROM {TABLE} WHERE scored_at >= ?"  # noqa: S608 - our own name
    with duckdb.connect(str(path)) as con, tempfile.TemporaryDirectory() as scratch:
        con.execute("BEGIN")
        before = con.execute(median, [latest]).fetchone()
        con.execute(f"DELETE FROM {TABLE} WHERE scored_at >= ?", [latest])  # noqa: S608 - our own name
        load_rows(con, Path(scratch) / "batch.csv", TABLE, rows)
        after = con.execute(median, [latest]).fetchone()
        con.execute("COMMIT")
    return Rescored(len(rows), _number(before), _number(after))


def _batch(index: int, scored_at: datetime, *, tenure_divided_by: int = 1) -> list[tuple[Any, ...]]:
    """Batch ``index`` (0 = the latest): the same customers and draws whatever the tenure unit.

    The outcome follows the true tenure; the score follows the tenure the model
    was given, so a wrong unit moves the scores and not what the customers do.
    """
    rng = random.Random(SEED * 1_000 + index)
    rows = []
    for position in range(BATCH_SIZE):
        tenure = max(1, round(rng.lognormvariate(math.log(MEDIAN_TENURE), 0.9)))
        plan, pull = _plan(rng.random())
        region = rng.choice(REGIONS)
        churned = int(rng.random() < _sigmoid(_log_odds(tenure, pull)))
        noise = rng.gauss(0, 0.4)  # what the model does not know
        seen = max(1, round(tenure / tenure_divided_by))
        probability = round(_sigmoid(_log_odds(seen, pull) + noise), 4)
        customer = 500_000 + (BATCHES - 1 - index) * BATCH_SIZE + position
        predicted = int(probability >= THRESHOLD)
        rows.append((customer, seen, plan, region, probability, predicted, churned, scored_at))
    return rows


def _plan(draw: float) -> tuple[str, float]:
    share = 0.0
    for name, part, pull in PLANS:
        share += part
        if draw < share:
            return name, pull
    return PLANS[-1][0], PLANS[-1][2]


def _log_odds(tenure: int, pull: float) -> float:
    """Churn log-odds: new customers and basic plans leave more often."""
    return -1.0 - 1.4 * math.log(tenure / MEDIAN_TENURE) + pull


def _number(row: tuple[Any, ...] | None) -> float:
    return float(row[0]) if row and row[0] is not None else 0.0


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))
