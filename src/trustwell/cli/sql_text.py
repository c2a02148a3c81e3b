"""SQL as ``--show-sql`` prints it: pretty, copy-pasteable, each column's check named.

Pure: the statement's own expression rendered again in its dialect, with a
comment after each output column of the shared aggregate statement naming the
checks (and metric) that read it; and, for one failing check, the part of
that statement that computes its value, to run alone while investigating.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from trustwell.checks.statements import Statement
from trustwell.redact import scrub


def readers_by_column(slots: Mapping[str, Mapping[str, str]]) -> dict[str, list[str]]:
    """Output column -> ``check (metric)`` of every check reading it, in check order.

    >>> readers_by_column({"row_count": {"rows": "m0"}, "unique:id": {"keyed": "m0"}})
    {'m0': ['row_count (rows)', 'unique:id (keyed)']}
    """
    readers: dict[str, list[str]] = {}
    for check, metrics in slots.items():
        for metric, column in metrics.items():
            readers.setdefault(column, []).append(f"{check} ({metric})")
    return readers


def shown_sql(statement: Statement) -> str:
    """The statement as printed: pretty SQL ending in ``;``, credentials masked."""
    if statement.query is None:
        return scrub(statement.sql)
    query = statement.query.copy()
    if isinstance(query, exp.Select) and statement.slots:
        readers = readers_by_column(statement.slots)
        for projection in query.expressions:
            names = readers.get(projection.alias_or_name)
            if names:
                projection.add_comments([f" {_comment_safe(', '.join(names))} "])
    return scrub(query.sql(dialect=statement.dialect, pretty=True)) + ";"


def check_sql(statement: Statement, check: str) -> str | None:
    """The columns of the shared statement that ``check`` reads, as a query of their own.

    None when ``check`` has no column there (its statement is its own).
    """
    columns = set((statement.slots.get(check) or {}).values())
    if not columns or not isinstance(statement.query, exp.Select):
        return None
    query = statement.query.copy()
    kept = [p for p in query.expressions if p.alias_or_name in columns]
    query.set("expressions", kept)
    narrowed = Statement(
        statement.asset,
        statement.sql,
        (check,),
        query,
        statement.dialect,
        {check: statement.slots[check]},
    )
    return shown_sql(narrowed)


def _comment_safe(text: str) -> str:
    # A check name is the user's text: it must not close the comment it sits in.
    return text.replace("*/", "* /").replace("/*", "/ *")
