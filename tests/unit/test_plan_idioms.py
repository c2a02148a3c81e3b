"""The faster idioms of the shared statement: the rewrites, and their values on real DuckDB."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from trustwell.checks.idioms import Idioms, anchored_body, sharpen

PORTABLE, FILTER, FULL = Idioms(), Idioms(aggregate_filter=True), Idioms(True, True)


def _sharp(sql: str, idioms: Idioms, dialect: str = "duckdb") -> str:
    return sharpen(sqlglot.parse_one(sql, read=dialect), idioms).sql(dialect)


@pytest.mark.parametrize(
    ("before", "idioms", "after"),
    [
        ("COUNT(CASE WHEN NOT x IS NULL THEN 1 END)", PORTABLE, "COUNT(x)"),
        ("COUNT(CASE WHEN x IS NOT NULL THEN 1 END)", PORTABLE, "COUNT(x)"),
        ("COUNT(CASE WHEN x > 1 THEN 1 END)", PORTABLE, "COUNT(CASE WHEN x > 1 THEN 1 END)"),
        ("COUNT(CASE WHEN x > 1 THEN 1 END)", FILTER, "COUNT(*) FILTER(WHERE x > 1)"),
        # not a count of matching rows: left as written
        ("COUNT(CASE WHEN x > 1 THEN y END)", FILTER, "COUNT(CASE WHEN x > 1 THEN y END)"),
        (
            "COUNT(CASE WHEN x > 1 THEN 1 ELSE 0 END)",
            FILTER,
            "COUNT(CASE WHEN x > 1 THEN 1 ELSE 0 END)",
        ),
        (
            "COUNT(CASE WHEN NOT x IS NULL THEN x END)",
            FILTER,
            "COUNT(CASE WHEN NOT x IS NULL THEN x END)",
        ),
        ("COUNT(DISTINCT CASE WHEN NOT x IS NULL THEN x END)", PORTABLE, "COUNT(DISTINCT x)"),
        # a filter or a key tuple keeps the CASE (a tuple with a NULL in it is not NULL)
        (
            "COUNT(DISTINCT CASE WHEN r = 1 AND NOT x IS NULL THEN x END)",
            FILTER,
            "COUNT(DISTINCT CASE WHEN r = 1 AND NOT x IS NULL THEN x END)",
        ),
        (
            "COUNT(DISTINCT CASE WHEN NOT x IS NULL THEN y END)",
            FILTER,
            "COUNT(DISTINCT CASE WHEN NOT x IS NULL THEN y END)",
        ),
        # inside a larger expression, and the regex inside the filter
        (
            "1.0 * COUNT(CASE WHEN NOT REGEXP_MATCHES(s, '^a+$') THEN 1 END) / COUNT(*)",
            FULL,
            "1.0 * COUNT(*) FILTER(WHERE NOT REGEXP_FULL_MATCH(s, 'a+')) / COUNT(*)",
        ),
        (
            "COUNT(CASE WHEN NOT REGEXP_MATCHES(s, '^a|b$') THEN 1 END)",
            FULL,
            "COUNT(*) FILTER(WHERE NOT REGEXP_MATCHES(s, '^a|b$'))",
        ),
        (
            "COUNT(CASE WHEN NOT REGEXP_MATCHES(s, '^a+$') THEN 1 END)",
            FILTER,
            "COUNT(*) FILTER(WHERE NOT REGEXP_MATCHES(s, '^a+$'))",
        ),
    ],
)
def test_each_rewrite(before: str, idioms: Idioms, after: str) -> None:
    assert _sharp(before, idioms) == after


def test_distinct_subqueries_and_the_original_are_left_alone() -> None:
    subquery = sqlglot.parse_one(
        "(SELECT COUNT(DISTINCT CASE WHEN NOT x IS NULL THEN x END) FROM t WHERE x > 1)"
    )
    assert isinstance(subquery, exp.Subquery)
    assert sharpen(subquery, FULL) is subquery
    original = sqlglot.parse_one("COUNT(CASE WHEN x > 1 THEN 1 END)")
    text = original.sql()
    sharpen(original, FULL)
    assert original.sql() == text  # planned metrics are shared: never rewritten in place


def test_postgres_keeps_its_regex_operator() -> None:
    sql = "COUNT(CASE WHEN NOT s ~ '^a+$' THEN 1 END)"
    assert _sharp(sql, FILTER, "postgres") == "COUNT(*) FILTER(WHERE NOT s ~ '^a+$')"


@pytest.mark.parametrize(
    ("pattern", "body"),
    [
        ("^[^@]+@[^@]+$", "[^@]+@[^@]+"),
        ("^(a|b)c$", "(a|b)c"),
        ("^[|]$", "[|]"),
        ("^[]|]$", "[]|]"),
        ("^[^]|]x$", "[^]|]x"),
        ("^\\|$", "\\|"),
        ("^$", ""),
        ("^a|b$", None),  # "a…" or "…b": the anchors do not bind the whole pattern
        ("^(a)|(b)$", None),
        ("^a\\$", None),  # an escaped dollar is a literal, not an anchor
        ("^a\\\\$", "a\\\\"),  # an escaped backslash, then the anchor
        ("a$", None),
        ("^a", None),
        ("^(a$", None),
    ],
)
def test_anchored_body(pattern: str, body: str | None) -> None:
    assert anchored_body(pattern) == body


VALUES = ["a", "aa", "ab", "ba", "b", "", "a\n", "\na", "a|b", "x@y", "x@y\n", "$", "a$", None]
PATTERNS = ["^a+$", "^a|b$", "^(a|b)$", "^[^@]+@[^@]+$", "^a\\$", "^$", "^[|]+$", "^.*$"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_full_match_counts_what_the_anchored_search_counts_on_duckdb(pattern: str) -> None:
    """Real DuckDB is the oracle: the same failing rows before and after the rewrite."""
    before = exp.Count(this=exp.Case().when(
        exp.Not(this=exp.RegexpLike(this=exp.column("s"), expression=exp.Literal.string(pattern))),
        exp.Literal.number(1),
    ))  # fmt: skip
    after = sharpen(before, FULL)
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t (s VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?)", [[v] for v in VALUES])
        found = [
            con.execute(f"SELECT {e.sql('duckdb')} FROM t").fetchone() for e in (before, after)
        ]
    assert found[0] == found[1]
    assert ("REGEXP_FULL_MATCH" in after.sql("duckdb")) == (anchored_body(pattern) is not None)
