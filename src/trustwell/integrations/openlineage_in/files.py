"""Reading the NDJSON the OpenLineage client's file transport writes: one event a line.

``trustwell lineage ingest FILE|DIR`` reads a file, or every file of a folder
(not its subfolders, hidden files skipped, in name order): the transport writes
one file in ``append`` mode, else one ``…-TIME.json`` file per event. A bad line
(not JSON, not an event) is reported as ``FILE line N: reason`` and skipped;
the good lines are stored, each once however often the files are ingested, so
a file can be ingested again after its bad lines are fixed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trustwell.errors import Invalid
from trustwell.integrations.openlineage_in.ingest import (
    IngestSummary,
    ingest_events,
    parse_documents,
)
from trustwell.integrations.openlineage_in.parse import InvalidEvent, ParsedEvent
from trustwell.lineage.naming import AssetIndex

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

__all__ = ["FileIngest", "NoEventFiles", "event_files", "ingest_files"]

#: A line longer than this is refused (an event with every facet stays far below).
MAX_LINE_BYTES = 16 * 1024 * 1024


class NoEventFiles(Invalid):
    """The path is no file, or a folder without files (exit code 2)."""


@dataclass
class FileIngest:
    """What ``lineage ingest`` did: the summary, the files read and each bad line."""

    summary: IngestSummary
    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def event_files(path: Path) -> list[Path]:
    """``path`` itself, or the visible files directly in the folder ``path``, by name."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise NoEventFiles(f"{path}: no such file or folder")
    found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    if not found:
        raise NoEventFiles(f"{path}: the folder holds no event file")
    return found


def ingest_files(
    project: Project, store: Store, path: Path, *, actor: str | None = None
) -> FileIngest:
    """Store the events of every line of the files at ``path``; bad lines are reported."""
    files = event_files(path)
    index = AssetIndex.from_assets(project.assets)  # once, not once per line
    result = FileIngest(IngestSummary(), files)
    events: list[ParsedEvent] = []
    for file in files:
        for label, text in _lines(file, result.problems):
            try:
                document = json.loads(text)
            except RecursionError:
                result.problems.append(f"{label}nests deeper than trustwell reads")
                continue
            except json.JSONDecodeError as exc:
                result.problems.append(f"{label}not valid JSON: {exc.msg} (column {exc.colno})")
                continue
            try:
                events.extend(parse_documents(project, [document], where=[label], index=index))
            except InvalidEvent as exc:
                result.problems.append(str(exc))
    if events:
        result.summary = ingest_events(project, store, events, actor=actor)
    result.summary.received = len(events) + len(result.problems)
    return result


def _lines(file: Path, problems: list[str]) -> Iterator[tuple[str, str]]:
    """``(label, text)`` of each non-blank line; unreadable lines go to ``problems``."""
    try:
        handle = file.open("rb")
    except OSError as exc:
        problems.append(f"{file}: cannot be read: {exc.strerror}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            label = f"{file} line {number}: "
            if len(raw) > MAX_LINE_BYTES:
                problems.append(f"{label}longer than {MAX_LINE_BYTES // 1024**2} MiB")
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"{label}not UTF-8 text")
                continue
            if text.strip():
                yield label, text
