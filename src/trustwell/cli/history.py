"""``trustwell history ASSET``: the stored results of an asset's checks, newest first,
and the changes of its certification (SPEC 5: every change is on the asset's history).

The text shows the results, then a "certification" table of the stored
decisions, newest first. ``--format json`` stays the list of result objects;
with ``--certification`` it is ``{"results": [...], "certification": [...]}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustwell.cli.common import (
    OutputFormat,
    ProjectOption,
    fail_invalid,
    load_project_or_exit,
)

if TYPE_CHECKING:
    from rich.console import Console

    from trustwell.certification.service import StoredDecision
    from trustwell.store.service import HistoryEntry


def register(app: typer.Typer) -> None:
    """Add ``trustwell history`` to the app."""
    app.command("history")(history_command)


def history_command(
    asset: Annotated[str, typer.Argument(help="The asset whose results to show.")],
    check: Annotated[
        str | None, typer.Option("--check", "-c", help="Only this check (its name).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="How many results at most.")
    ] = 50,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    certification: Annotated[
        bool,
        typer.Option(
            "--certification",
            help='JSON: {"results": [...], "certification": [...]}, not the list of results.',
        ),
    ] = False,
    project: Path = ProjectOption,
) -> None:
    """Show the stored results of an asset's checks and its certification changes, newest first."""
    from trustwell.certification.service import history as certification_history
    from trustwell.config.errors import nearest_names_hint
    from trustwell.store import history, open_store

    loaded = load_project_or_exit(project)
    declared = loaded.asset(asset)
    if declared is None:
        names = [a.name for a in loaded.assets]
        raise fail_invalid(f"error: unknown asset '{asset}'{nearest_names_hint(asset, names)}")
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        entries = history(store, asset, check=check, limit=limit)
        changes = [] if check else certification_history(store, loaded, asset, limit=limit)
    finally:
        store.close()
    if check is not None and not entries:
        # A check renamed or removed keeps its history; only a name never seen is an error.
        known = [c.display_name for c in declared.checks]
        if check not in known:
            hint = nearest_names_hint(check, known)
            raise fail_invalid(f"error: unknown check '{check}' on asset '{asset}'{hint}")
    if format is OutputFormat.json:
        typer.echo(history_json(entries, changes if certification else None))
    else:
        from rich.console import Console

        console = Console(highlight=False)
        print_history(entries, console, asset=asset, check=check)
        if check is None and (changes or declared.use_cases):
            print_certification(changes, console, asset=asset)


def history_json(
    entries: Sequence[HistoryEntry], changes: Sequence[StoredDecision] | None = None
) -> str:
    """The JSON document of ``--format json``: a list of result objects, newest first.

    With ``changes`` (``--certification``): ``{"results": [...], "certification":
    [...]}``, the same result objects and the certification changes, newest first.

    >>> history_json([])
    '[]'
    >>> history_json([], [])
    '{\\n  "results": [],\\n  "certification": []\\n}'
    """
    results = [entry.to_json() for entry in entries]
    if changes is None:
        return json.dumps(results, indent=2)
    document = {"results": results, "certification": [decision_json(d) for d in changes]}
    return json.dumps(document, indent=2)


def decision_json(decision: StoredDecision) -> dict[str, object]:
    """One certification change: ``{"id", "use_case", "state", "since", "decided_at",
    "reasons", "missing", "run_ids", "incident_ids", "rule_version"}`` (times in UTC)."""
    from trustwell.clock import isoformat

    return {
        "id": decision.id,
        "use_case": decision.use_case,
        "state": decision.state,
        "since": isoformat(decision.since),
        "decided_at": isoformat(decision.decided_at),
        "reasons": list(decision.reasons),
        "missing": list(decision.missing),
        "run_ids": list(decision.run_ids),
        "incident_ids": list(decision.incident_ids),
        "rule_version": decision.rule_version,
    }


def print_history(
    entries: Sequence[HistoryEntry], console: Console, *, asset: str, check: str | None = None
) -> None:
    """Print the results as a table (time, check, status, value, message)."""
    from rich.table import Table

    from trustwell.cli.output import STYLES
    from trustwell.clock import isoformat

    subject = asset if check is None else f"{asset} {check}"
    if not entries:
        console.print(f"no results stored for {subject} yet", markup=False)
        return
    table = Table(title=f"history of {subject}", title_justify="left")
    for column in ("time", "check", "status", "value", "message"):
        table.add_column(column, overflow="fold", no_wrap=column == "time")
    for entry in entries:
        value = "" if entry.value is None else f"{entry.value:,.6g}"
        style = STYLES.get(entry.status, "")
        table.add_row(
            isoformat(entry.executed_at),
            entry.check,
            f"[{style}]{entry.status}[/]" if style else entry.status,
            value,
            entry.message,
        )
    console.print(table)


#: How each certification state is shown.
STATE_STYLES = {
    "certified": "green",
    "at_risk": "yellow",
    "revoked": "bold red",
    "uncertified": "dim",
}


def print_certification(changes: Sequence[StoredDecision], console: Console, *, asset: str) -> None:
    """Print the certification changes as a table (time, use case, state, since, reasons)."""
    from rich.markup import escape
    from rich.table import Table

    from trustwell.clock import isoformat

    if not changes:
        console.print(f"no certification decided for {asset} yet", markup=False)
        return
    table = Table(title=f"certification of {asset}", title_justify="left")
    for column in ("time", "use case", "state", "since", "reasons"):
        table.add_column(column, overflow="fold", no_wrap=column in ("time", "state", "since"))
    for d in changes:
        style = STATE_STYLES.get(d.state, "")
        table.add_row(
            isoformat(d.decided_at),
            escape(d.use_case),
            f"[{style}]{d.state}[/]" if style else d.state,
            isoformat(d.since),
            escape("\n".join(d.reasons)),
        )
    console.print(table)
