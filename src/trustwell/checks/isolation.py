"""Running planned statements so that one bad check never takes its neighbours down.

Checks share statements, so a conversion error, a function the engine lacks
or the timeout of one expensive metric would fail them all. When a statement
fails, its checks are split in halves and each half is planned and run again,
down to one statement per check: every other check still gets its exact
value, and each culprit gets the database's own message from the statement
that held it alone. Every statement a check took part in counts in its
``queries``.

Before splitting, a relation that is more than a table (a ``query:`` asset, a
file scan) is counted once: when even that fails, no statement over it can
run, and its checks share the first message instead of 2n-1 failures.
PostgreSQL needs nothing more: every statement runs in its own transaction,
rolled back, so a failed one leaves the session usable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from trustwell.checks.compile import Statement, plan_statements
from trustwell.checks.metrics import Group
from trustwell.engines.base import EngineError

if TYPE_CHECKING:
    from trustwell.engines.base import Engine

Rows = Sequence[Mapping[str, Any]]
Execute = Callable[[Statement], Rows]


@dataclass
class Computed:
    """What the statements gave: metric values, statements per check, culprits' messages."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    queries: Counter[str] = field(default_factory=Counter)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Isolating:
    """Runs statements over one relation, re-planning a failed one until the culprits are alone."""

    execute: Execute
    relation: exp.Expr
    engine: Engine
    computed: Computed = field(default_factory=Computed)
    _relation_ok: bool | None = None

    def run(self, statements: list[Statement]) -> Computed:
        """Run every statement (and, for those that fail, the re-planned halves)."""
        for statement in statements:
            self._run(statement)
        return self.computed

    def _run(self, statement: Statement) -> None:
        checks = statement.checks
        self.computed.queries.update(checks)
        try:
            rows = self.execute(statement)
        except EngineError as exc:
            self._isolate(statement, str(exc))
            return
        self._store(statement, rows)

    def _isolate(self, statement: Statement, message: str) -> None:
        checks = statement.checks
        if len(checks) == 1:
            self.computed.errors[checks[0]] = message
            return
        if not self._relation_readable(checks):
            for check in checks:
                self.computed.errors[check] = message
            return
        half = len(checks) // 2
        for part in (set(checks[:half]), set(checks[half:])):
            needs = [n for n in statement.needs if n.check in part]
            for planned in plan_statements(needs, self.relation, self.engine):
                self._run(planned)

    def _relation_readable(self, checks: list[str]) -> bool:
        """Whether the bare relation can be read at all (a plain table always can)."""
        if self._relation_ok is None:
            plain = isinstance(self.relation, exp.Table) and isinstance(
                self.relation.this, exp.Identifier
            )
            self._relation_ok = plain or self._probe(checks)
        return self._relation_ok

    def _probe(self, checks: list[str]) -> bool:
        count = exp.select(exp.Count(this=exp.Star()).as_("rows")).from_(self.relation.copy())
        probe = Statement(count, "scalar", [], {})
        self.computed.queries.update(checks)
        try:
            self.execute(probe)
        except EngineError:
            return False
        return True

    def _store(self, statement: Statement, rows: Rows) -> None:
        values = self.computed.values
        for output, served in statement.columns.items():
            value: Any
            if statement.kind == "scalar":
                value = rows[0].get(output) if rows else None
            elif statement.kind == "grouped":
                value = [Group(tuple(r[k] for k in statement.keys), r[output]) for r in rows]
            else:
                value = rows
            for check, metric in served:
                values.setdefault(check, {})[metric] = value
