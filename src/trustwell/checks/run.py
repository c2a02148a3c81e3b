"""Running an asset's checks against an engine (the I/O half of the check engine).

One aggregate statement per asset for every aggregate check, then the small
extra queries: failed-row samples (only for failing row-level checks),
``schema``, ``references`` and ``sql``. A check that cannot be computed is an
``error`` result carrying the database's message; the others still run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.errors import SqlglotError

from trustwell import clock
from trustwell.checks import spec as s
from trustwell.checks.compile import aggregate_checks, parse_where, plan_asset, relation_for
from trustwell.checks.evaluate import (
    Outcome,
    evaluate,
    evaluate_bounds,
    evaluate_failing_rows,
    number,
)
from trustwell.checks.queries import (
    compare_schema,
    masked_rows,
    references_query,
    samples_query,
    sql_check_query,
)
from trustwell.checks.result import CheckResult
from trustwell.checks.statements import Statement, StatementListener
from trustwell.engines.base import Engine, EngineError

if TYPE_CHECKING:
    from trustwell.config.models import Asset

SqlListener = StatementListener  # told every statement, after it ran (or was planned)


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

    def execute(
        self,
        query: exp.Expr,
        checks: Sequence[str],
        slots: Mapping[str, Mapping[str, str]] | None = None,
    ) -> list[dict[str, Any]]:
        """Run ``query`` for ``checks`` (nothing on a dry run), telling ``on_sql``."""
        sql = self.engine.render(query)
        with self.told(sql, checks, query, slots):
            if self.dry_run:
                return []
            return self.engine.execute(sql).records()

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
                    Statement(
                        self.asset.name,
                        sql,
                        tuple(checks),
                        query,
                        self.engine.dialect,
                        slots or {},
                        seconds,
                    )
                )


def check_asset(run: AssetRun) -> list[CheckResult]:
    """Run every check of ``run.asset``; returns one result per check (none on dry runs)."""
    asset, engine = run.asset, run.engine
    now = run.now or clock.now()
    try:
        relation = relation_for(asset, engine, run.root)
    except (EngineError, ValueError, SqlglotError) as exc:
        return [error_result(asset, c, str(exc), 0) for c in asset.checks]
    results: dict[str, CheckResult] = {}
    wheres: dict[str, exp.Expr | None] = {}
    for declared in asset.checks:
        # A refused filter (not one read-only condition) errors its own check only.
        try:
            wheres[declared.display_name] = parse_where(declared.where, engine.dialect)
        except (ValueError, SqlglotError) as exc:
            results[declared.display_name] = error_result(asset, declared, str(exc), 0)

    aggregates = [c for c in aggregate_checks(list(asset.checks)) if c.display_name in wheres]
    plan = plan_asset([(c, wheres[c.display_name]) for c in aggregates], relation, engine)
    if plan.query is not None:
        try:
            names = [c.display_name for c in aggregates]
            rows = run.execute(plan.query, names, plan.slots)
            row = rows[0] if rows else {}
        except EngineError as exc:
            for check in aggregates:
                results[check.display_name] = error_result(asset, check, str(exc), 1)
        else:
            for check in aggregates:
                slots = plan.slots[check.display_name]
                metrics = {name: row.get(alias) for name, alias in slots.items()}
                compute = partial(evaluate, check, metrics, now, run.timezone)
                results[check.display_name] = _finish(
                    run, check, wheres[check.display_name], relation, 1, compute
                )
    for check in asset.checks:
        if check.display_name in results:
            continue
        where = wheres[check.display_name]
        if isinstance(check, s.Schema):
            results[check.display_name] = _run_schema(run, check, relation)
        elif isinstance(check, s.References):
            results[check.display_name] = _run_references(run, check, where, relation)
        elif isinstance(check, s.Sql):
            results[check.display_name] = _run_sql(run, check)
    if run.dry_run:
        return []
    return [results[c.display_name] for c in asset.checks]


def _finish(
    run: AssetRun,
    check: s.CheckBase,
    where: exp.Expr | None,
    relation: exp.Expr | None,
    queries: int,
    compute: Callable[[], Outcome],
    sample_query: exp.Query | None = None,
) -> CheckResult:
    """Evaluate, then fetch samples if a row-level check failed."""
    if run.dry_run:
        return error_result(run.asset, check, "dry run", queries)
    try:
        outcome = compute()
    except (TypeError, ValueError) as exc:
        return error_result(run.asset, check, str(exc), queries)
    result = CheckResult(
        asset=run.asset.name,
        check=check.display_name,
        type=check.type,
        status=outcome.status,
        value=outcome.value,
        threshold=check.threshold(),
        failing_fraction=outcome.failing_fraction,
        message=outcome.message,
        queries=queries,
    )
    if outcome.status == "fail" and check.samples and (outcome.value or 0) > 0:
        query = sample_query
        if query is None and relation is not None:
            query = samples_query(check, where, relation, check.samples)
        if query is not None:
            try:
                rows = run.execute(query, [check.display_name])
                result.samples = masked_rows(rows, run.asset.pii)
                result.queries += 1
            except EngineError as exc:
                result.message += f" (samples unavailable: {exc})"
    return result


def _run_schema(run: AssetRun, check: s.Schema, relation: exp.Expr) -> CheckResult:
    shown = f"-- describe {run.engine.render(exp.select('*').from_(relation))}"
    try:
        with run.told(shown, [check.display_name]):
            if run.dry_run:
                return error_result(run.asset, check, "dry run", 1)
            columns = run.engine.describe(relation)
    except EngineError as exc:
        return error_result(run.asset, check, str(exc), 1)
    count, problems = compare_schema(check, columns)
    message = "; ".join(problems) if problems else f"{len(check.columns)} declared columns match"
    return CheckResult(
        asset=run.asset.name,
        check=check.display_name,
        type="schema",
        status="fail" if count else "pass",
        value=float(count),
        threshold=check.threshold(),
        failing_fraction=None,
        message=message,
        queries=1,
    )


def _run_references(
    run: AssetRun, check: s.References, where: exp.Expr | None, relation: exp.Expr
) -> CheckResult:
    target_name, _ = check.target
    target_asset = (run.assets or {}).get(target_name)
    if target_asset is None:
        return error_result(
            run.asset, check, f"referenced asset {target_name!r} is not in the project", 0
        )
    try:
        target = relation_for(target_asset, run.engine, run.root)
        rows = run.execute(references_query(check, where, relation, target), [check.display_name])
    except (EngineError, ValueError, SqlglotError) as exc:
        return error_result(run.asset, check, str(exc), 1)
    row = rows[0] if rows else {}
    sample = references_query(check, where, relation, target, samples=check.samples)
    return _finish(
        run,
        check,
        where,
        relation,
        1,
        lambda: evaluate_failing_rows(
            check, number(row.get("failing")) or 0.0, number(row.get("scope")) or 0.0
        ),
        sample_query=sample,
    )


def _run_sql(run: AssetRun, check: s.Sql) -> CheckResult:
    try:
        rows = run.execute(sql_check_query(check, run.engine.dialect), [check.display_name])
    except (EngineError, ValueError, SqlglotError) as exc:
        return error_result(run.asset, check, str(exc), 1)
    if check.query is not None:

        def compute() -> Outcome:
            if not rows or len(rows[0]) != 1:
                raise ValueError("the query must return exactly one row with one number")
            value = number(next(iter(rows[0].values())))
            if value is None:
                raise ValueError("the query returned NULL")
            warn = check.warn if isinstance(check.warn, s.Bounds) else None
            return evaluate_bounds("query result", value, check.min, check.max, warn)

        return _finish(run, check, None, None, 1, compute)
    failing = number(rows[0].get("failing")) if rows else 0.0
    samples = sql_check_query(check, run.engine.dialect, samples=check.samples)
    # A failing_rows query has no scope of its own: it takes max_failing only.
    return _finish(
        run,
        check,
        None,
        None,
        1,
        lambda: evaluate_failing_rows(check, failing or 0.0, 0.0),
        sample_query=samples,
    )


def error_result(asset: Asset, check: s.CheckBase, message: str, queries: int) -> CheckResult:
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
    )
