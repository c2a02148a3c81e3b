"""``trustwell import dbt``: a manifest (and run results) into the project and the store.

In order, so that a bad file records nothing: both artifacts are read and
checked; ``assets/dbt.yml`` is written and the project loaded again (a file
that would not load is put back as it was); the results are checked against
the new project; then the edges are stored (origin ``dbt``) and the results
recorded through :func:`record_external` (origin ``dbt``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trustwell import clock
from trustwell.errors import Invalid
from trustwell.integrations.dbt.manifest import Manifest, read_manifest
from trustwell.integrations.dbt.project_file import FILE, Declared, render
from trustwell.integrations.dbt.run_results import read_run_results, results_for_tests
from trustwell.integrations.external import check_results, record_external
from trustwell.integrations.jsonfile import read_json
from trustwell.integrations.results import ExternalResult

if TYPE_CHECKING:
    import sqlalchemy as sa

    from trustwell.checks.result import RunReport
    from trustwell.config.models import Project
    from trustwell.lineage.model import JobRef
    from trustwell.store import Store

#: The namespace of the lineage datasets and job a dbt project reports.
NAMESPACE = "dbt"
#: The manifest of a dbt project with thousands of models runs to a few hundred MB
#: (every node's compiled SQL is in it); a larger file is refused before it is read.
MAX_MANIFEST_BYTES = 512 * 1024 * 1024


class DbtProjectFileError(Invalid):
    """The generated asset file would not load; it was left as it was (exit code 2)."""


@dataclass
class DbtImport:
    """What one import did: the file, the assets in it, the edges, the run, the notes."""

    file: Path
    assets: list[str]
    edges: int
    report: RunReport | None = None
    notes: list[str] = field(default_factory=list)


def import_dbt(
    project: Project,
    store: Store,
    manifest_path: Path,
    run_results_path: Path | None = None,
    *,
    warehouse: str | None = None,
    actor: str | None = None,
) -> DbtImport:
    """Import ``manifest_path`` (and ``run_results_path``); returns what was done.

    >>> done = import_dbt(project, store, Path("target/manifest.json"))
    >>> done.file
    PosixPath('…/assets/dbt.yml')
    """
    from trustwell.config.errors import nearest_names_hint

    data = read_json(manifest_path, max_bytes=MAX_MANIFEST_BYTES)
    manifest = read_manifest(data, str(manifest_path))
    run = None
    if run_results_path is not None:
        run = read_run_results(read_json(run_results_path), str(run_results_path))
    if warehouse is not None and warehouse not in project.settings.warehouses:
        hint = nearest_names_hint(warehouse, list(project.settings.warehouses))
        raise Invalid(f"unknown warehouse '{warehouse}'{hint}")
    declared = {
        a.name: Declared(located.file, a.owner, a.tier, a.description, tuple(a.consumers))
        for a in project.assets
        if (located := project.asset_files.get(a.name)) is not None and located.file != FILE
    }
    text, notes = render(
        manifest, declared=declared, teams=list(project.settings.teams), warehouse=warehouse
    )
    notes = [*manifest.notes, *notes]
    results: list[ExternalResult] = []
    if run is not None:
        results, left_out = results_for_tests(manifest, run)
        notes.extend(left_out)
    path = project.root / FILE
    reloaded = _write_and_reload(project, path, text, results)
    edges = _record_edges(store, manifest)
    report = record_external(reloaded, store, "dbt", results, actor=actor) if results else None
    names = [a.name for a in manifest.assets if a.name not in declared]
    return DbtImport(path, names, edges, report, notes)


def _write_and_reload(
    project: Project, path: Path, text: str, results: list[ExternalResult]
) -> Project:
    from trustwell.config.errors import ProjectError
    from trustwell.config.loader import load_project

    before = path.read_text(encoding="utf-8") if path.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        reloaded = load_project(project.root)
        if results:
            check_results(reloaded, "dbt", results)
    except (ProjectError, Invalid) as exc:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        if isinstance(exc, ProjectError):
            raise DbtProjectFileError(
                f"{FILE} left as it was: with this manifest it would not load:\n{exc}"
            ) from None
        raise
    return reloaded


def _record_edges(store: Store, manifest: Manifest) -> int:
    """Store the manifest's edges, and forget the ones this dbt project no longer reports."""
    from trustwell.lineage.model import DatasetRef, Edge, JobRef, RunRef
    from trustwell.lineage.records import record_edges

    job = JobRef(NAMESPACE, manifest.project)
    edges = [
        Edge(
            DatasetRef(NAMESPACE, source, asset=source),
            DatasetRef(NAMESPACE, target, asset=target),
            job=job,
        )
        for source, target in manifest.edges
    ]
    run = RunRef(manifest.invocation_id, job, "COMPLETE") if manifest.invocation_id else None
    now = clock.now()

    def work(conn: sa.Connection) -> int:
        written = record_edges(conn, edges, "dbt", run=run, seen=now) if edges else 0
        _forget_stale(conn, job, set(manifest.edges))
        return written

    return store.write(work)


def _forget_stale(conn: sa.Connection, job: JobRef, current: set[tuple[str, str]]) -> None:
    """Delete the dbt edges of ``job`` that are not in ``current`` (a model removed or rewired).

    Only this dbt project's own edges go: OpenLineage's, YAML's and another dbt
    project's reports of the same pair stay.
    """
    import sqlalchemy as sa

    from trustwell.store.lineage_tables import lineage_datasets, lineage_edges, lineage_jobs

    source, target = lineage_datasets.alias("source"), lineage_datasets.alias("target")
    query = (
        sa.select(lineage_edges.c.id, source.c.name, target.c.name.label("target_name"))
        .join(source, source.c.id == lineage_edges.c.source_id)
        .join(target, target.c.id == lineage_edges.c.target_id)
        .join(lineage_jobs, lineage_jobs.c.id == lineage_edges.c.job_id)
        .where(
            lineage_edges.c.origin == "dbt",
            lineage_jobs.c.namespace == job.namespace,
            lineage_jobs.c.name == job.name,
        )
    )
    stale = [row.id for row in conn.execute(query) if (row.name, row.target_name) not in current]
    if stale:
        conn.execute(sa.delete(lineage_edges).where(lineage_edges.c.id.in_(stale)))
