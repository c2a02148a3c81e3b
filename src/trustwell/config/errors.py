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


def nearest_names_hint(name: str, candidates: Iterable[str], *, shown: int = 10) -> str:
    """For a name given on the command line: the close valid names, else the valid names.

    Unlike a key in a file, a misspelt ``--asset`` or ``--check`` may be far
    from every valid one; the user then learns which names there are.

    >>> nearest_names_hint("not_nul", ["not_null:a", "not_null:b", "row_count"])
    ": did you mean 'not_null:a' or 'not_null:b'?"
    >>> nearest_names_hint("zzz", ["orders", "customers"])
    ': valid names are customers, orders'
    """
    valid = sorted(set(candidates))
    scored = sorted((-difflib.SequenceMatcher(None, c, name).ratio(), c) for c in valid)
    # As close as did_you_mean's one match, and about as close as the best: a
    # near-tie is worth listing, a distant second guess is noise.
    best = -scored[0][0] if scored else 0.0
    close = [c for score, c in scored[:3] if -score >= max(0.6, best - 0.1)]
    if close:
        quoted = [f"'{c}'" for c in close]
        listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
        return f": did you mean {listed}?"
    if not valid:
        return ": there are none"
    more = f" and {len(valid) - shown} more" if len(valid) > shown else ""
    return f": valid names are {', '.join(valid[:shown])}{more}"


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
