"""Running an asset's checks against an engine (the I/O half of the check engine).

For one asset: describe the relation once (the ``schema`` check's metric, and
the columns every other check names: a missing one is an ``error`` before
anything is planned), plan every check's metrics into as few statements as
the engine runs fastest, run them with isolation (a failing statement is
planned again until its culprits are alone), evaluate each check through its
type's entry (a check that judges another check's outcome, ``anomaly`` on a
``stat``, after the rest), then ask for what only a failing check needs: its details
(grouped, planned together) and its failed-row samples. A check that cannot
be computed is an ``error`` result carrying the database's message; the
others keep their exact values.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlglot import exp
from sqlglot.errors import SqlglotError

from trustwell import clock
from trustwell.checks.bitmap_distinct import bitmap_column, worth
from trustwell.checks.compile import Need, Statement, parse_where, plan_asset, relation_for
from trustwell.checks.context import BaselineSource, EvaluationContext, HistorySource, NoHistory
from trustwell.checks.isolation import Computed, Isolating
from trustwell.checks.masking import masked_rows
from trustwell.checks.metrics import DistinctCount
from trustwell.checks.outcome import Outcome
from trustwell.checks.params import CheckBase
from trustwell.checks.registry import type_of, unit_of
from trustwell.checks.result import CheckResult
from trustwell.checks.statements import Statement as Told
from trustwell.checks.statements import StatementListener
from trustwell.checks.types.base import Scope, no_other_assets
from trustwell.config.errors import did_you_mean
from trustwell.engines.base import Column, Engine, EngineError, KeyRange

if TYPE_CHECKING:
    from trustwell.config.models import Asset
    from trustwell.quickrun.capture import PlanCapture

SqlListener = StatementListener  # told every statement, after it ran (or was planned)


class StatementHook(Protocol):
    """Computes a planned statement another way (``incremental:``), or returns None."""

    def run(
        self,
        statement: Statement,
        execute: Callable[[exp.Expr, Sequence[str]], Sequence[Mapping[str, Any]]],
    ) -> Sequence[Mapping[str, Any]] | None: ...

    def counts_distinct(self, metric: DistinctCount) -> bool:
        """Whether it counts ``metric`` itself, never with the planned expression."""
        ...


#: what makes a check's planning or evaluation fail (its own error, not the asset's)
_CHECK_ERRORS = (EngineError, LookupError, ValueError, TypeError, SqlglotError)


@dataclass
class AssetRun:
    """Everything needed to run one asset's checks on one engine."""

    engine: Engine
    asset: Asset
    root: Path = Path(".")
    assets: Mapping[str, Asset] | None = None  # for `references` targets
    timezone: str | None = None  # how to read timestamps without a zone
    now: datetime | None = None
    on_sql: SqlListener | None = None
    dry_run: bool = False
    history: HistorySource = field(default_factory=NoHistory)
    baselines: BaselineSource = field(default_factory=NoHistory)  # stored drift references
    incremental: StatementHook | None = None  # checks.incremental.IncrementalAsset
    #: keeps what the quick run path needs to replay this run (trustwell.quickrun.capture)
    capture: PlanCapture | None = None
    #: rows the quick run path fetched already, by statement text (trustwell.quickrun.handover)
    prefetched: dict[str, Sequence[Mapping[str, Any]]] | None = None
    executed: int = 0  # statements run so far

    def context(
        self, now: datetime, check: str, checks: Mapping[str, Outcome] | None = None
    ) -> EvaluationContext:
        """What the evaluation of ``check`` may know besides its metric values.

        ``checks``: the outcomes of the asset's other checks so far (``anomaly`` reads them).
        """
        return EvaluationContext(
            now,
            self.asset.name,
            check,
            self.timezone,
            self.history,
            self.baselines,
            checks=checks or {},
        )

    def execute(
        self,
        query: exp.Expr,
        checks: Sequence[str],
        slots: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Sequence[Mapping[str, Any]]:
        """Run ``query`` for ``checks`` (nothing on a dry run), telling ``on_sql``.

        The rows are read by column name without a dict each: a drift
        check's value counts can be 100,000 rows (see ``QueryResult.mappings``).
        """
        sql = self.engine.render(query)
        with self.told(sql, checks, query, slots):
            if self.dry_run:
                return []
            self.executed += 1
            if self.prefetched and sql in self.prefetched:
                return self.prefetched.pop(sql)
            return self.engine.execute(sql).mappings()

    @contextmanager
    def told(
        self,
        sql: str,
        checks: Sequence[str],
        query: exp.Expr | None = None,
        slots: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Iterator[None]:
        """Time the block and tell ``on_sql`` about the statement, also when it fails."""
        started = time.perf_counter()
        try:
            yield
        finally:
            if self.on_sql:
                seconds = None if self.dry_run else time.perf_counter() - started
                self.on_sql(
                    Told(
                        self.asset.name,
                        sql,
                        tuple(checks),
                        query,
                        self.engine.dialect,
                        slots or {},
                        seconds,
                    )
                )

    def run_statement(self, statement: Statement) -> Sequence[Mapping[str, Any]]:
        """Run one planned statement; its slots name the check behind each output column."""
        if self.incremental is not None:
            rows = self.incremental.run(statement, self.execute)
            if rows is not None:
                return [] if self.dry_run else rows
        slots = statement.slots() if statement.kind != "own" else {}
        return self.execute(statement.query, statement.checks, slots)

    def resolve(self, name: str) -> exp.Expr:
        """Another asset's relation (the target of a ``references`` check)."""
        target = (self.assets or {}).get(name)
        if target is None:
            return no_other_assets(name)  # raises LookupError, one message for both paths
        return relation_for(target, self.engine, self.root)


@dataclass
class _Pending:
    """A check on its way to a result."""

    check: CheckBase
    scope: Scope
    queries: int = 0
    outcome: Outcome | None = None
    details: dict[str, Any] | None = None
    note: str = ""  # why details are missing, appended to the message


def check_asset(run: AssetRun) -> list[CheckResult]:
    """Run every check of ``run.asset``; returns one result per check (none on dry runs)."""
    asset, engine = run.asset, run.engine
    now = run.now or clock.now()
    try:
        relation = relation_for(asset, engine, run.root)
    except (EngineError, ValueError, SqlglotError) as exc:
        return [error_result(asset, c, str(exc), 0) for c in asset.checks]
    results: dict[str, CheckResult] = {}
    pending: dict[str, _Pending] = {}
    pii = frozenset(p.lower() for p in asset.pii)
    for check in asset.checks:
        # A refused filter (not one read-only condition) errors its own check only.
        try:
            where = parse_where(check.where, engine.dialect)
        except (ValueError, SqlglotError) as exc:
            results[check.display_name] = error_result(asset, check, str(exc), 0)
            continue
        scope = Scope(asset.name, relation, where, engine.dialect, run.resolve, pii)
        pending[check.display_name] = _Pending(check, scope)

    columns, failed = _describe(run, relation, [p.check for p in pending.values()])
    for name, result in failed.items():
        results[name] = result
        del pending[name]
    needs: list[Need] = []
    for name, item in list(pending.items()):
        try:
            metrics = type_of(item.check).metrics(item.check, item.scope)
        except _CHECK_ERRORS as exc:
            results[name] = error_result(asset, item.check, str(exc), 0)
            del pending[name]
            continue
        needs += [Need(name, key, metric) for key, metric in metrics.items()]

    bitmaps = _bitmaps(run, relation, columns, needs)
    plan = plan_asset(needs, relation, engine, bitmaps)
    computed = Isolating(run.run_statement, relation, engine).run(plan.statements)
    if run.dry_run:
        return []
    first_round = run.executed
    described = {n.check for n in plan.described}
    for need in plan.described:
        computed.values.setdefault(need.check, {})[need.metric] = columns
    _follow_up(run, relation, pending, computed, now)
    # One round of the plan's own statements, nothing re-planned: what a replay can repeat.
    replayable = first_round == len(plan.statements) == run.executed and not computed.errors
    # Checks that judge another check's outcome (anomaly) come after the others.
    ordered = sorted(pending.items(), key=lambda p: bool(_reads_checks(p[1].check)))
    # What an anomaly on another check reads: errors so far, then each outcome.
    outcomes = {name: Outcome("error", None, r.message) for name, r in results.items()}
    for name, item in ordered:
        item.queries = computed.queries[name] + (name in described)
        if name in computed.errors:
            results[name] = error_result(asset, item.check, computed.errors[name], item.queries)
        else:
            context = run.context(now, name, outcomes)
            values = computed.values.get(name, {})
            try:
                item.outcome = type_of(item.check).evaluate(item.check, values, context)
            except (TypeError, ValueError) as exc:
                results[name] = error_result(asset, item.check, str(exc), item.queries)
        done = results.get(name)
        outcomes[name] = item.outcome or Outcome("error", None, done.message if done else "")
    evaluated = [p for p in pending.values() if p.outcome is not None]
    if run.capture is not None:
        run.capture.asset(run, relation, plan, bitmaps, replayable and not results)
    _add_details(run, relation, evaluated)
    for item in evaluated:
        results[item.check.display_name] = _result(run, item)
    return [results[c.display_name] for c in asset.checks]


def _reads_checks(check: CheckBase) -> list[str]:
    return type_of(check).reads_checks(check)


#: Rounds of follow-up metrics at most (``drift``: a profile, then the counts).
_MAX_ROUNDS = 4


def _follow_up(
    run: AssetRun,
    relation: exp.Expr,
    pending: dict[str, _Pending],
    computed: Computed,
    now: datetime,
) -> None:
    """Ask for the metrics that need values computed first, round after round, planned together.

    A check whose follow-up cannot be planned is an error of its own; the
    statements run with isolation, as the first round's.
    """
    for _ in range(_MAX_ROUNDS):
        needs: list[Need] = []
        for name, item in pending.items():
            if name in computed.errors:
                continue
            values = computed.values.get(name, {})
            try:
                more = type_of(item.check).followup(
                    item.check, item.scope, values, run.context(now, name)
                )
            except _CHECK_ERRORS as exc:
                computed.errors[name] = str(exc)
                continue
            needs += [Need(name, key, metric) for key, metric in more.items()]
        if not needs:
            return
        plan = plan_asset(needs, relation, run.engine)
        found = Isolating(run.run_statement, relation, run.engine).run(plan.statements)
        for name, values in found.values.items():
            computed.values.setdefault(name, {}).update(values)
        computed.queries.update(found.queries)
        computed.errors.update(found.errors)


def _describe(
    run: AssetRun, relation: exp.Expr, checks: list[CheckBase]
) -> tuple[list[Column] | None, dict[str, CheckResult]]:
    """Describe the relation once; checks naming a column it lacks become errors.

    Only when some check reads the relation by column (or is a ``schema``
    check). When the relation cannot be described at all, every check that
    reads it fails with the describe's message (``sql`` checks do not read it).
    """
    readers = [c for c in checks if type_of(c).reads_relation(c)]
    named = [c for c in readers if type_of(c).columns(c) or c.type == "schema"]
    if not named:
        return None, {}
    describe = f"-- describe {run.engine.render(relation)}"  # metadata, not a query
    # Told as the statement of the schema checks, whose value it is; for the
    # others it only validates names, and --show-sql lists no statement for it.
    described = [c.display_name for c in named if c.type == "schema"]
    told = run.told(describe, described) if described else nullcontext()
    try:
        with told:
            if run.dry_run:
                return None, {}
            columns = run.engine.describe(relation)
    except EngineError as exc:
        return None, {c.display_name: error_result(run.asset, c, str(exc), 1) for c in readers}
    names = [c.name for c in columns]
    known = {_fold(run.engine, n) for n in names}
    failed: dict[str, CheckResult] = {}
    for check in named:
        missing = [c for c in type_of(check).columns(check) if _fold(run.engine, c) not in known]
        if missing:
            message = _missing_column(missing[0], run.asset.name, names)
            failed[check.display_name] = error_result(run.asset, check, message, 0)
    return columns, failed


def _bitmaps(
    run: AssetRun, relation: exp.Expr, columns: list[Column] | None, needs: list[Need]
) -> dict[str, KeyRange]:
    """The integer keys of distinct counts dense enough to count as a bitmap, with their bounds.

    From the engine's statistics (:meth:`~trustwell.engines.base.Engine.key_ranges`),
    never on a dry run, which reads nothing. They only make the plan faster:
    when they cannot be read the distinct counts stay ``COUNT(DISTINCT …)``,
    and so does a statement that fails and is planned again in halves. Nor
    for the distinct counts an ``incremental:`` asset counts from its own
    key bitmaps (:meth:`StatementHook.counts_distinct`): no planned
    expression of theirs runs, and without any other the statistics are not read.
    """
    if run.dry_run or not columns or run.engine.dense_distinct is None:
        return {}
    integers = {_fold(run.engine, c.name) for c in columns if c.type == "integer"}
    hook = run.incremental
    wanted = {
        name
        for need in needs
        if isinstance(need.value, DistinctCount)
        and (name := bitmap_column(need.value)) is not None
        and _fold(run.engine, name) in integers
        and not (hook is not None and hook.counts_distinct(need.value))
    }
    if not wanted:
        return {}
    try:
        found = run.engine.key_ranges(relation, sorted(wanted))
    except EngineError:
        return {}
    kind = run.engine.dense_distinct
    return {name: ranged for name, ranged in found.items() if worth(kind, ranged)}


def _fold(engine: Engine, name: str) -> str:
    return name if engine.case_sensitive_identifiers else name.lower()


def _missing_column(column: str, asset: str, names: list[str]) -> str:
    hint = did_you_mean(column, names)
    if not hint and names:
        shown = ", ".join(f"'{n}'" for n in names[:10])
        hint = f": its columns are {shown}" + ("…" if len(names) > 10 else "")
    return f"column '{column}' not found in {asset}{hint}"


def _add_details(run: AssetRun, relation: exp.Expr, evaluated: list[_Pending]) -> None:
    """Ask for what the outcomes call for (offending values…), planned together; make details."""
    needs: list[Need] = []
    for item in evaluated:
        assert item.outcome is not None
        item.details = item.outcome.details
        try:
            metrics = type_of(item.check).detail_metrics(item.check, item.scope, item.outcome)
        except _CHECK_ERRORS as exc:
            item.note = f" (details unavailable: {exc})"
            continue
        needs += [Need(item.check.display_name, k, m) for k, m in metrics.items()]
    if not needs:
        return
    plan = plan_asset(needs, relation, run.engine)
    computed = Isolating(run.run_statement, relation, run.engine).run(plan.statements)
    for item in evaluated:
        name = item.check.display_name
        item.queries += computed.queries[name]
        if name in computed.errors:
            item.note = f" (details unavailable: {computed.errors[name]})"
        elif name in computed.values:
            assert item.outcome is not None
            found = computed.values[name]
            item.details = type_of(item.check).details(item.check, item.outcome, found)


def _result(run: AssetRun, item: _Pending) -> CheckResult:
    """The check's result, with failed-row samples when a row-level check failed."""
    check, outcome = item.check, item.outcome
    assert outcome is not None
    result = CheckResult(
        asset=run.asset.name,
        check=check.display_name,
        type=check.type,
        status=outcome.status,
        value=outcome.value,
        threshold=check.threshold(),
        failing_fraction=outcome.failing_fraction,
        message=outcome.message + item.note,
        queries=item.queries,
        unit=unit_of(check),
        details=item.details,
    )
    if outcome.status == "fail" and check.samples and (outcome.value or 0) > 0:
        try:
            query = type_of(check).samples(check, item.scope, check.samples)
            if query is not None:
                result.queries += 1
                rows = run.execute(query, [check.display_name])
                result.samples = masked_rows(rows, run.asset.pii)
        except _CHECK_ERRORS as exc:
            result.message += f" (samples unavailable: {exc})"
    return result


def error_result(asset: Asset, check: CheckBase, message: str, queries: int) -> CheckResult:
    """A check that could not be computed: ``error`` with the reason (scrubbed)."""
    return CheckResult(
        asset=asset.name,
        check=check.display_name,
        type=check.type,
        status="error",
        value=None,
        threshold=check.threshold(),
        failing_fraction=None,
        message=message,
        queries=queries,
        unit=unit_of(check),
    )
