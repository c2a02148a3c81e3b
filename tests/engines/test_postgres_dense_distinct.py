"""PostgreSQL: distinct counts of integer keys as 64-key buckets, exactly ``COUNT(DISTINCT)``.

The real server is the oracle: every distinct count a check reports equals
PostgreSQL's own ``COUNT(DISTINCT …)`` over the same rows, whether the plan
took the buckets (an analysed table's integer key with few buckets) or kept
``COUNT(DISTINCT …)`` (a text key, a view, a table never analysed).
"""

from __future__ import annotations

from typing import Any

import pytest

from trustwell.checks.bitmap_distinct import MAX_BUCKETS, buckets_worth
from trustwell.checks.run import AssetRun, check_asset
from trustwell.config.models import Asset
from trustwell.engines.base import KeyRange
from trustwell.engines.postgres import PostgresEngine

pytestmark = pytest.mark.postgres

DDL = """
CREATE TABLE keys AS
SELECT
    (i % 900)::int                                   AS dense,
    (i % 201 - 100)::bigint                          AS around_zero,
    (i % 97 - 40)::smallint                          AS small_negative,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i % 1300 END  AS with_nulls,
    (i::bigint * 100000)                             AS sparse,
    ('x' || (i % 300))                               AS text_key,
    i % 3 = 0                                        AS flag
FROM generate_series(0, 4999) AS t(i);
ANALYZE keys;
CREATE TABLE fresh AS SELECT i AS dense FROM generate_series(1, 50) AS t(i);
CREATE VIEW keys_view AS SELECT * FROM keys WHERE dense < 500;
"""
BUCKETED = ["dense", "around_zero", "small_negative", "with_nulls", "sparse"]


def _run(url: str, table: str, columns: list[str], where: str | None) -> tuple[dict[str, Any], str]:
    filtered = {"where": where} if where else {}
    checks = [{"type": "stat", "column": c, "stat": "distinct_count", **filtered} for c in columns]
    subject = Asset.model_validate({"name": table, "table": table, "checks": checks})
    statements: list[str] = []
    with PostgresEngine(url) as engine:
        run = AssetRun(engine=engine, asset=subject, on_sql=lambda s: statements.append(s.sql))
        results = check_asset(run)
    assert all(r.status != "error" for r in results), [r.message for r in results]
    return {r.check: r.value for r in results}, statements[-1]


def _oracle(conn: Any, table: str, column: str, where: str | None) -> int:
    sql = f'SELECT COUNT(DISTINCT "{column}") FROM {table} WHERE {where or "true"}'
    return int(conn.execute(sql).fetchone()[0])


@pytest.mark.parametrize("where", [None, "flag", "dense > 850"])
def test_bucketed_counts_equal_postgresqls_own(
    fresh_pg_url: str, pg_conn: Any, where: str | None
) -> None:
    pg_conn.execute(DDL)

    values, sql = _run(fresh_pg_url, "keys", [*BUCKETED, "text_key"], where)

    for column in [*BUCKETED, "text_key"]:
        expected = _oracle(pg_conn, "keys", column, where)
        assert values[f"stat:distinct_count({column})"] == expected, column
    assert sql.count("BIT_OR(") == len(BUCKETED)
    assert 'COUNT(DISTINCT "text_key")' in sql


def test_a_view_and_a_table_never_analysed_keep_count_distinct(
    fresh_pg_url: str, pg_conn: Any
) -> None:
    pg_conn.execute(DDL)
    for table in ("keys_view", "fresh"):
        values, sql = _run(fresh_pg_url, table, ["dense"], None)
        assert "BIT_OR(" not in sql and 'COUNT(DISTINCT "dense")' in sql
        assert values["stat:distinct_count(dense)"] == _oracle(pg_conn, table, "dense", None)


@pytest.mark.parametrize(
    ("ranged", "bucketed"),
    [
        (KeyRange(1, 500_000, 500_000, exact=False), True),  # the bench's customers: 7,813
        (KeyRange(1_000_000, 10_999_999, 10_000_000, exact=False), False),  # 156,250 buckets
        (KeyRange(None, None, 1000, exact=False), True),  # few keys, no histogram
        (KeyRange(None, None, None, exact=False), False),  # nothing known
        (KeyRange(0, 64 * MAX_BUCKETS - 1, None, exact=False), True),
        (KeyRange(0, 64 * MAX_BUCKETS, None, exact=False), False),
    ],
)
def test_the_bucket_rule(ranged: KeyRange, bucketed: bool) -> None:
    assert buckets_worth(ranged) is bucketed
