"""Reading a tool's JSON document, with errors that name the file and the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trustwell.errors import Invalid

#: Larger than any suite or validation result we have seen; a bigger file is refused
#: before it is read (a checkpoint result with full unexpected lists stays far below).
MAX_BYTES = 64 * 1024 * 1024


class DocumentError(Invalid):
    """The file cannot be read as a JSON document (exit code 2): ``FILE …: what``."""


def read_json(path: Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """The parsed JSON of ``path``; :class:`DocumentError` naming file, line and column.

    A file larger than ``max_bytes`` is refused before it is read.
    """
    try:
        if path.stat().st_size > max_bytes:
            raise DocumentError(f"{path}: larger than {max_bytes // 1024 // 1024} MB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DocumentError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{path} line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}"
        ) from None
