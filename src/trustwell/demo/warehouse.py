"""The pilot warehouse: an ad-spend feed, sign-ups, and the weekly CAC mart built from them.

Everything is deterministic (one seeded generator) and dated relative to
:func:`trustwell.clock.now`, so freshness reads the same at any moment and
``TRUSTWELL_NOW`` moves the whole warehouse in time.

The nightly pipeline is simulated as one load per day: the load that finished
``LOAD_LAG`` ago brought yesterday's data, the one before it the day before,
and so on for ``DAYS`` days.

>>> build_warehouse(Path("demo/warehouse.duckdb"), clock.now())   # doctest: +SKIP
>>> break_ad_spend_feed(Path("demo/warehouse.duckdb"), clock.now())  # doctest: +SKIP
>>> fix_ad_spend_feed(Path("demo/warehouse.duckdb"), built, clock.now())  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import random
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 7  # any fixed number: the same warehouse on every machine
DAYS = 90  # how much history the feeds hold
LOAD_LAG = timedelta(hours=2)  # the latest nightly load finished this long before "now"
STOPPED_DAYS = 2  # the broken feed misses the loads of the last two days
REPLAYED_DAYS_AGO = 10  # the replayed batch is older than any day of the latest week
DOMAINS = ("example.com", "mail.example", "inbox.test")
COUNTRIES = ("DE", "DE", "DE", "FR", "NL", "GB", "US", "ES")  # repeated = more likely
WEEKDAY_FACTOR = (1.0, 1.05, 1.05, 1.0, 0.95, 0.8, 0.75)  # Monday..Sunday: quieter weekends


@dataclass(frozen=True)
class Channel:
    """One acquisition channel: its campaigns, what a click and a customer cost."""

    name: str
    campaigns: dict[str, float]  # campaign id -> typical daily spend
    cac: float  # typical cost of one new customer
    cpm: float  # cost per thousand impressions
    ctr: float  # clicks per impression


CHANNELS = (
    Channel(
        "search",
        {"search-brand": 400, "search-generic": 900, "search-competitor": 350},
        cac=38,
        cpm=12,
        ctr=0.045,
    ),
    Channel(
        "social", {"social-prospecting": 800, "social-retargeting": 400}, cac=60, cpm=7, ctr=0.012
    ),
    Channel(
        "display", {"display-awareness": 900, "display-retargeting": 375}, cac=85, cpm=3, ctr=0.004
    ),
    Channel(
        "referral", {"referral-partners": 300, "referral-affiliates": 180}, cac=16, cpm=20, ctr=0.03
    ),
)


@dataclass(frozen=True)
class Load:
    """One nightly load: the day of data it brought and when it finished."""

    day: date
    loaded_at: datetime  # naive UTC, as the warehouse stores it
    batch_id: str


@dataclass(frozen=True)
class Breakage:
    """What :func:`break_ad_spend_feed` did, for the story to tell."""

    last_loaded_day: date  # the newest day of ad spend left in the warehouse
    missing_days: list[date]
    replayed_batch: str
    replayed_as: str
    replayed_rows: int


@dataclass(frozen=True)
class Fix:
    """What :func:`fix_ad_spend_feed` did, for the story to tell."""

    reloaded_days: list[date]
    reloaded_rows: int
    removed_batch: str
    removed_rows: int


def nightly_loads(now: datetime, days: int = DAYS) -> list[Load]:
    """The loads of the last ``days`` nights, newest first."""
    latest = now.astimezone(UTC).replace(tzinfo=None, microsecond=0) - LOAD_LAG
    loads = []
    for ago in range(days):
        finished = latest - timedelta(days=ago)
        day = finished.date() - timedelta(days=1)
        loads.append(Load(day, finished, f"adsapi-{day:%Y%m%d}-1"))
    return loads


TABLES = ("raw.ad_spend", "raw.new_customers", "marts.weekly_cac")

_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE OR REPLACE TABLE raw.ad_spend (
    date DATE, channel VARCHAR, campaign_id VARCHAR, spend DECIMAL(12, 2),
    impressions BIGINT, clicks BIGINT, loaded_at TIMESTAMP, batch_id VARCHAR);
CREATE OR REPLACE TABLE raw.new_customers (
    customer_id BIGINT, signup_date DATE, channel VARCHAR, email VARCHAR,
    country VARCHAR, loaded_at TIMESTAMP);
"""

# The mart as an analytics engineer would write it. Weeks start on Monday. A
# (week, channel) with customers but no spend gets spend 0 and CAC 0 rather
# than vanishing, so a gap in one input shows up instead of hiding.
# loaded_at is the mart's watermark: it is only as fresh as its stalest input,
# which is what a reader of the number needs to know.
MART_SQL = """
CREATE OR REPLACE TABLE marts.weekly_cac AS
WITH spend AS (
    SELECT CAST(date_trunc('week', date) AS DATE) AS week, channel, sum(spend) AS spend
    FROM raw.ad_spend GROUP BY ALL
), customers AS (
    SELECT CAST(date_trunc('week', signup_date) AS DATE) AS week, channel,
           count(*) AS new_customers
    FROM raw.new_customers GROUP BY ALL
), watermark AS (
    SELECT least((SELECT max(loaded_at) FROM raw.ad_spend),
                 (SELECT max(loaded_at) FROM raw.new_customers)) AS loaded_at
)
SELECT week, channel,
       CAST(coalesce(spend, 0) AS DECIMAL(12, 2)) AS spend,
       coalesce(new_customers, 0) AS new_customers,
       CAST(round(coalesce(spend, 0) / nullif(new_customers, 0), 2) AS DECIMAL(10, 2)) AS cac,
       watermark.loaded_at
FROM spend FULL JOIN customers USING (week, channel) CROSS JOIN watermark
ORDER BY week, channel
"""


def build_warehouse(path: Path, now: datetime) -> dict[str, int]:
    """Write the healthy warehouse to ``path`` and close it; return rows per table.

    The file is closed before returning because run_project opens DuckDB
    read-only, which a file still open for writing refuses.
    """
    import duckdb

    spend_rows, customer_rows = _generate(nightly_loads(now))
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con, tempfile.TemporaryDirectory() as scratch:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(_DDL)
        # A CSV round trip loads thousands of rows in milliseconds; executemany takes seconds.
        load_rows(con, Path(scratch) / "ad_spend.csv", "raw.ad_spend", spend_rows)
        load_rows(con, Path(scratch) / "new_customers.csv", "raw.new_customers", customer_rows)
        con.execute(MART_SQL)
        return {table: _count(con, table) for table in TABLES}


def break_ad_spend_feed(path: Path, now: datetime) -> Breakage:
    """The silent upstream failure: the feed stops and an old batch arrives twice.

    The ad platform's API stopped delivering ``STOPPED_DAYS`` days ago, and its
    last successful load also replayed an old batch under a new batch id. The
    mart is then rebuilt from raw as the nightly pipeline would: it succeeds,
    and publishes a wrong CAC.
    """
    import duckdb

    loads = nightly_loads(now)
    missing = loads[:STOPPED_DAYS]
    last_good = loads[STOPPED_DAYS]
    replayed = loads[REPLAYED_DAYS_AGO]
    replayed_as = _replayed_as(replayed)
    with duckdb.connect(str(path)) as con:
        con.execute("BEGIN")
        con.execute("DELETE FROM raw.ad_spend WHERE date > ?", [last_good.day])
        con.execute(
            "INSERT INTO raw.ad_spend SELECT date, channel, campaign_id, spend, impressions,"
            " clicks, ? AS loaded_at, ? AS batch_id FROM raw.ad_spend WHERE batch_id = ?",
            [last_good.loaded_at + timedelta(minutes=10), replayed_as, replayed.batch_id],
        )
        rows = con.execute(
            "SELECT count(*) FROM raw.ad_spend WHERE batch_id = ?", [replayed_as]
        ).fetchone()
        # The nightly rebuild runs as usual: nothing errors, the numbers are just wrong.
        con.execute(MART_SQL)
        con.execute("COMMIT")
    return Breakage(
        last_loaded_day=last_good.day,
        missing_days=sorted(load.day for load in missing),
        replayed_batch=replayed.batch_id,
        replayed_as=replayed_as,
        replayed_rows=int(rows[0]) if rows else 0,
    )


def fix_ad_spend_feed(path: Path, built: datetime, fixed: datetime) -> Fix:
    """The repair: reload the missing days, drop the replayed batch, rebuild the mart.

    Loads are dated from ``built``; the reloaded rows (the numbers the API would
    have delivered on time) carry ``fixed`` as their load time.
    """
    import duckdb

    loads = nightly_loads(built)
    missing = {load.day for load in loads[:STOPPED_DAYS]}
    replayed_as = _replayed_as(loads[REPLAYED_DAYS_AGO])
    at = fixed.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    spend_rows, _ = _generate(loads)
    reloaded = [
        (*row[:6], at, f"adsapi-{row[0]:%Y%m%d}-backfill")
        for row in spend_rows
        if row[0] in missing
    ]
    with duckdb.connect(str(path)) as con:
        con.execute("BEGIN")
        delete = "DELETE FROM raw.ad_spend WHERE batch_id = ?"
        removed = con.execute(delete, [replayed_as]).fetchone()  # DuckDB returns the count
        con.executemany("INSERT INTO raw.ad_spend VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reloaded)
        con.execute(MART_SQL)
        con.execute("COMMIT")
    return Fix(
        reloaded_days=sorted(missing),
        reloaded_rows=len(reloaded),
        removed_batch=replayed_as,
        removed_rows=int(removed[0]) if removed else 0,
    )


def _replayed_as(replayed: Load) -> str:
    """The new batch id the replayed batch arrived under."""
    return replayed.batch_id[:-1] + "2"


def _generate(loads: list[Load]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows of raw.ad_spend and raw.new_customers, oldest day first."""
    rng = random.Random(SEED)
    spend_rows: list[tuple[Any, ...]] = []
    customer_rows: list[tuple[Any, ...]] = []
    customer_id = 100_000
    for load in reversed(loads):
        factor = WEEKDAY_FACTOR[load.day.weekday()]
        for channel in CHANNELS:
            channel_spend = 0.0
            for campaign, typical in channel.campaigns.items():
                spend = round(typical * factor * rng.uniform(0.9, 1.1), 2)
                channel_spend += spend
                impressions = round(spend / channel.cpm * 1000)
                clicks = round(impressions * channel.ctr * rng.uniform(0.9, 1.1))
                row = (load.day, channel.name, campaign, spend, impressions, clicks)
                spend_rows.append((*row, load.loaded_at, load.batch_id))
            # Sign-ups follow spend closely, so a steady CAC makes gaps and doubles visible.
            signups = round(channel_spend / channel.cac * rng.uniform(0.97, 1.03))
            for _ in range(signups):
                customer_id += 1
                customer_rows.append(
                    (
                        customer_id,
                        load.day,
                        channel.name,
                        _email(rng, customer_id),
                        rng.choice(COUNTRIES),
                        load.loaded_at + timedelta(minutes=5),
                    )
                )
    return spend_rows, customer_rows


def _count(con: Any, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - our own names
    return int(row[0]) if row else 0


def _email(rng: random.Random, customer_id: int) -> str | None:
    # A few partner sign-ups arrive without an email: allowed, up to 1 %.
    if rng.random() < 0.004:
        return None
    return f"user{customer_id}@{rng.choice(DOMAINS)}"


def load_rows(con: Any, scratch: Path, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` into ``table`` through a CSV file at ``scratch``."""
    with scratch.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    columns = con.execute(f"DESCRIBE {table}").fetchall()
    types = ", ".join(f"'{name}': '{type_}'" for name, type_, *_ in columns)
    con.execute(
        f"INSERT INTO {table} SELECT * FROM read_csv(?, header = false, columns = {{{types}}})",  # noqa: S608 - our own table names
        [str(scratch)],
    )
