"""The engine interface: a SQL dialect and a way to run a query.

An engine is deliberately small. The check compiler builds sqlglot
expressions; an engine renders them in its dialect, runs them and returns
rows. Capability flags tell the planner how to shape the one query per asset
(see :mod:`trustwell.checks.compile`). A new SQL engine (Spark, Snowflake, …)
is a short subclass: its dialect, its flags, ``execute`` and ``describe``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, overload

from trustwell.redact import scrub

if TYPE_CHECKING:
    from sqlglot import exp


class EngineError(Exception):
    """The database refused or failed a query; the message is the database's, scrubbed.

    Drivers echo connection strings in their errors (psycopg repeats a
    misspelt URL whole, password included), so the message is scrubbed here,
    once, whichever engine raises it.

    >>> str(EngineError('missing "=" after "postgresq://tw:pw@db/x"'))
    'missing "=" after "postgresq://tw:***@db/x"'
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub(a) if isinstance(a, str) else a for a in args))


class QueryTimeout(EngineError):
    """A query ran longer than the warehouse's ``timeout``."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def first(self) -> dict[str, Any]:
        """The first row as a mapping (an empty mapping if there is none)."""
        return dict(zip(self.columns, self.rows[0], strict=True)) if self.rows else {}

    def records(self) -> list[dict[str, Any]]:
        """Every row as a dict of its own (for small results; see :meth:`mappings`)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def mappings(self) -> Records:
        """Every row as a mapping by column name, without a dict per row.

        A grouped count of 100,000 values is 100,000 tuples already; a dict
        for each would add about 200 bytes a row (20 MB), so each row is read
        through one shared column index instead (:class:`Record`).
        """
        return Records(self.columns, self.rows)


class Record(Mapping[str, Any]):
    """One row of a result, read by column name through the result's shared index.

    Like ``dict(zip(columns, row))``: a name given twice reads its last column.
    """

    __slots__ = ("_index", "_row")

    def __init__(self, index: Mapping[str, int], row: Sequence[Any]) -> None:
        self._index = index
        self._row = row

    def __getitem__(self, key: str) -> Any:
        return self._row[self._index[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return repr(dict(self))


class Records(Sequence[Mapping[str, Any]]):
    """A result's rows as :class:`Record` mappings, each made when it is read."""

    __slots__ = ("_index", "_rows")

    def __init__(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self._index = {name: i for i, name in enumerate(columns)}
        self._rows = rows

    @overload
    def __getitem__(self, item: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, item: slice) -> Sequence[Mapping[str, Any]]: ...

    def __getitem__(self, item: int | slice) -> Mapping[str, Any] | Sequence[Mapping[str, Any]]:
        if isinstance(item, slice):
            return [Record(self._index, row) for row in self._rows[item]]
        return Record(self._index, self._rows[item])

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        index = self._index
        return (Record(index, row) for row in self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return repr(list(self))


#: An engine's idiom for the distinct count of a dense integer key (``Engine.dense_distinct``).
DenseDistinct = Literal["bitstring", "buckets"]


@dataclass(frozen=True)
class KeyRange:
    """What an engine's statistics say of an integer column: its bounds, its distinct values.

    ``exact``: the bounds contain every value (DuckDB's statistics: maybe wider
    than the data, never narrower); otherwise they are estimates (PostgreSQL's
    sampled histogram) or unknown. ``distinct`` is always an estimate.
    """

    low: int | None
    high: int | None
    distinct: int | None = None
    exact: bool = True


@dataclass(frozen=True)
class Column:
    name: str
    native_type: str  # as the engine names it, e.g. "BIGINT", "character varying"
    type: str | None  # normalised: integer float decimal string boolean date timestamp, or None


class Engine(ABC):
    """A connection to one warehouse."""

    #: sqlglot dialect name used to parse user SQL and render queries.
    dialect: ClassVar[str]
    #: False where COUNT(DISTINCT) in a shared scan runs single-threaded
    #: (PostgreSQL): the planner then gives each distinct count its own subquery.
    distinct_in_main_scan: ClassVar[bool] = True
    #: Without ``distinct_in_main_scan``: True where each distinct count's subquery
    #: is faster as ``COUNT(DISTINCT k)`` (a sort) than as ``COUNT(*)`` of a
    #: ``SELECT DISTINCT`` (a hash aggregate): PostgreSQL (docs/benchmarks.md).
    count_distinct_subquery: ClassVar[bool] = False
    #: True where a quoted name matches only its exact case (PostgreSQL); DuckDB
    #: matches quoted names case-insensitively. Checks quote every column name.
    case_sensitive_identifiers: ClassVar[bool] = False
    #: True where ``COUNT(*) FILTER (WHERE …)`` exists and beats ``COUNT(CASE …)``
    #: (PostgreSQL; DuckDB has it but measured slower): the planner then uses it.
    aggregate_filter: ClassVar[bool] = False
    #: True where a full match beats a search of ``'^…$'``; DuckDB has one but
    #: it measured slower, so no engine sets it yet (docs/benchmarks.md).
    regex_full_match: ClassVar[bool] = False
    #: How a distinct count of a dense integer key is counted faster, where
    #: :meth:`key_ranges` shows one: ``"bitstring"`` (DuckDB's BITSTRING_AGG over
    #: exact bounds), ``"buckets"`` (PostgreSQL: 64 keys a row of a small hash
    #: aggregate), or None (always ``COUNT(DISTINCT …)``). See checks/bitmap_distinct.py.
    dense_distinct: ClassVar[DenseDistinct | None] = None

    def render(self, expression: exp.Expr) -> str:
        return expression.sql(dialect=self.dialect)

    @abstractmethod
    def execute(self, sql: str) -> QueryResult:
        """Run one statement and return all its rows. Raises EngineError."""

    @abstractmethod
    def describe(self, relation: exp.Expr) -> list[Column]:
        """The columns of a relation (a table, a subquery or a file scan)."""

    def key_ranges(self, relation: exp.Expr, columns: Sequence[str]) -> dict[str, KeyRange]:
        """Statistics of integer ``columns`` of ``relation``, where the engine keeps them cheaply.

        Where an engine answers (DuckDB and PostgreSQL tables), a distinct count of
        such a column may be planned as a bitmap (``dense_distinct``). Metadata
        only, read in milliseconds; by default none.
        """
        return {}

    def relation_for_files(self, path: str) -> exp.Expr:
        """A table expression reading files (Parquet/CSV globs)."""
        raise EngineError(f"{type(self).__name__} cannot read files directly: use table or query")

    def close(self) -> None:  # noqa: B027 - optional hook, most engines need it
        """Release the connection."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def normalize_type(native: str) -> str | None:
    """Map an engine's type name to the SPEC's schema types (None if unknown)."""
    name = native.strip().lower()
    base = name.split("(")[0].strip()
    if base.endswith("[]") or base.startswith(("struct", "map", "list", "array")):
        return None
    if base in {
        "tinyint",
        "smallint",
        "integer",
        "int",
        "bigint",
        "hugeint",
        "int2",
        "int4",
        "int8",
        "utinyint",
        "usmallint",
        "uinteger",
        "ubigint",
        "uhugeint",
        "long",
        "short",
        "byte",
        "serial",
        "bigserial",
        "smallserial",
    }:
        return "integer"
    if base in {"float", "double", "real", "float4", "float8", "double precision"}:
        return "float"
    if base in {"decimal", "numeric"}:
        return "decimal"
    if base in {
        "varchar",
        "text",
        "string",
        "char",
        "character",
        "character varying",
        "bpchar",
        "uuid",
        "name",
        "citext",
    }:
        return "string"
    if base in {"boolean", "bool"}:
        return "boolean"
    if base == "date":
        return "date"
    if base.startswith("timestamp") or base in {"datetime", "timestamptz"}:
        return "timestamp"
    return None
