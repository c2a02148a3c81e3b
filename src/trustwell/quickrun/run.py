"""``trustwell run`` from a kept plan: DuckDB, the judge functions and ``sqlite3``, nothing heavier.

:func:`quick_run` is called by :func:`trustwell.cli.app.main` before Typer
is imported. It answers only the forms it knows to the letter (``--project``,
``--format json|text``, ``--asset``, ``--tag``, ``--as``) and only when the
kept plan holds (:mod:`trustwell.quickrun.plan`); every other case, and every
run in which a check fails, errors or warns with details to fetch, returns
None before anything is recorded, and
the full path runs as always (with the rows fetched so far,
:mod:`trustwell.quickrun.handover`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from trustwell import clock
from trustwell.checks.context import EvaluationContext
from trustwell.checks.judge import judge
from trustwell.checks.result import CheckResult, RunReport
from trustwell.engines.base import EngineError
from trustwell.incidents.model import fingerprint
from trustwell.quickrun import handover
from trustwell.quickrun import plan as kept
from trustwell.store.errors import StoreError
from trustwell.store.quick import QuickStore

if TYPE_CHECKING:
    from trustwell.checks.outcome import Outcome
    from trustwell.display import Unit
    from trustwell.engines.duckdb import DuckDBEngine

_OPTIONS = {
    "--project": "project",
    "-p": "project",
    "--format": "format",
    "-f": "format",
    "--asset": "assets",
    "-a": "assets",
    "--tag": "tags",
    "-t": "tags",
    "--as": "actor",
}


@dataclass
class Args:
    project: str = "."
    format: str = "text"
    assets: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    actor: str | None = None


def parse(argv: Sequence[str]) -> Args | None:
    """The arguments after ``run``, or None for anything but the plain forms of the five options."""
    args, given = Args(), set()
    words = list(argv)
    while words:
        word = words.pop(0)
        name, equals, value = word.partition("=")
        key = _OPTIONS.get(name if equals and name.startswith("--") else word)
        if key is None:
            return None
        if not equals:
            if not words or words[0].startswith("-"):
                return None
            value = words.pop(0)
        if key in ("assets", "tags"):
            getattr(args, key).append(value)
        elif key in given:
            return None  # given twice: the full path says what that means
        else:
            given.add(key)
            setattr(args, key, value)
    if args.format not in ("json", "text"):
        return None
    if args.actor is None:
        args.actor = os.environ.get("TRUSTWELL_USER") or None
    return args


def quick_run(argv: Sequence[str]) -> int | None:
    """Run ``trustwell run ARGV`` from its kept plan: the exit code, or None for the full path."""
    if os.environ.get("TRUSTWELL_QUICK_RUN", "1") == "0":
        return None
    args = parse(argv)
    if args is None:
        return None
    root = Path(args.project).resolve()
    plan = kept.read(kept.plan_file(root, args.assets, args.tags))
    if plan is None:
        return None
    import duckdb

    if plan.digest != kept.digest(root, duckdb.__version__):
        return None
    store = QuickStore.open(Path(plan.store))
    if store is None:
        return None
    with store:
        report = _run(plan, store)
        if report is None or not _settled(report, plan):
            return None  # the full path judges, explains and responds (rows handed over)
        definitions = {(a.name, c.name): c.definition for a in plan.assets for c in a.checks}
        try:
            store.record(
                report,
                project=plan.project,
                actor=args.actor,
                definitions=definitions,
                trigger="cli",
            )
        except (sqlite3.Error, StoreError):
            return None  # nothing was written (one transaction): the full path says why
    handover.take()  # recorded here: nothing for a full path
    _emit(report, plan, args.format)
    return report.exit_code


def _run(plan: kept.Plan, store: QuickStore) -> RunReport | None:
    """Every asset's results, or None as soon as the plan no longer holds."""
    started = clock.now()
    ran = {fingerprint(a.name, c.name) for a in plan.assets for c in a.checks}
    if not ran.isdisjoint(store.open_incident_keys()) or store.outbox_due(started):
        return None  # an incident may calm, a notification is due: the full path's work
    from trustwell.engines.duckdb import DuckDBEngine

    results: list[CheckResult] = []
    for warehouse, options in plan.warehouses.items():
        assets = [a for a in plan.assets if a.warehouse == warehouse]
        try:
            engine = DuckDBEngine(**(options | {"files_root": Path(options["files_root"])}))
        except EngineError:
            return None
        with engine:
            for asset in assets:
                found = _asset(engine, asset, started, store)
                if found is None:
                    return None
                results += found
    return RunReport(str(uuid.uuid4()), started, clock.now(), results)


def _asset(
    engine: DuckDBEngine, asset: kept.AssetPlan, now: datetime, store: QuickStore
) -> list[CheckResult] | None:
    """The asset's results from its statements, or None (a guard moved, a statement failed).

    Judged as ``check_asset`` judges: an ``anomaly`` check reads its past
    results from ``store``, and one judging another check's value comes
    after the others, with their outcomes.
    """
    try:
        if not all(_holds(engine, guard) for guard in asset.guards):
            return None
        values: dict[str, dict[str, Any]] = {}
        queries: Counter[str] = Counter()
        for statement in asset.statements:
            rows = engine.execute(statement.sql).mappings()
            handover.leave(statement.sql, rows)
            row = rows[0] if rows else {}
            for output, served in statement.columns.items():
                value = rows if statement.kind == "own" else row.get(output)
                for name, metric in served:
                    values.setdefault(name, {})[metric] = value
            queries.update({name for served in statement.columns.values() for name, _ in served})
        if asset.describe is not None:  # a schema check's value: the described columns
            columns = engine.run_describe(asset.describe)
            for name, metric in asset.described:
                values.setdefault(name, {})[metric] = columns
            queries.update({name for name, _ in asset.described})
    except EngineError:
        return None
    outcomes: dict[str, Outcome] = {}
    for check in sorted(asset.checks, key=lambda c: c.spec.get("other_check") is not None):
        context = EvaluationContext(
            now, asset.name, check.name, asset.timezone, store, checks=dict(outcomes)
        )
        try:
            found = values.get(check.name, {})
            outcomes[check.name] = judge(check.spec, found, now, asset.timezone, context=context)
        except (TypeError, ValueError, LookupError, sqlite3.Error, StoreError):
            return None
    results = []
    for check in asset.checks:
        outcome = outcomes[check.name]
        results.append(
            CheckResult(
                asset=asset.name,
                check=check.name,
                type=check.type,
                status=outcome.status,
                value=outcome.value,
                threshold=check.threshold,
                failing_fraction=outcome.failing_fraction,
                message=outcome.message,
                queries=queries[check.name],
                unit=check.unit,
                details=outcome.details,
            )
        )
    return results


def _settled(report: RunReport, plan: kept.Plan) -> bool:
    """Whether the run is complete as it is: nothing failed or errored, and no
    warning asks for details (those, samples and incidents are the full path's)."""
    if report.status not in ("pass", "warn"):
        return False
    asks = {(a.name, c.name) for a in plan.assets for c in a.checks if c.warn_details}
    return not any(r.status == "warn" and (r.asset, r.check) in asks for r in report.results)


def _holds(engine: DuckDBEngine, guard: kept.Guard) -> bool:
    """Whether the table's keys are still inside the bounds its bitmaps were planned with."""
    from trustwell.engines.duckdb_stats import ranges

    if not engine.execute(guard.base_table).rows[0][0]:
        return False
    found = ranges(guard.columns, engine.execute(guard.stats).rows)
    for column in guard.columns:
        ranged, (low, high) = found.get(column), guard.bounds[column]
        if ranged is None or not ranged.exact or ranged.low is None or ranged.high is None:
            return False
        if ranged.low < low or ranged.high > high:
            return False
    return True


def _emit(report: RunReport, plan: kept.Plan, format: str) -> None:
    """The document or the text report, as the full path prints a run in which all passed."""
    if format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    from trustwell.cli.output import ResultPrinter
    from trustwell.display import metric_value

    units = {(a.name, c.name): c.shown_unit for a in plan.assets for c in a.checks}
    values = {}
    for result in report.results:
        unit = cast("Unit", units[(result.asset, result.check)])
        values[(result.asset, result.check)] = (
            "" if result.value is None else metric_value(result.value, unit)
        )
    ResultPrinter().report(report, values, None, [])
