"""``trustwell lineage ASSET --upstream|--downstream [--depth N] [--format json]``.

``trustwell lineage ingest FILE|DIR`` stores the OpenLineage events of NDJSON
files (``integrations/openlineage_in/files.py``).

``lineage`` is a group so that its subcommands (``lineage ingest``,
``lineage import-dbt``) sit beside the graph view: a first argument that is
no subcommand's name is an asset, shown by ``lineage show`` (an asset named
like a subcommand is reached with ``trustwell lineage show NAME``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from trustwell.cli.common import (
    EXIT_INVALID,
    OutputFormat,
    ProjectOption,
    actor_name,
    fail_invalid,
    load_project_or_exit,
    print_error,
)
from trustwell.cli.import_cmds import dbt_command

_HELP = ("--help", "-h")


class LineageGroup(TyperGroup):
    """A group whose first argument, when it names no subcommand, goes to ``show``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in _HELP:
            args = ["show", *args]
        return super().parse_args(ctx, args)


def register(app: typer.Typer) -> None:
    """Add ``trustwell lineage`` (and ``lineage show``) to the app."""
    group = typer.Typer(
        name="lineage",
        cls=LineageGroup,
        help="Lineage: what an asset is built from, and what is built from it.",
        no_args_is_help=True,
    )
    group.command("show")(show_command)
    group.command("ingest")(ingest_command)
    # The same command as `trustwell import dbt`, where lineage users look for it.
    group.command("import-dbt")(dbt_command)
    app.add_typer(group)


def show_command(
    asset: Annotated[str, typer.Argument(help="The asset whose lineage to show.")],
    upstream: Annotated[
        bool, typer.Option("--upstream", help="What the asset is built from.")
    ] = False,
    downstream: Annotated[
        bool, typer.Option("--downstream", help="What is built from the asset.")
    ] = False,
    depth: Annotated[
        int | None, typer.Option("--depth", "-d", min=1, help="At most this many hops (all).")
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Show the nodes upstream or downstream of ASSET, with hop distance, state and origins."""
    from trustwell.lineage.report import lineage_document
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    if upstream == downstream:
        raise fail_invalid("error: give exactly one of --upstream or --downstream")
    store = open_store(loaded.settings.store, loaded.root, writable=False)
    try:
        direction = "upstream" if upstream else "downstream"
        document = lineage_document(store, loaded, asset, direction, depth)
    finally:
        store.close()
    if format is OutputFormat.json:
        typer.echo(json.dumps(document, indent=2))
    else:
        typer.echo(lineage_text(document))


def ingest_command(
    path: Annotated[
        Path, typer.Argument(help="An NDJSON file of OpenLineage events, or a folder of them.")
    ],
    as_: Annotated[
        str | None, typer.Option("--as", help="Who ingests (default: TRUSTWELL_USER).")
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    project: Path = ProjectOption,
) -> None:
    """Store the OpenLineage events the client's file transport wrote (one per line), each once.

    A bad line is reported (FILE line N: reason) and skipped; the rest are
    stored, and the exit code is 2. Ingesting the same file again stores
    nothing twice.
    """
    from trustwell.errors import TrustwellError
    from trustwell.integrations.openlineage_in.files import ingest_files
    from trustwell.store import open_store

    loaded = load_project_or_exit(project)
    store = open_store(loaded.settings.store, loaded.root)
    try:
        done = ingest_files(loaded, store, path, actor=actor_name(as_))
    except TrustwellError as exc:
        raise fail_invalid(f"error: {exc}") from None
    finally:
        store.close()
    for problem in done.problems:
        print_error(f"error: {problem}")
    summary = done.summary
    if format is OutputFormat.json:
        document = summary.as_dict() | {
            "files": [str(f) for f in done.files],
            "bad_lines": len(done.problems),
        }
        typer.echo(json.dumps(document, indent=2))
    else:
        files = len(done.files)
        typer.echo(
            f"{summary.received} events in {files} file{'s' * (files != 1)}: "
            f"{summary.stored} stored, {summary.duplicates} already stored, "
            f"{len(done.problems)} bad; {summary.results} results"
            + (f", {summary.unmapped} of datasets that are no asset" if summary.unmapped else "")
        )
        for incident in summary.incidents:
            typer.echo(f"{incident['id']} {incident['action']} ({incident['severity']})")
    if done.problems:
        raise typer.Exit(EXIT_INVALID)


def lineage_text(document: dict[str, Any]) -> str:
    """The text of ``trustwell lineage``: one line per node, nearest first.

    >>> print(lineage_text(document))
    marts.kpi, upstream:
      1  raw.feed  trusted  tier 3  data-platform  via yaml
    """
    by_node: dict[str, list[str]] = {}
    upstream = document["direction"] == "upstream"
    for edge in document["edges"]:
        # The edge that brought the walk to the node: into it going down, out of it going up.
        node = edge["upstream"] if upstream else edge["downstream"]
        by_node.setdefault(node, []).extend(edge["origins"])
    lines = [f"{document['asset']}, {document['direction']}:"]
    rows = [n for n in document["nodes"] if n["distance"] > 0]
    if not rows:
        lines.append(f"  nothing {document['direction']}")
    width = max((len(n["name"]) for n in rows), default=0)
    for node in rows:
        origins = ", ".join(sorted(set(by_node.get(node["name"], []))))
        if node["lineage_only"]:
            facts = "lineage-only dataset"
        else:
            facts = f"{node['state']}  tier {node['tier']}  {node['owner'] or 'no owner'}"
        lines.append(f"  {node['distance']}  {node['name']:<{width}}  {facts}  via {origins}")
    return "\n".join(lines)
