"""Runbooks: Markdown files with YAML front matter that say what they are for.

A runbook lives in the project's ``runbooks/*.md`` (``trustwell init`` writes
six). Its front matter declares when it applies::

    ---
    id: third-party-api-failure      # default: the file name without .md
    title: Third-Party API Failure
    checks: [freshness, row_count]   # check types it is for (none: any)
    assets: ["raw.*"]                # asset-name globs ...
    tags: [third-party]              # ... or asset tags (none of both: any asset)
    severity: SEV-2                  # optional: the severity it usually comes with
    ---

Its fenced ``sql`` blocks are diagnostics, run by
:mod:`trustwell.incidents.diagnostics`. This module is pure: it reads files
and ranks runbooks, it runs nothing.

**Matching** (:func:`match_runbook`). Declared ``checks`` are a filter when the
check type is known; declared ``assets``/``tags`` are a filter together (the
asset matches one of the globs *or* carries one of the tags). Among the
runbooks that pass, the score is 4 for a matching check type, +3 for a
matching tag, +2 for a matching asset glob. A runbook with a score of 0 is
only chosen when it declares nothing at all (a catch-all). Ties go to the
most specific matching glob (most non-wildcard characters), then to the
smallest id.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustwell.config.errors import Problem, ProjectError, did_you_mean

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project

RUNBOOK_KEYS = ("id", "title", "checks", "assets", "tags", "severity")
_SQL_BLOCK = re.compile(r"^```sql[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class Runbook:
    """One runbook: its front matter, its Markdown body and where it came from."""

    id: str
    title: str
    checks: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    severity: str | None = None
    body: str = ""
    path: Path | None = None

    @property
    def sql_blocks(self) -> list[tuple[str, str]]:
        """``(title, sql)`` of each fenced ``sql`` block; the title is the nearest heading above."""
        blocks = []
        for number, match in enumerate(_SQL_BLOCK.finditer(self.body), start=1):
            headings = _HEADING.findall(self.body, 0, match.start())
            title = headings[-1] if headings else f"step {number}"
            blocks.append((title, match.group(1).strip().rstrip(";").strip()))
        return blocks

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "checks": list(self.checks),
            "assets": list(self.assets),
            "tags": list(self.tags),
            "severity": self.severity,
            "path": self.path.as_posix() if self.path else None,
            "diagnostics": len(self.sql_blocks),
        }


# --- loading -----------------------------------------------------------------------


def shipped_runbooks_folder() -> Path:
    """The runbooks that ship with trustwell (what ``trustwell init`` copies)."""
    return Path(__file__).resolve().parent.parent / "runbooks"


def load_runbooks(project: Project) -> list[Runbook]:
    """The project's ``runbooks/*.md``, sorted by id.

    A project without a ``runbooks/`` folder gets the shipped runbooks. Every
    problem in every file is reported at once as a :class:`ProjectError` with
    file and line.

    >>> [r.id for r in load_runbooks(project)]          # doctest: +SKIP
    ['distribution-drift', 'duplicate-records', 'schema-change', ...]
    """
    folder = project.root / "runbooks"
    if not folder.is_dir():
        return load_runbooks_from(shipped_runbooks_folder(), label_root=None)
    return load_runbooks_from(folder, label_root=project.root)


def load_runbooks_from(folder: Path, *, label_root: Path | None = None) -> list[Runbook]:
    """Every ``*.md`` in ``folder`` (files named in errors relative to ``label_root``)."""
    problems: list[Problem] = []
    found: dict[str, Runbook] = {}
    for path in sorted(folder.glob("*.md")):
        label = path.relative_to(label_root).as_posix() if label_root else path.name
        runbook = parse_runbook(path.read_text(encoding="utf-8"), path, label, problems)
        if runbook is None:
            continue
        if runbook.id in found:
            other = found[runbook.id].path
            where = other.name if other else "another file"
            problems.append(Problem(label, 2, f"runbook id '{runbook.id}' is also used by {where}"))
            continue
        found[runbook.id] = runbook
    if problems:
        raise ProjectError(problems)
    return sorted(found.values(), key=lambda r: r.id)


def parse_runbook(
    text: str, path: Path | None, label: str, problems: list[Problem]
) -> Runbook | None:
    """Parse one runbook file; append problems (file and line) and return None if invalid."""
    import yaml

    from trustwell.checks.spec import CHECK_TYPES, LATER_TYPES
    from trustwell.incidents.model import SEVERITIES

    known_checks = (*CHECK_TYPES, *LATER_TYPES)

    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(label, 1, "a runbook must start with '---' and YAML front matter"))
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(Problem(label, 1, "the front matter is not closed with a '---' line"))
        return None
    front = "".join(lines[1:end])
    from trustwell.config.yaml_limits import BoundedLoader

    try:  # bounded as every project file: no alias bomb, no RecursionError
        node = yaml.compose(front, Loader=BoundedLoader)
        data = yaml.load(front, Loader=BoundedLoader) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 2 if mark else 1
        problems.append(Problem(label, line, f"invalid YAML in the front matter: {exc.problem}"))
        return None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        problems.append(Problem(label, 2, "the front matter must be a mapping (key: value)"))
        return None
    key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    before = len(problems)

    def problem(key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(label, key_lines.get(key, 2), message, hint))

    for key in data:
        if key not in RUNBOOK_KEYS:
            problem(str(key), f"unknown key '{key}'", did_you_mean(str(key), RUNBOOK_KEYS))

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problem(key, f"{key} must be a list of strings")
            return ()
        return tuple(value)

    stem = path.stem if path else label.rsplit("/", 1)[-1].removesuffix(".md")
    runbook_id = data.get("id", stem)
    if not isinstance(runbook_id, str) or not _ID.match(runbook_id):
        problem("id", f"id must be lower-case letters, digits, '-' or '_', got {runbook_id!r}")
    checks = strings("checks")
    for check in checks:
        if check not in known_checks:
            problem("checks", f"unknown check type '{check}'", did_you_mean(check, known_checks))
    severity = data.get("severity")
    if severity is not None and severity not in SEVERITIES:
        problem("severity", f"severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    body = "".join(lines[end + 1 :])
    headings = _HEADING.findall(body)
    title = data.get("title", headings[0] if headings else stem)
    if not isinstance(title, str):
        problem("title", "title must be a string")
    runbook = Runbook(
        id=str(runbook_id),
        title=str(title),
        checks=checks,
        assets=strings("assets"),
        tags=strings("tags"),
        severity=severity if isinstance(severity, str) else None,
        body=body,
        path=path,
    )
    problems[before:] = sorted(problems[before:], key=lambda p: p.line or 0)
    return runbook if len(problems) == before else None


def get_runbook(runbooks: Sequence[Runbook], runbook_id: str) -> Runbook | None:
    """The runbook with this id, or None."""
    return next((r for r in runbooks if r.id == runbook_id), None)


# --- matching ----------------------------------------------------------------------


def runbook_score(
    runbook: Runbook, asset: Asset, check_type: str | None, tags: Iterable[str] = ()
) -> tuple[int, int] | None:
    """``(score, glob specificity)`` of a runbook for a failure, or None if it does not apply.

    See the module docstring for the rules.
    """
    score = 0
    if runbook.checks and check_type is not None:
        if check_type not in runbook.checks:
            return None
        score += 4
    asset_tags = {*asset.tags, *tags}
    tag_hit = bool(asset_tags & set(runbook.tags))
    globs = [g for g in runbook.assets if fnmatch.fnmatchcase(asset.name, g)]
    if (runbook.assets or runbook.tags) and not (tag_hit or globs):
        return None
    score += 3 * tag_hit + 2 * bool(globs)
    declares_nothing = not (runbook.checks or runbook.assets or runbook.tags)
    if score == 0 and not declares_nothing:
        return None
    specificity = max((len(re.sub(r"[*?\[\]]", "", g)) for g in globs), default=0)
    return score, specificity


def match_runbook(
    runbooks: Iterable[Runbook], asset: Asset, check_type: str | None, tags: Iterable[str] = ()
) -> Runbook | None:
    """The runbook that fits a failure best, or None.

    >>> match_runbook(runbooks, project.asset("raw.ad_spend"), "freshness", ())  # doctest: +SKIP
    Runbook(id='third-party-api-failure', ...)
    """
    extra = tuple(tags)
    ranked = []
    for runbook in runbooks:
        scored = runbook_score(runbook, asset, check_type, extra)
        if scored is not None:
            ranked.append((-scored[0], -scored[1], runbook.id, runbook))
    return min(ranked, key=lambda r: r[:3])[3] if ranked else None
