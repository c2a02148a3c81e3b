"""Proving that user SQL is one read-only query, with sqlglot (pure: runs nothing).

Every statement a user writes (``sql`` checks' ``query`` and ``failing_rows``,
``query:`` assets, ``where`` filters, runbook diagnostics) goes through
:func:`read_only_query` or :func:`read_only_condition` at load time and again
right before it runs. Both parse the text in the warehouse's dialect, demand
exactly one statement of the right kind, and walk the whole tree (CTEs and
subqueries included) for anything that writes, changes the session or
reaches outside the database: DML, DDL, commands, ``SELECT … INTO``, locking
clauses and the functions of :data:`DENIED_FUNCTIONS`.

What runs is sqlglot's rendering of the tree checked here, never the raw
text, so the check sees exactly what the database receives. The engines add
a second wall (read-only transactions, DuckDB's file sandbox); this one gives
the clear message.

>>> read_only_query("with d as (delete from t returning *) select count(*) from d",
...                 "postgres", what="failing_rows")  # doctest: +SKIP
UnsafeSql: failing_rows must be one read-only query: DELETE is not allowed
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError


class UnsafeSql(ValueError):
    """User SQL that is not one read-only query or condition; nothing was run."""


# Statement kinds refused anywhere in a tree, with the name the message gives
# them. Looked up by class name so that a sqlglot without one of them still works.
_STATEMENTS: Mapping[str, str] = {
    "Insert": "INSERT",
    "Update": "UPDATE",
    "Delete": "DELETE",
    "Merge": "MERGE",
    "MultitableInserts": "INSERT",
    "ConditionalInsert": "INSERT",
    "Copy": "COPY",
    "Create": "CREATE",
    "Drop": "DROP",
    "Alter": "ALTER",
    "AlterSession": "ALTER SESSION",
    "TruncateTable": "TRUNCATE",
    "Undrop": "UNDROP",
    "SwapTable": "SWAP",
    "Comment": "COMMENT",
    "Grant": "GRANT",
    "Revoke": "REVOKE",
    "Set": "SET",
    "SetItem": "SET",
    "Pragma": "PRAGMA",
    "Attach": "ATTACH",
    "Detach": "DETACH",
    "Install": "INSTALL",
    "LoadData": "LOAD DATA",
    "Export": "EXPORT",
    "Use": "USE",
    "Transaction": "BEGIN",
    "Commit": "COMMIT",
    "Rollback": "ROLLBACK",
    "Analyze": "ANALYZE",
    "Refresh": "REFRESH",
    "Cache": "CACHE",
    "Uncache": "UNCACHE",
    "Kill": "KILL",
    "Declare": "DECLARE",
    "Execute": "EXECUTE",
    "ExecuteSql": "EXECUTE",
    "StoredProcedure": "a procedure",
    "Block": "a procedural block",
    "IfBlock": "a procedural block",
    "LoopBlock": "a procedural block",
    "WhileBlock": "a procedural block",
    "RepeatBlock": "a procedural block",
    "ForIn": "a procedural block",
    "Put": "PUT",
    "Get": "GET",
    "LockingStatement": "LOCKING",
    "Returning": "RETURNING",
    "Into": "SELECT … INTO",
}
_STATEMENT_CLASSES: tuple[type[exp.Expr], ...] = tuple(
    cls for name in _STATEMENTS if isinstance(cls := getattr(exp, name, None), type)
)

# Functions that write, take locks that outlive the statement, change settings,
# read the server's files, open connections or run a query given as a string
# (which the walk cannot see into). Names are matched lower-case, with or
# without a schema (``pg_catalog.set_config``). Documented in docs/security.md.
_POSTGRES = frozenset(
    {
        "set_config",
        "nextval",
        "setval",
        "txid_current",
        "pg_current_xact_id",
        "pg_read_file",
        "pg_read_binary_file",
        "pg_stat_file",
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_signal_backend",
        "pg_reload_conf",
        "pg_rotate_logfile",
        "pg_promote",
        "pg_notify",
        "pg_logical_emit_message",
        "pg_switch_wal",
        "pg_backup_start",
        "pg_backup_stop",
        "pg_start_backup",
        "pg_stop_backup",
        "pg_wal_replay_pause",
        "pg_wal_replay_resume",
        "pg_export_snapshot",
        "pg_import_system_collations",
        "pg_log_backend_memory_contexts",
        "pg_log_standby_snapshot",
        "pg_drop_replication_slot",
        "pg_replication_slot_advance",
        "pg_sync_replication_slots",
        "pg_truncate_visibility_map",
        "brin_summarize_new_values",
        "brin_summarize_range",
        "brin_desummarize_range",
        "gin_clean_pending_list",
        "heap_force_kill",
        "heap_force_freeze",
        "loread",
        "lowrite",
        "ts_stat",  # runs its argument as a query
        "ts_rewrite",  # the two-argument form runs a query
    }
)
_POSTGRES_PREFIXES = (
    "pg_advisory_",
    "pg_try_advisory_",
    "pg_ls_",
    "pg_file_",  # adminpack: write, rename, unlink server files
    "pg_create_",  # replication slots, restore points
    "pg_copy_",  # replication slots
    "pg_logical_slot_",  # consumes the slot's changes
    "pg_replication_origin_",
    "pg_stat_reset",
    "pg_stat_statements_reset",
    "lo_",  # large objects: lo_import reads server files, lo_export writes them
    "dblink",  # a second connection that is not read-only
)
_POSTGRES_INFIXES = ("_to_xml",)  # query_to_xml(…) and friends run a query given as text
_DUCKDB = frozenset(
    {
        "nextval",
        "currval",
        "setval",
        "setseed",
        "query",  # runs its argument as a query
        "query_table",
        "json_execute_serialized_sql",
        "checkpoint",
        "force_checkpoint",
    }
)
_SPARK = frozenset({"reflect", "java_method", "try_reflect"})

#: Denied function names per dialect: (exact names, prefixes, substrings).
DENIED_FUNCTIONS: Mapping[str, tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]] = {
    "postgres": (_POSTGRES, _POSTGRES_PREFIXES, _POSTGRES_INFIXES),
    "duckdb": (_DUCKDB, (), ()),
    "spark": (_SPARK, (), ()),
}


def read_only_query(sql: str, dialect: str, *, what: str = "the SQL") -> exp.Query:
    """``sql`` parsed as one read-only query (SELECT, UNION …, WITH … SELECT).

    ``what`` names the SQL in messages (``failing_rows``, ``query``, ``a diagnostic``).
    Raises :class:`UnsafeSql` with a message that says what was refused.

    >>> read_only_query("select 1; delete from t", "duckdb", what="query")  # doctest: +SKIP
    UnsafeSql: query must be one SQL statement, got 2
    """
    statement = _one_statement(sql, dialect, what)
    reason = refusal(statement, dialect)
    if reason is not None:
        raise UnsafeSql(f"{what} must be one read-only query: {reason}")
    if not isinstance(statement, exp.Query):
        raise UnsafeSql(f"{what} must be a select query")
    return statement


def read_only_condition(sql: str, dialect: str, *, what: str = "where") -> exp.Expr:
    """``sql`` parsed as one read-only condition, as a ``where`` filter must be.

    >>> read_only_condition("status <> 'test'", "duckdb").sql()
    "status <> 'test'"
    """
    statement = _one_statement(sql, dialect, what)
    reason = refusal(statement, dialect)
    if reason is not None:
        raise UnsafeSql(f"{what} must be one read-only condition: {reason}")
    if not isinstance(statement, exp.Condition) or isinstance(statement, exp.Query):
        raise UnsafeSql(f"{what} must be a condition such as \"status <> 'test'\"")
    return statement


def refusal(tree: exp.Expr, dialect: str) -> str | None:
    """Why ``tree`` is not read-only (``"DELETE is not allowed"``), or None if it is."""
    exact, prefixes, infixes = DENIED_FUNCTIONS.get(dialect, (frozenset(), (), ()))
    for node in tree.walk():
        if isinstance(node, _STATEMENT_CLASSES):
            return f"{_statement_name(node)} is not allowed"
        if isinstance(node, exp.Lock):
            return f"{_lock_name(node)} is not allowed"
        if isinstance(node, exp.Command):
            return f"{str(node.this).upper()} is not allowed"
        if isinstance(node, exp.NextValueFor):
            return "NEXT VALUE FOR is not allowed"
        if isinstance(node, exp.Func):
            name = _function_name(node)
            if (
                name in exact
                or name.startswith(prefixes)
                or any(infix in name for infix in infixes)
            ):
                return f"{name}() is not allowed"
    return None


def _one_statement(sql: str, dialect: str, what: str) -> exp.Expr:
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        reason = str(first.get("description", exc)).split(" but got <Token")[0]
        if reason.startswith("Required keyword"):
            reason = "the expression is incomplete"
        near = first.get("highlight")
        where = f" near '{near}'" if near else ""
        raise UnsafeSql(f"{what} is not valid {dialect} SQL: {reason}{where}") from None
    except SqlglotError as exc:
        raise UnsafeSql(f"{what} is not valid {dialect} SQL: {exc}") from None
    if len(statements) != 1:
        raise UnsafeSql(f"{what} must be one SQL statement, got {len(statements)}")
    return statements[0]


def _statement_name(node: exp.Expr) -> str:
    for cls in type(node).__mro__:
        if cls.__name__ in _STATEMENTS:
            return _STATEMENTS[cls.__name__]
    return type(node).__name__.upper()  # pragma: no cover - every class is in the table


def _lock_name(node: exp.Expr) -> str:
    if node.args.get("update"):
        return "FOR NO KEY UPDATE" if node.args.get("key") else "FOR UPDATE"
    return "FOR KEY SHARE" if node.args.get("key") else "FOR SHARE"


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()
