"""``trustwell certify``: each asset's state per use case, and why (SPEC 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from trustwell.cli.certify_evidence import evidence_request, write_evidence
from trustwell.cli.common import OutputFormat, ProjectOption, fail_invalid, load_project_or_exit

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store


def register(app: typer.Typer) -> None:
    """Add ``trustwell certify`` to the app."""
    app.command("certify")(certify_command)


def certify_command(
    asset: Annotated[str | None, typer.Argument(help="One asset (default: every asset).")] = None,
    use_case: Annotated[str | None, typer.Option("--use-case", help="Only this use case.")] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Each requirement, its verdict and evidence.")
    ] = False,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    evidence: Annotated[
        Path | None,
        typer.Option("--evidence", metavar="DIR", help="Write ASSET's evidence pack into DIR."),
    ] = None,
    window: Annotated[
        str | None, typer.Option("--window", help="The pack's window, ending now [90d].")
    ] = None,
    project: Path = ProjectOption,
) -> None:
    """Evaluate and show certification: asset, use case, state, since, reasons.

    ``--format json`` prints the trust document of SPEC 5 (badge, reason, use
    cases, score and SLOs): one for ASSET, else a list of every asset's.
    """
    from rich.console import Console
    from rich.table import Table

    from trustwell.certification.service import current, evaluate
    from trustwell.clock import isoformat
    from trustwell.config.errors import did_you_mean
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    names = [a.name for a in loaded.assets]
    if asset is not None and asset not in names:
        raise fail_invalid(f"error: unknown asset '{asset}'{did_you_mean(asset, names)}")
    cases = list(loaded.settings.use_cases)
    if use_case is not None and use_case not in cases:
        raise fail_invalid(f"error: unknown use case '{use_case}'{did_you_mean(use_case, cases)}")
    pack = evidence_request(asset, evidence, window)  # None without --evidence
    store = open_store(loaded.settings.store, loaded.root)
    try:
        if format is OutputFormat.json:
            documents = _documents(store, loaded, asset, use_case)  # evaluates first
            if pack is not None:
                write_evidence(store, loaded, pack)
            typer.echo(json.dumps(documents, indent=2))
            return
        evaluate(store, loaded, [asset] if asset else None)
        if pack is not None:
            write_evidence(store, loaded, pack)
        decisions = [
            d for d in current(store, loaded, asset) if use_case is None or d.use_case == use_case
        ]
    finally:
        store.close()
    console = Console()
    table = Table("asset", "use case", "state", "since", "reasons")
    for d in decisions:
        table.add_row(d.asset, d.use_case, d.state, isoformat(d.since), "\n".join(d.reasons))
    console.print(table)
    if explain:
        for d in decisions:
            console.print(f"\n[bold]{d.asset}[/bold] for {d.use_case}: {d.state}")
            for o in d.outcomes:
                console.print(f"  {o['requirement']}: {o['verdict']} ({o['detail']})")


def _documents(store: Store, project: Project, asset: str | None, use_case: str | None) -> Any:
    """The trust document of ``asset``; without one, a list of every asset's (SPEC 5).

    With ``use_case`` and no asset, only the assets that take part in it are listed.
    """
    from trustwell.certification.trust import trust_document, trust_documents
    from trustwell.clock import now

    if asset is not None:
        return trust_document(store, project, asset, now(), use_case)
    names = [a.name for a in project.assets if use_case is None or use_case in a.use_cases]
    return trust_documents(store, project, names, now(), use_case)
