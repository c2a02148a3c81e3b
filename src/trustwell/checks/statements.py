"""One statement of a run as its listener sees it.

``trustwell run --show-sql`` prints each statement with a comment naming the
check behind each output column, and the JUnit report times each check by
the statements it took part in; both read the same record, told once per
statement by :class:`~trustwell.checks.run.AssetRun`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp


@dataclass(frozen=True)
class Statement:
    """A query sent (or, on a dry run, planned) for some checks of one asset."""

    asset: str
    #: the SQL as sent to the engine (a ``-- describe …`` line for a schema check)
    sql: str
    #: display names of the checks whose values come from this statement
    checks: tuple[str, ...]
    #: the expression rendered as ``sql``; None for a describe
    query: exp.Expr | None = None
    dialect: str = "duckdb"
    #: the shared aggregate statement: check -> metric key -> output column
    slots: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: how long it ran; None when it did not run (a dry run)
    seconds: float | None = None


StatementListener = Callable[[Statement], None]
