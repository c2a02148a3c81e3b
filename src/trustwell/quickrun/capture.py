"""Keeping a full run's plan for the quick path (the full path's side of :mod:`trustwell.quickrun`).

``trustwell run`` hands a :class:`PlanCapture` to every asset's run
(:func:`trustwell.checks.run.check_asset` tells it what it planned) and,
after the run, :meth:`PlanCapture.save` writes the plan when the whole
selection can be replayed: every asset on DuckDB, not incremental, its
checks answered by one round of its plan's scalar statements and own
queries (``sql``, ``references``), each check
with a pure evaluation (a judge spec); the project without OpenLineage,
use cases or SLOs (which a healthy run also feeds); the store a SQLite file.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from trustwell.quickrun import plan as kept

if TYPE_CHECKING:
    from sqlglot import exp

    from trustwell.checks.compile import AssetPlan
    from trustwell.checks.run import AssetRun
    from trustwell.config.models import Asset, Project
    from trustwell.engines.base import KeyRange

log = logging.getLogger(__name__)


class PlanCapture:
    """What each asset of one run planned, when it can be replayed (None when it cannot)."""

    def __init__(self, root: Path) -> None:
        """Made before the project in ``root`` is loaded: its files are hashed now."""
        self.assets: dict[str, kept.AssetPlan | None] = {}
        self.sources = kept.sources(root.resolve())

    def asset(
        self,
        run: AssetRun,
        relation: exp.Expr,
        plan: AssetPlan,
        bitmaps: dict[str, KeyRange],
        replayable: bool,
    ) -> None:
        """Told by :func:`~trustwell.checks.run.check_asset` once the asset's checks are judged."""
        self.assets[run.asset.name] = (
            _asset_plan(run, relation, plan, bitmaps) if replayable else None
        )

    def save(
        self, project: Project, selected: Sequence[Asset], names: list[str], tags: list[str]
    ) -> None:
        """Write the plan of this selection, or remove a stale one when it cannot be replayed."""
        path = kept.plan_file(project.root, names, tags)
        try:
            found = self._plan(project, selected)
            if found is None:
                path.unlink(missing_ok=True)
            else:
                kept.write(path, found)
        except (OSError, TypeError, ValueError) as exc:  # only saves time: never fails a run
            log.debug("quick run plan not kept: %s", exc)

    def _plan(self, project: Project, selected: Sequence[Asset]) -> kept.Plan | None:
        import duckdb

        from trustwell.config.models import DuckDBWarehouse
        from trustwell.engines import duckdb_options, warehouse_files
        from trustwell.store.database import resolve_url
        from trustwell.store.migrate import SCHEMA_HEAD

        assets = [self.assets.get(a.name) for a in selected]
        if not assets or any(a is None for a in assets):
            return None
        if project.settings.openlineage is not None:
            return None
        if any(a.use_cases or a.slos for a in project.assets):
            return None  # a healthy run re-evaluates certifications and SLOs
        url = resolve_url(project.settings.store, project.root)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        digest = kept.with_duckdb(self.sources, duckdb.__version__)
        if digest is None:
            return None
        warehouses = {}
        for asset, planned in zip(selected, assets, strict=True):
            assert planned is not None
            name = project.warehouse_of(asset)
            config = project.settings.warehouses[name]
            if not isinstance(config, DuckDBWarehouse):
                return None
            planned.warehouse = name
            warehouses[name] = duckdb_options(config, project.root, warehouse_files(project, name))
        return kept.Plan(
            digest=digest,
            project=project.settings.name,
            store=str(Path(url.database).resolve()),
            schema=SCHEMA_HEAD,
            warehouses=warehouses,
            assets=[a for a in assets if a is not None],
        )


def _asset_plan(
    run: AssetRun, relation: exp.Expr, plan: AssetPlan, bitmaps: dict[str, KeyRange]
) -> kept.AssetPlan | None:
    from trustwell.checks.bitmap_distinct import padded
    from trustwell.checks.registry import type_of, unit_for, unit_of
    from trustwell.engines.duckdb import DuckDBEngine
    from trustwell.engines.duckdb_stats import probes

    engine = run.engine
    if type(engine) is not DuckDBEngine or run.incremental is not None:
        return None
    if not (plan.statements or plan.described):
        return None
    if any(s.kind == "grouped" for s in plan.statements):
        return None
    checks = []
    for check in run.asset.checks:
        spec = type_of(check).judge_spec(check)
        if spec is None:
            return None
        checks.append(
            kept.Check(
                name=check.display_name,
                type=check.type,
                spec=spec,
                threshold=check.threshold(),
                unit=unit_of(check),
                shown_unit=unit_for(check.type, check)[0],
                definition=check.model_dump(mode="json", exclude_none=True),
                warn_details=type_of(check).warn_details,
            )
        )
    statements = [
        kept.Statement(
            engine.render(s.query),
            {output: [[c, m] for c, m in served] for output, served in s.columns.items()},
            s.kind,
        )
        for s in plan.statements
    ]
    guards = []
    if bitmaps:
        columns = sorted(bitmaps)
        found = probes(relation, columns)
        bounds = {c: padded(bitmaps[c]) for c in columns}
        if found is None or any(b is None for b in bounds.values()):
            return None
        exact = {c: [b[0], b[1]] for c, b in bounds.items() if b is not None}
        guards.append(kept.Guard(found[0], found[1], columns, exact))
    return kept.AssetPlan(
        name=run.asset.name,
        warehouse="",  # set by PlanCapture.save, which knows the project
        timezone=run.timezone,
        statements=statements,
        checks=checks,
        guards=guards,
        describe=engine.describe_statement(relation) if plan.described else None,
        described=[[n.check, n.metric] for n in plan.described],
    )
