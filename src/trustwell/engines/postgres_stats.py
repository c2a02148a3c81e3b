"""What PostgreSQL's planner statistics say of a table's integer columns (``pg_stats``).

``ANALYZE`` samples every column: the number of distinct values
(``n_distinct``, a count, or minus a share of the rows) and the sampled
values' histogram, whose ends are about the column's bounds. They are
estimates, which is all the planner needs here: they only decide whether a
distinct count is faster as 64-key buckets of a small hash aggregate
(:func:`trustwell.checks.bitmap_distinct.buckets_worth`); the count itself
never depends on them.

One read-only query of the catalog, for a table (or a materialized view)
named by the asset, on PostgreSQL 14 or later (``BIT_COUNT`` is new in 14);
anything else, and a table never analysed, gets no statistics.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

from trustwell.engines.base import KeyRange

Run = Callable[[str], list[tuple[Any, ...]]]

_CATALOG = """
SELECT s.attname, s.n_distinct, c.reltuples, CAST(s.histogram_bounds AS TEXT)
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_stats AS s ON s.schemaname = n.nspname AND s.tablename = c.relname
WHERE c.relkind IN ('r', 'p', 'm')
  AND CAST(current_setting('server_version_num') AS INT) >= 140000
ORDER BY s.attname, s.inherited DESC
"""


def key_ranges(run: Run, relation: exp.Expr, columns: Sequence[str]) -> dict[str, KeyRange]:
    """``columns`` of the table ``relation`` with their estimated bounds and distinct values."""
    if not columns or not (
        isinstance(relation, exp.Table) and isinstance(relation.this, exp.Identifier)
    ):
        return {}
    query = sqlglot.parse_one(_CATALOG, read="postgres")
    assert isinstance(query, exp.Select)
    named = exp.Anonymous(
        this="TO_REGCLASS", expressions=[exp.Literal.string(relation.sql(dialect="postgres"))]
    )
    wanted = [exp.Literal.string(c) for c in columns]
    query = query.where(
        exp.EQ(this=exp.column("oid", "c"), expression=named),
        exp.In(this=exp.column("attname", "s"), expressions=wanted),
    )
    found: dict[str, KeyRange] = {}
    for name, n_distinct, reltuples, bounds in run(query.sql(dialect="postgres")):
        if name in found:
            continue  # a partitioned table's own row first (ordered), then its children's
        low, high = _ends(bounds)
        found[name] = KeyRange(low, high, _distinct(n_distinct, reltuples), exact=False)
    return found


def _distinct(n_distinct: float | None, reltuples: float | None) -> int | None:
    """``n_distinct`` as a count: negative is minus the share of the rows (-1: all distinct)."""
    if n_distinct is None:
        return None
    if n_distinct >= 0:
        return int(n_distinct)
    if reltuples is None or reltuples < 0:  # never analysed (PostgreSQL 14: -1)
        return None
    return int(-n_distinct * reltuples)


def _ends(bounds: str | None) -> tuple[int | None, int | None]:
    """The first and last value of an integer histogram, ``{1,57,…,9999}``."""
    if not bounds or not bounds.startswith("{") or not bounds.endswith("}"):
        return None, None
    values = bounds[1:-1].split(",")
    try:
        return int(values[0]), int(values[-1])
    except ValueError:
        return None, None
