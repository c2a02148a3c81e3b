"""Errors in project files, reported together with file, line and a suggestion."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from trustwell.errors import Misconfigured


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest valid name to a misspelt one, or None if nothing is close."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``": did you mean 'x'?"`` or an empty string."""
    match = nearest(name, candidates)
    return f": did you mean '{match}'?" if match else ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a project file."""

    file: str
    line: int | None
    message: str
    hint: str = ""  # e.g. ": did you mean 'not_null'?", printed after the location
    key: str | None = None  # dotted path of the offending key, e.g. "assets[0].checks[2].type"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} line {self.line}"
        return f"{self.message} in {where}{self.hint}"


class ProjectError(Misconfigured):
    """The project is invalid; every problem found is listed (exit code 2, HTTP 500)."""

    code = "invalid_project"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
