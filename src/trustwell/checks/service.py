"""``trustwell run`` as a service: select, run per warehouse, record.

The CLI and the web scheduler call :func:`run_project`; it opens and verifies
the store first, connects to each warehouse once, runs the selected assets'
checks, stores the run and its results, and returns the report.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trustwell import clock
from trustwell.checks.context import NoHistory, PastResult
from trustwell.checks.registry import type_of
from trustwell.checks.result import CheckResult, RunReport
from trustwell.checks.run import AssetRun, SqlListener, check_asset, error_result
from trustwell.config.errors import nearest_names_hint
from trustwell.engines import EngineError, connect, warehouse_files
from trustwell.errors import Invalid

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Connection

    from trustwell.checks.baselines import StoreBaselines
    from trustwell.checks.incremental_run import IncrementalRun
    from trustwell.config.models import Asset, Project, Warehouse
    from trustwell.engines.base import Engine
    from trustwell.quickrun.capture import PlanCapture
    from trustwell.store.database import Store

ProgressListener = Callable[[str, list[CheckResult]], None]  # (asset, its results)


class StoreHistory(NoHistory):
    """Past results read from the store with :func:`trustwell.store.check_history`.

    Read only when a type asks (``anomaly``; a ``drift`` check with a stored
    baseline), so a run without one costs no store query. Kept here, with the
    run's other I/O, so that
    :mod:`trustwell.checks.context` stays pure.
    """

    def __init__(self, store: Store | Callable[[], Store]) -> None:
        """``store``, or a function that opens it when a type first asks (the CLI's overlap)."""
        self._store = store
        self._baselines: StoreBaselines | None = None  # each baseline read once per run

    @property
    def store(self) -> Store:
        if callable(self._store):
            self._store = self._store()
        return self._store

    @property
    def baselines(self) -> StoreBaselines:
        from trustwell.checks.baselines import StoreBaselines

        if self._baselines is None:
            self._baselines = StoreBaselines(self.store)
        return self._baselines

    def past_results(
        self,
        asset: str,
        check: str,
        *,
        before: datetime,
        limit: int,
        outside_incidents: bool = False,
    ) -> Sequence[PastResult]:
        from trustwell.store import check_history

        return check_history(
            self.store, asset, check, limit, before=before, outside_incidents=outside_incidents
        )

    def baseline(self, asset: str, name: str) -> Mapping[str, Any] | None:
        """The latest stored version of the drift baseline ``name`` (``baseline save``)."""
        return self.baselines.baseline(asset, name)


class SelectionError(Invalid):
    """``--asset`` or ``--tag`` names nothing in the project (exit code 2, HTTP 422)."""


def select_assets(
    project: Project, names: Sequence[str] = (), tags: Sequence[str] = ()
) -> list[Asset]:
    """Assets chosen by name and/or tag (an asset's tag or any of its checks' tags).

    With a tag, only the checks carrying it run unless the asset itself has it
    (and the checks whose value a tagged ``anomaly`` check judges).
    """
    known = [a.name for a in project.assets]
    for name in names:
        if name not in known:
            raise SelectionError(f"unknown asset '{name}'{nearest_names_hint(name, known)}")
    chosen = [a for a in project.assets if not names or a.name in names]
    if not tags:
        return chosen
    wanted = set(tags)
    selected: list[Asset] = []
    for asset in chosen:
        if wanted & set(asset.tags):
            selected.append(asset)
            continue
        tagged = [c for c in asset.checks if wanted & set(c.tags)]
        # A check judging another check's value (anomaly) brings that check along.
        judged = {name for c in tagged for name in type_of(c).reads_checks(c)}
        picked = {id(c) for c in tagged}
        checks = [c for c in asset.checks if id(c) in picked or c.display_name in judged]
        if checks:
            selected.append(asset.model_copy(update={"checks": checks}))
    if not selected:
        raise SelectionError(f"no asset or check has tag {', '.join(sorted(wanted))}")
    return selected


def run_project(
    project: Project,
    assets: Sequence[Asset] | None = None,
    *,
    on_progress: ProgressListener | None = None,
    on_sql: SqlListener | None = None,
    dry_run: bool = False,
    record: bool = True,
    actor: str | None = None,
    trigger: str = "cli",
    store: Store | Callable[[], Store] | None = None,
    full: bool = False,
    capture: PlanCapture | None = None,
    prefetched: dict[str, Sequence[Mapping[str, Any]]] | None = None,
) -> RunReport:
    """Run the checks of ``assets`` (default: all) and store the run in ``store``.

    Without a ``store`` the project's store is opened and verified *before*
    any check runs (raising :class:`~trustwell.store.database.StoreError`), and
    closed at the end: a store that cannot take the run fails it before a
    warehouse is queried, so results are never computed only to be thrown away.
    ``incremental:`` assets merge the states stored in it (``full``: rebuild
    them from full scans; a dry run reads the given ``store`` to show the
    incremental statements); their new states are written with the run.
    ``store`` may be a function that opens it: called when the run first needs
    the store (history, or the record), after the open that the CLI overlaps
    with the first DuckDB statement (:mod:`trustwell.checks.overlap`). A run
    with incremental assets reads their states before any statement, so it
    opens the store at once (the CLI does not overlap such runs).
    ``capture`` keeps the plan for the quick run path; ``prefetched``: rows
    that path fetched already, by statement text (:mod:`trustwell.quickrun`).
    """
    selected = list(project.assets if assets is None else assets)
    owned: Store | None = None
    if store is None and record and not dry_run:
        from trustwell.store import open_store

        store = owned = open_store(project.settings.store, project.root)
    incremental: IncrementalRun | None = None
    if any(a.incremental is not None for a in selected):
        # Imported only for such runs: it imports the store package (SQLAlchemy), which
        # a DuckDB run opens alongside its first statement (checks/overlap.py).
        from trustwell.checks.incremental_run import IncrementalRun

        if callable(store):
            store = store()
        incremental = IncrementalRun(store if record else None, full=full, dry_run=dry_run)
    if not record or dry_run:
        store = None
    try:
        started = clock.now()
        history = NoHistory() if store is None else StoreHistory(store)
        results = _run_checks(
            project,
            selected,
            started,
            on_progress,
            on_sql,
            dry_run,
            history,
            incremental,
            capture,
            prefetched,
        )
        report = RunReport(str(uuid.uuid4()), started, clock.now(), results)
        report.notes = incremental.notes() if incremental is not None else []
        if store is not None:
            into = store() if callable(store) else store
            writes = incremental.writes(report.run_id, started) if incremental else []
            report.incidents = _record_and_respond(
                into, project, report, actor, selected, trigger, writes
            )
        return report
    finally:
        if owned is not None:
            owned.close()


def _run_checks(
    project: Project,
    selected: list[Asset],
    started: datetime,
    on_progress: ProgressListener | None,
    on_sql: SqlListener | None,
    dry_run: bool,
    history: NoHistory,
    incremental: IncrementalRun | None,
    capture: PlanCapture | None = None,
    prefetched: dict[str, Sequence[Mapping[str, Any]]] | None = None,
) -> list[CheckResult]:
    """Every selected asset's results, connecting to each warehouse once."""
    by_name = {a.name: a for a in project.assets}
    results: list[CheckResult] = []
    for warehouse, group in _by_warehouse(project, selected).items():
        config = project.settings.warehouses[warehouse]
        try:
            engine = _connect(project, warehouse, config, group, incremental)
        except EngineError as exc:
            for asset in group:
                asset_results = [error_result(asset, c, str(exc), 0) for c in asset.checks]
                results += asset_results
                if on_progress:
                    on_progress(asset.name, asset_results)
            continue
        with engine:
            for asset in group:
                asset_results = check_asset(
                    AssetRun(
                        engine=engine,
                        asset=asset,
                        root=project.root,
                        assets=by_name,
                        timezone=config.timezone,
                        now=started,
                        on_sql=on_sql,
                        dry_run=dry_run,
                        history=history,
                        baselines=history,
                        incremental=(
                            incremental.hook(asset, engine, project.root)
                            if incremental is not None
                            else None
                        ),
                        capture=capture,
                        prefetched=prefetched,
                    )
                )
                results += asset_results
                if on_progress:
                    on_progress(asset.name, asset_results)
    return results


def _connect(
    project: Project,
    warehouse: str,
    config: Warehouse,
    group: list[Asset],
    incremental: IncrementalRun | None,
) -> Engine:
    """The warehouse's engine; a DuckDB file opens while the group's stored states are read.

    DuckDB releases the GIL while it opens a file, so the store is read in
    that time instead of after it (measured: 10 ms of an incremental run's 80).
    """
    files = warehouse_files(project, warehouse)
    if incremental is None or config.type != "duckdb" or not incremental.will_read(group):
        return connect(config, project.root, files=files)
    from trustwell.engines import overlap

    return overlap.opened(
        lambda: connect(config, project.root, files=files),
        lambda: incremental.preload(group),
        lambda engine: engine.close(),
    )


def _by_warehouse(project: Project, assets: Sequence[Asset]) -> dict[str, list[Asset]]:
    groups: dict[str, list[Asset]] = {}
    for asset in assets:
        groups.setdefault(project.warehouse_of(asset), []).append(asset)
    return groups


def _record_and_respond(
    store: Store,
    project: Project,
    report: RunReport,
    actor: str | None,
    assets: list[Asset],
    trigger: str,
    writes: Sequence[Callable[[Connection], None]] = (),
) -> list[dict[str, Any]]:
    """Store the run, open or update incidents, then deliver what is due.

    Only what the run needs is imported: the incident service when a check
    failed or an incident may calm (:func:`~trustwell.incidents.quiet.needs_incidents`),
    OpenLineage with ``openlineage:``, certification when an asset takes part
    in a use case or declares SLOs. ``trustwell run`` of a healthy project pays
    for none of them (tests/cli/test_run_imports.py).
    """
    from trustwell.incidents.quiet import needs_incidents
    from trustwell.notify.outbox import deliver_due
    from trustwell.store import record_run

    definitions = {
        (a.name, c.display_name): c.model_dump(mode="json", exclude_none=True)
        for a in assets
        for c in a.checks
    }
    record_run(
        store,
        report,
        project=project.settings.name,
        actor=actor,
        definitions=definitions,
        trigger=trigger,
        also=writes,
    )
    lineage = None
    if project.settings.openlineage is not None:
        from trustwell.openlineage.queue import queue_run_events

        # OpenLineage events go through the outbox: a receiver that is down never fails the run.
        lineage = queue_run_events(store, report, project, assets, clock.now())
    incidents: list[dict[str, Any]] = []
    if needs_incidents(store, report):
        from trustwell.incidents.signals import handle_run

        incidents = handle_run(store, project, report)
    deliver_due(store, project.settings)
    if lineage is not None:
        from trustwell.openlineage.queue import undelivered_warnings

        report.warnings += undelivered_warnings(store, lineage)
    if any(a.use_cases or a.slos for a in project.assets):
        from trustwell.certification.service import reevaluate

        reevaluate(store, project)  # logs, never fails the run
    return incidents
