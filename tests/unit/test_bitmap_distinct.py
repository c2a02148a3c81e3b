"""Distinct counts as bitmaps on DuckDB: when the plan uses one, and that it counts exactly.

Real DuckDB is the oracle: every distinct count a check reports equals
``COUNT(DISTINCT …)`` computed by DuckDB itself over the same rows, whether
the plan took the bitmap (dense integer keys of a base table) or kept
``COUNT(DISTINCT …)`` (strings, sparse or huge ranges, two-column keys,
views, ``query:`` assets, empty tables).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from trustwell.checks.bitmap_distinct import ALWAYS_BITS, MAX_BITS, bitmap_bounds, padded
from trustwell.checks.run import AssetRun, check_asset
from trustwell.config.models import Asset
from trustwell.engines.base import KeyRange
from trustwell.engines.duckdb import DuckDBEngine

ROWS = 5000
DDL = f"""
CREATE TABLE keys AS
SELECT
    CAST(i % 900 AS INTEGER)                                  AS dense,
    CAST(i % 97 - 40 AS TINYINT)                              AS small_negative,
    CAST(i AS UBIGINT)                                        AS unsigned_id,
    CAST(i AS HUGEINT)                                        AS huge_type,
    CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i % 1300 AS BIGINT) END AS with_nulls,
    CAST(i * 100000 AS BIGINT)                                AS sparse,
    CAST(hash(i) AS UBIGINT)                                  AS random_wide,
    CAST(NULL AS INTEGER)                                     AS all_null,
    'k' || (i % 300)                                          AS text_key,
    CAST(i % 11 AS INTEGER)                                   AS "MixedCase",
    i % 3 = 0                                                 AS flag
FROM range({ROWS}) AS t(i);
CREATE TABLE nothing (n INTEGER);
CREATE VIEW keys_view AS SELECT * FROM keys WHERE dense < 500;
"""
#: column -> whether its distinct count is planned as a bitmap on the base table
COLUMNS = {
    "dense": True,
    "small_negative": True,
    "unsigned_id": True,
    "huge_type": True,
    "with_nulls": True,
    "sparse": False,  # 5,000 keys over 500M values: a hash table is smaller
    "random_wide": False,  # beyond any bitmap
    "all_null": False,  # no bounds in the statistics
    "text_key": False,  # not an integer
    "MixedCase": True,
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bitmaps") / "keys.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(DDL)
    return path


def _checks(where: str | None) -> list[dict[str, Any]]:
    filtered = {"where": where} if where else {}
    checks: list[dict[str, Any]] = [
        {"type": "stat", "column": c, "stat": "distinct_count", **filtered} for c in COLUMNS
    ]
    checks.append({"type": "unique", "columns": ["dense", "text_key"], "samples": 0, **filtered})
    checks.append({"type": "unique", "column": "unsigned_id", "samples": 0, **filtered})
    return checks


def _run(path: Path, where: str | None = None, **asset: Any) -> tuple[dict[str, Any], str]:
    statements: list[str] = []
    subject = Asset.model_validate({"name": "keys", "checks": _checks(where), **asset})
    with DuckDBEngine(path, read_only=True) as engine:
        run = AssetRun(engine=engine, asset=subject, on_sql=lambda s: statements.append(s.sql))
        results = check_asset(run)
    assert all(r.status != "error" for r in results), [r.message for r in results]
    (scalar,) = [s for s in statements if not s.startswith("--")]
    return {r.check: r.value for r in results}, scalar


def _oracle(path: Path, relation: str, column: str, where: str | None) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        sql = f'SELECT COUNT(DISTINCT "{column}") FROM {relation} WHERE {where or "true"}'
        row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("where", [None, "flag", "dense > 850"])
def test_every_distinct_count_equals_duckdbs_own_on_the_base_table(
    database: Path, where: str | None
) -> None:
    values, sql = _run(database, where, table="keys")

    for column in COLUMNS:
        expected = _oracle(database, "keys", column, where)
        assert values[f"stat:distinct_count({column})"] == expected, column
    counted = re.findall(r'BITSTRING_AGG\((?:CASE WHEN .*? THEN )?"(\w+)"', sql)
    assert sorted(counted) == sorted(c for c, bitmap in COLUMNS.items() if bitmap)
    assert values["unique:unsigned_id"] == 0  # computed with the same bitmap column
    assert 'COUNT(DISTINCT ("dense", "text_key"))' in sql or "COUNT(DISTINCT CASE" in sql


def test_a_view_a_query_and_an_empty_table_keep_count_distinct(database: Path) -> None:
    query = "select * from keys where dense < 500"
    cases = [({"table": "keys_view"}, "keys_view"), ({"query": query}, f"({query})")]
    for asset, relation in cases:
        values, sql = _run(database, **asset)
        assert "BITSTRING_AGG" not in sql
        assert values["stat:distinct_count(dense)"] == _oracle(database, relation, "dense", None)

    statements: list[str] = []
    empty = Asset.model_validate(
        {"name": "nothing", "checks": [{"type": "stat", "column": "n", "stat": "distinct_count"}]}
    )
    with DuckDBEngine(database, read_only=True) as engine:
        run = AssetRun(engine=engine, asset=empty, on_sql=lambda s: statements.append(s.sql))
        (result,) = check_asset(run)
    assert (result.status, result.value) == ("pass", 0)
    assert "BITSTRING_AGG" not in statements[-1]


def test_a_dry_run_reads_no_statistics_and_shows_count_distinct(database: Path) -> None:
    statements: list[str] = []
    subject = Asset.model_validate({"name": "keys", "table": "keys", "checks": _checks(None)})
    with DuckDBEngine(database, read_only=True) as engine:
        run = AssetRun(
            engine=engine, asset=subject, dry_run=True, on_sql=lambda s: statements.append(s.sql)
        )
        assert check_asset(run) == []
    assert "BITSTRING_AGG" not in "".join(statements)


@pytest.mark.parametrize(
    ("ranged", "bitmap"),
    [
        (KeyRange(1, 20_000_000, 19_000_000), True),  # the bench's order ids
        (KeyRange(-5, 5, None), True),  # tiny: always
        (KeyRange(0, ALWAYS_BITS - 1, None), True),
        (KeyRange(0, ALWAYS_BITS, None), False),  # no estimate of the keys: not beyond tiny
        (KeyRange(0, ALWAYS_BITS * 64 - 1, ALWAYS_BITS), True),  # 64 bits a key
        (KeyRange(0, ALWAYS_BITS * 64, ALWAYS_BITS), False),  # one bit more
        (KeyRange(0, MAX_BITS - 1, MAX_BITS), True),
        (KeyRange(0, MAX_BITS, MAX_BITS), False),  # more than 8 MiB
        (KeyRange(5, 4, 0), False),  # bounds of nothing
        (KeyRange(-(2**63), 2**63 - 1, 10**9), False),
    ],
)
def test_the_density_rule(ranged: KeyRange, bitmap: bool) -> None:
    assert bitmap_bounds(ranged) is bitmap


class _StaleStatistics(DuckDBEngine):
    """Statistics older than the rows (a write between the two statements): too narrow."""

    def key_ranges(self, relation: Any, columns: Any) -> dict[str, KeyRange]:
        found = super().key_ranges(relation, columns)
        return {name: KeyRange(r.low, r.low + 10, 11) for name, r in found.items()}


def test_stale_statistics_cost_a_replan_never_a_wrong_count(database: Path) -> None:
    subject = Asset.model_validate({"name": "keys", "table": "keys", "checks": _checks(None)})
    statements: list[str] = []
    with _StaleStatistics(database, read_only=True) as engine:
        run = AssetRun(engine=engine, asset=subject, on_sql=lambda s: statements.append(s.sql))
        results = check_asset(run)

    assert [r.status for r in results if r.status == "error"] == []
    for column in COLUMNS:
        value = next(r.value for r in results if r.check == f"stat:distinct_count({column})")
        assert value == _oracle(database, "keys", column, None), column
    assert "BITSTRING_AGG" in statements[0]  # the shared statement failed: out of range
    assert all("BITSTRING_AGG" not in s for s in statements[1:])  # its halves count DISTINCT


@pytest.mark.parametrize(
    ("low", "high", "padded_to"),
    [
        (1_000_000, 20_999_999, (0, 23_068_671)),  # the bench's order ids: 15 % more bits
        (1, 9, (1, 9)),  # a step of 1 below 16 values
        (-3, 70, (-8, 71)),
        (-100, -1, (-104, -1)),
        (7, 7, (7, 7)),
    ],
)
def test_bounds_are_padded_so_a_growing_table_keeps_its_statement(
    low: int, high: int, padded_to: tuple[int, int]
) -> None:
    found = padded(KeyRange(low, high))
    assert found == padded_to
    assert found is not None and found[0] <= low and high <= found[1]
    assert (found[1] - found[0] + 1) <= (high - low + 1) * 5 // 4 + 16
    assert padded(KeyRange(low, high + 1)) == padded_to or high + 1 > padded_to[1]
    assert padded(KeyRange(low, high, exact=False)) is None  # estimates never bound a bitmap


def test_a_table_that_grows_a_little_is_sent_the_same_statement(tmp_path: Path) -> None:
    path = tmp_path / "growing.duckdb"
    subject = Asset.model_validate(
        {"name": "t", "table": "t", "checks": [{"type": "unique", "column": "id", "samples": 0}]}
    )
    sent: list[str] = []
    for rows in (10_000, 10_050):
        with duckdb.connect(str(path)) as con:
            con.execute(f"CREATE OR REPLACE TABLE t AS SELECT i AS id FROM range({rows}) r(i)")
        with DuckDBEngine(path, read_only=True) as engine:
            run = AssetRun(engine=engine, asset=subject, on_sql=lambda s: sent.append(s.sql))
            (result,) = check_asset(run)
        assert (result.status, result.value) == ("pass", 0)
    assert len(sent) == 2 and "BITSTRING_AGG" in sent[0] and sent[0] == sent[1]
