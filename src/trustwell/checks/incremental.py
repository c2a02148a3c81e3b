"""Running an ``incremental:`` asset's statements over the new rows only, merging stored states.

:class:`IncrementalAsset` sits in front of the planned statements of one
asset (``AssetRun.incremental``). Before the first statement it runs one
grouped fingerprint query (:func:`~trustwell.checks.incremental_sql.fingerprint_query`,
and :func:`~trustwell.checks.incremental_sql.new_counts` over the new rows):
partitions whose old rows changed are *restated* and rescanned, and the
largest watermark value bounds every statement of the run. For each planned
scalar statement it then answers each output column as the full statement
would, but:

- a mergeable aggregate (count, sum, min, max, mean as sum/count) from a
  scan of the new rows and restated partitions, grouped by partition and
  merged with the stored partition states; a state this run has never
  stored (a new or changed check) from a scan of every row, once;
- a distinct count from a stored bitmap of the old rows' keys and one of
  the new rows' keys (one integer key on DuckDB), or as the stored count
  plus a probe of the new keys against the old rows (after a restatement,
  or without a stored count: full), :mod:`trustwell.checks.incremental_distinct`;
- anything else (standard deviation, median) with the planned expression
  over the full relation, in one statement.

Grouped statements of mergeable counts and sums are merged per group
(:mod:`trustwell.checks.incremental_grouped`); other grouped statements, own
queries and details run as planned, over the full relation.
What to store after the run, in its transaction, and what the run tells
are :mod:`trustwell.checks.incremental_run`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from trustwell.checks import incremental_sql as sql
from trustwell.checks.idioms import Idioms, sharpen
from trustwell.checks.incremental_merge import (
    DISTINCT,
    Fingerprint,
    Part,
    Recipe,
    classify,
    comparable,
    merge,
    merge_all,
    old_rows,
    partition_key,
    partition_value,
    restated,
    restated_note,
)
from trustwell.checks.metrics import DistinctCount, Metric, or_all
from trustwell.engines.base import EngineError
from trustwell.store.states import AssetStates

if TYPE_CHECKING:
    from trustwell.checks.compile import Statement
    from trustwell.checks.incremental_bitmap import Bitmap
    from trustwell.config.incremental import Incremental
    from trustwell.engines.base import Column, Engine

Rows = Sequence[Mapping[str, Any]]
Execute = Callable[[exp.Expr, Sequence[str]], Rows]


@dataclass
class IncrementalAsset:
    """One run of one incremental asset: what it read, merged and will store."""

    asset: str
    config: Incremental
    relation: exp.Expr
    engine: Engine
    stored: AssetStates | None
    full: bool = False  # ``--full``: rebuild every state from a full scan
    dry_run: bool = False  # statements are shown, not run: no fingerprint to read
    notes: list[str] = field(default_factory=list)  # what the run tells (restatements)
    high: Any = None  # the largest watermark value now: the bound of every statement
    rebuild: bool = False  # no usable stored states: every state from every row
    changed: list[str] = field(default_factory=list)  # restated partitions
    counts: dict[str, Fingerprint] = field(default_factory=dict)  # every partition, now
    work: dict[str, dict[str, Any]] = field(default_factory=dict)  # partition -> key -> state
    done: dict[str, Any] = field(default_factory=dict)  # part key -> asset-wide merged state
    distinct: dict[str, int] = field(default_factory=dict)  # distinct-count key -> count
    bitmaps: dict[str, Bitmap] = field(default_factory=dict)  # distinct-count key -> its keys
    kept_bitmaps: set[str] = field(default_factory=set)  # bitmaps left as they were stored
    columns: list[Column] | None = None  # the relation described (for a key's type), once
    scanned: set[str] = field(default_factory=set)  # partitions a scan returned
    in_full: set[str] = field(default_factory=set)  # checks with a metric over every row
    widened: bool = False  # a state was built from every row: every partition rewritten
    _prepared: bool = False
    _failure: str | None = None

    @property
    def prepared(self) -> bool:
        """Whether the fingerprint was read (and did not fail): there is something to store."""
        return self._prepared and self._failure is None

    @property
    def column(self) -> str:
        """The watermark column."""
        return self.config.column

    def run(self, statement: Statement, execute: Execute) -> Rows | None:
        """The rows ``statement`` would give, computed incrementally; None: run it as planned."""
        if statement.kind == "grouped":
            from trustwell.checks.incremental_grouped import run_grouped

            return run_grouped(self, statement, execute)
        if statement.kind == "own":
            self.in_full.update(statement.checks)
        if statement.kind != "scalar" or not statement.columns:
            return None
        metrics = _metrics_by_column(statement)
        kinds = {c: classify(m) for c, m in metrics.items()}
        self.in_full.update(
            check for c, k in kinds.items() if k is None for check, _ in statement.columns[c]
        )
        if all(k is None for k in kinds.values()):
            return None
        self.prepare(execute, statement.checks)
        row: dict[str, Any] = {}
        others = [c for c, k in kinds.items() if k is None]
        if others:
            row.update(self.full_columns(statement, others, execute))
        recipes = {c: k for c, k in kinds.items() if isinstance(k, Recipe)}
        self._scan([p for r in recipes.values() for p in r.parts], statement.checks, execute)
        for column, recipe in recipes.items():
            row[column] = recipe.value(self.done)
        distincts = {c: metrics[c] for c, k in kinds.items() if k == DISTINCT}
        if distincts:
            from trustwell.checks.incremental_distinct import run_distinct

            row.update(run_distinct(self, statement, distincts, execute))
        return [row]

    def counts_distinct(self, metric: DistinctCount) -> bool:
        """Whether ``metric`` is counted from key bitmaps (or probes), never as planned.

        One integer key without a filter on DuckDB
        (:func:`~trustwell.checks.incremental_distinct.key_column`): every path
        of :func:`~trustwell.checks.incremental_distinct.run_distinct` counts it
        with statements of its own, so the plan's bitmap bounds serve it nothing.
        """
        from trustwell.checks.incremental_distinct import key_column

        return key_column(self, metric) is not None

    # --- before the first statement -------------------------------------------------

    def prepare(self, execute: Execute, checks: Sequence[str]) -> None:
        """Read the fingerprint once per run: the bound, the restated partitions.

        With ``verify: total`` one count of the old rows stands in for the
        fingerprint while it equals the stored partitions' sum
        (:func:`~trustwell.checks.incremental_total.unchanged_total`).
        """
        if self._failure is not None:
            raise EngineError(self._failure)
        if self._prepared:
            return
        stored = self.stored
        self.rebuild = (
            self.full
            or stored is None
            or stored.spec != self.config.spec()
            or stored.watermark is None
        )
        watermark = None if self.rebuild or stored is None else stored.watermark
        checksum = None
        if self.config.verify == "checksum":
            columns = [c.name for c in self.engine.describe(self.relation)]
            checksum = sql.row_checksum(columns, self.engine.dialect)
        try:
            totalled = False
            if self.config.verify == "total" and stored is not None and watermark is not None:
                from trustwell.checks.incremental_total import unchanged_total

                totalled = unchanged_total(self, stored, watermark, execute, checks)
            if not totalled:
                self._fingerprint(watermark, checksum, execute, checks)
        except EngineError as exc:
            self._failure = f"incremental column {self.column!r}: {exc}"
            raise EngineError(self._failure) from None
        self._prepared = True

    def _fingerprint(
        self, watermark: Any, checksum: exp.Expr | None, execute: Execute, checks: Sequence[str]
    ) -> None:
        """Every partition's rows now, its new rows, and which of the stored ones changed."""
        stored = self.stored
        query = sql.fingerprint_query(self.relation, self.column, self.config.grain, checksum)
        rows = execute(query, checks)
        highs = [r[sql.HIGH] for r in rows if r[sql.HIGH] is not None]
        self.high = max(highs) if highs else None
        fresh: Rows = []
        if watermark is not None and not comparable(self.high, watermark):
            self.rebuild, watermark = True, None  # the column's type changed: start over
        if watermark is not None and self.high is not None and self.high > watermark:
            grain = self.config.grain
            counted = sql.new_counts(
                self.relation, self.column, grain, watermark, self.high, checksum
            )
            fresh = execute(counted, checks)
        self.counts = {
            partition_key(r[sql.P]): Fingerprint(int(r[sql.ROWS]), _int(r.get(sql.SUM)))
            for r in rows
        }
        new = {
            partition_key(r[sql.P]): Fingerprint(int(r[sql.ROWS]), _int(r.get(sql.SUM)))
            for r in fresh
        }
        old = old_rows(self.counts, new)
        if not self.rebuild and stored is not None:
            before = {k: Fingerprint(p.rows, p.checksum) for k, p in stored.partitions.items()}
            # A dry run reads no fingerprint: it shows the statements of an unchanged table.
            self.changed = [] if self.dry_run else restated(before, old)
            keep = set(stored.partitions) - set(self.changed)
            self.work = {k: dict(stored.partitions[k].states) for k in keep}
            if self.changed:
                self.notes.append(restated_note(self.asset, len(self.changed)))

    # --- the three kinds of columns -------------------------------------------------

    def _scan(self, parts: list[Part], checks: Sequence[str], execute: Execute) -> None:
        """Compute the parts not yet done this run: incrementally if stored, else from every row."""
        todo = {p.key: p for p in parts if p.key not in self.done}
        known = self.known_keys()
        fresh = [p for k, p in todo.items() if k in known]
        built = [p for k, p in todo.items() if k not in known]
        if fresh:
            self._partition_scan(fresh, self.incremental_rows(), True, checks, execute)
        if built:
            self._partition_scan(built, self.all_rows(), False, checks, execute)
            self.widened = True
        for key, part in todo.items():
            values = (self.work.get(p, {}).get(key) for p in self.counts)
            self.done[key] = merge_all(part.kind, values)

    def known_keys(self) -> set[str]:
        """The state keys stored by the last run (none when rebuilding)."""
        return set(self.stored.keys) if self.stored is not None and not self.rebuild else set()

    def all_rows(self) -> exp.Expr:
        """Every row up to the run's bound: what a state without a stored one is built from."""
        return exp.true() if self.dry_run else sql.every_row(self.column, self.high)

    def incremental_rows(self) -> exp.Expr:
        """The rows past the watermark and the rows of restated partitions."""
        assert self.stored is not None
        conditions: list[exp.Expr] = []
        if self.high is not None or self.dry_run:
            conditions.append(sql.new_rows(self.column, self.stored.watermark, self.high))
        if self.changed:
            values = [partition_value(k) for k in self.changed]
            conditions.append(sql.in_partitions(self.column, self.config.grain, values))
        return exp.paren(or_all(conditions), copy=False) if conditions else exp.false()

    def _partition_scan(
        self,
        parts: list[Part],
        where: exp.Expr,
        merging: bool,
        checks: Sequence[str],
        execute: Execute,
    ) -> None:
        """Scan ``parts`` per partition; merge into stored states (``merging``) or replace them."""
        if self.nothing_to_scan(merging):
            return
        aggregates = self.sharpened(parts)
        query = sql.partition_scan(self.relation, self.column, self.config.grain, aggregates, where)
        rows = execute(query, checks)
        for r in rows:
            key = partition_key(r[sql.P])
            self.scanned.add(key)
            states = self.work.setdefault(key, {})
            for i, part in enumerate(parts):
                value = r[f"s{i}"]
                renew = self.renews(merging, key, part, states)
                states[part.key] = value if renew else merge(part.kind, states[part.key], value)

    def nothing_to_scan(self, merging: bool) -> bool:
        """Whether a merging scan would find nothing: the stored states are the answer."""
        return merging and self.no_new_rows and not self.changed

    def sharpened(self, parts: Sequence[Part]) -> list[exp.Expr]:
        """The parts' expressions, in the engine's fastest idioms (as a full run plans them)."""
        idioms = Idioms(self.engine.aggregate_filter, self.engine.regex_full_match)
        return [sharpen(p.expression, idioms) for p in parts]

    def renews(self, merging: bool, key: str, part: Part, states: Mapping[str, Any]) -> bool:
        """Whether partition ``key``'s scanned value replaces its stored state of ``part``."""
        return not merging or key in self.changed or part.key not in states

    def full_columns(
        self, statement: Statement, columns: list[str], execute: Execute
    ) -> dict[str, Any]:
        """The unmergeable columns, with their planned expressions, over the full relation."""
        query = statement.query.copy()
        assert isinstance(query, exp.Select)
        kept = [e for e in query.expressions if e.alias_or_name in columns]
        query.set("expressions", kept)
        if all(isinstance(e.unalias(), exp.Subquery) for e in kept):
            query.set("from", None)
        rows = execute(query, statement.checks)
        return dict(rows[0]) if rows else {}

    @property
    def no_new_values(self) -> bool:
        """Whether the run saw no watermark value at all (an empty or all-NULL column)."""
        return self.high is None and not self.dry_run

    @property
    def no_new_rows(self) -> bool:
        """Whether no row is past the stored watermark."""
        watermark = self.stored.watermark if self.stored is not None else None
        if self.dry_run or self.rebuild or self.high is None or watermark is None:
            return False
        return bool(self.high <= watermark)


def _metrics_by_column(statement: Statement) -> dict[str, Metric]:
    by_pair = {(n.check, n.metric): n.value for n in statement.needs}
    return {column: by_pair[served[0]] for column, served in statement.columns.items()}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
