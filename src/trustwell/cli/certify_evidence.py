"""``trustwell certify ASSET --evidence DIR [--window 90d]``: write an evidence pack (SPEC 5).

:func:`evidence_request` checks the options before anything is evaluated (exit
2 with a clear message); :func:`write_evidence` builds the pack through
:func:`trustwell.certification.evidence_pack.build_pack` and writes
``DIR/evidence.json`` and ``DIR/evidence.html``, the page showing the SHA-256
of the JSON bytes. Each file is written whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from trustwell.cli.common import fail_invalid

if TYPE_CHECKING:
    from trustwell.config.models import Project
    from trustwell.store import Store

JSON_NAME = "evidence.json"
HTML_NAME = "evidence.html"
DEFAULT_WINDOW = "90d"


@dataclass(frozen=True)
class EvidenceRequest:
    """What ``--evidence`` asked for, checked: the asset, where to write, over how long."""

    asset: str
    directory: Path
    span: timedelta


def evidence_request(
    asset: str | None, directory: Path | None, window: str | None
) -> EvidenceRequest | None:
    """The checked request (None without ``--evidence``); exit 2 on anything wrong.

    Wrong is: ``--window`` without ``--evidence``, no asset, a window that is no
    duration, or a file where the directory should be.
    """
    from trustwell.durations import parse_duration

    if directory is None:
        if window is not None:
            raise fail_invalid("error: --window is the evidence pack's window: add --evidence DIR")
        return None
    if asset is None:
        raise fail_invalid(
            "error: --evidence needs an asset: trustwell certify ASSET --evidence DIR"
        )
    try:
        span = parse_duration(window or DEFAULT_WINDOW)
    except ValueError as exc:
        raise fail_invalid(f"error: --window {exc}") from None
    if directory.exists() and not directory.is_dir():
        raise fail_invalid(f"error: --evidence {directory} is a file, not a directory")
    return EvidenceRequest(asset=asset, directory=directory, span=span)


def write_evidence(store: Store, project: Project, request: EvidenceRequest) -> tuple[Path, Path]:
    """Write the pack of ``request`` and say where (on stderr: stdout stays the report)."""
    import json

    from trustwell.certification.evidence_html import render_html, sha256_hex
    from trustwell.certification.evidence_pack import build_pack

    pack = build_pack(store, project, request.asset, request.span)
    data = (json.dumps(pack, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    digest = sha256_hex(data)
    try:
        request.directory.mkdir(parents=True, exist_ok=True)
        json_path = _write(request.directory / JSON_NAME, data)
        html_path = _write(request.directory / HTML_NAME, render_html(pack, digest).encode())
    except OSError as exc:
        where = request.directory
        raise fail_invalid(f"error: cannot write the evidence pack to {where}: {exc}") from None
    typer.echo(f"evidence pack written: {json_path} (SHA-256 {digest}), {html_path}", err=True)
    return json_path, html_path


def _write(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then put it in place."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)
    return path
