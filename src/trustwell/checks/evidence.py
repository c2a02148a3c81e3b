"""A result's evidence as plain text: its threshold and its sample rows.

Shared by the text report of ``trustwell run`` and the JUnit report, so a CI
log and a terminal show the same thing. Pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any


def threshold_text(threshold: Mapping[str, Any]) -> str:
    """``{"min": 1.0, "max": 500}`` -> ``min 1, max 500``."""
    return ", ".join(f"{key} {_cell(value)}" for key, value in threshold.items())


def sample_table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Sample rows as aligned columns under a header (values as stored: PII masked)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    table = [columns, *cells]
    return ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in table]


def one_line(text: str) -> str:
    """A database message may span lines: one line per check keeps the list a list."""
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return one_line(value) if "\n" in value else value
    if isinstance(value, bool | int | float):
        return str(value)
    return json.dumps(value, default=str)
