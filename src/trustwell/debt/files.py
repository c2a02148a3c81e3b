"""Hand-written debt: ``debt/*.yml`` in the project folder, read with file:line errors.

Each file holds ``items:``, a list of items such as::

    items:
      - id: orders-backfill
        title: Backfill the 2025 orders with the fixed currency
        asset: raw.orders          # optional; must be an asset of the project
        team: growth               # optional; default the asset's owner
        principal: 3d              # points (person-days): a number, or 4h, 3d, 2w
        interest: 2                # points per week that waiting costs
        due: 2026-12-15
        notes: Finance reconciles by hand until this is done.

Files are read with the project's YAML limits and line numbers
(:mod:`trustwell.config.documents`); every problem of every file is raised
together as one :class:`~trustwell.config.errors.ProjectError` naming file,
line, what is wrong and the nearest valid name (exit code 2).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trustwell.checks.params import refuse_bool
from trustwell.config.documents import Doc, problems_from, read_yaml
from trustwell.config.errors import Problem, ProjectError, did_you_mean
from trustwell.debt.model import DebtItem

FOLDER = "debt"
#: Hours in a point (a person-day) and points in a week of effort.
HOURS_PER_POINT = 8
POINTS_PER_WEEK = 5
_EFFORT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$")
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

if TYPE_CHECKING:
    from trustwell.config.models import Project


def effort_points(value: str | float) -> float:
    """Points of an effort: a number is points; ``4h``, ``3d`` and ``2w`` are converted.

    >>> effort_points("4h"), effort_points("3d"), effort_points("2w"), effort_points(1.5)
    (0.5, 3.0, 10.0, 1.5)
    """
    if isinstance(value, (int, float)):
        return float(value)
    match = _EFFORT.match(value)
    if match is None:
        raise ValueError(
            f"principal {value!r} is not an effort: write a number of points"
            " (person-days) or a number and a unit, h, d or w (e.g. 4h, 3d, 2w)"
        )
    number, unit = float(match.group(1)), match.group(2)
    return {"h": number / HOURS_PER_POINT, "d": number, "w": number * POINTS_PER_WEEK}[unit]


_Number = Annotated[
    float,
    refuse_bool("float_type", "Input should be a valid number"),
    Field(ge=0),
]


class HandItem(BaseModel):
    """One item of ``debt/*.yml``, as written."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    asset: str | None = None
    team: str | None = None
    principal: Annotated[
        float | str, refuse_bool("float_type", "Input should be a valid number")
    ] = 1.0
    interest: _Number = 1.0
    due: date | None = None
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not re.match(_ID, value) or len(value) > 200:
            raise ValueError(
                f"id {value!r} must be letters, digits, '_', '.' or '-' (no spaces, at most"
                " 200), starting with a letter or digit"
            )
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("title must not be empty")
        return value

    @field_validator("principal")
    @classmethod
    def _effort(cls, value: float | str) -> float | str:
        points = effort_points(value)
        if points < 0:
            raise ValueError("principal must be at least 0")
        return value


def load_debt_items(project: Project) -> list[DebtItem]:
    """Every item of ``debt/*.yml``, by file then as written; ProjectError if any is bad."""
    problems: list[Problem] = []
    items: list[DebtItem] = []
    seen: dict[str, str] = {}  # id -> where it was first written
    for path in _debt_files(project.root):
        label = path.relative_to(project.root).as_posix()
        doc = read_yaml(path, label, problems, keep_timestamps=False)
        if doc is None or doc.data is None:
            continue
        for index, raw in _entries(doc, problems):
            item = _item(project, doc, index, raw, problems)
            if item is None:
                continue
            line = doc.key_line(("items", index, "id"))
            if item.id in seen:
                message = f"debt item '{item.id}' is written twice (first in {seen[item.id]})"
                problems.append(Problem(label, line, message))
                continue
            seen[item.id] = f"{label} line {line}"
            items.append(item)
    if problems:
        raise ProjectError(problems)
    return items


def _debt_files(root: Path) -> list[Path]:
    folder = root / FOLDER
    found = [p for pattern in ("*.yml", "*.yaml") for p in folder.glob(pattern) if p.is_file()]
    return sorted(found, key=lambda p: p.name)


def _entries(doc: Doc, problems: list[Problem]) -> list[tuple[int, Any]]:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("items", []), list):
        line = doc.line(("items",)) if isinstance(data, dict) else 1
        message = "the top level of a debt file must be 'items:' with a list of debt items"
        problems.append(Problem(doc.file, line, message))
        return []
    for key in data:
        if key != "items":
            hint = did_you_mean(str(key), ["items"]) or ": write 'items:' with a list"
            problems.append(Problem(doc.file, doc.key_line((key,)), f"unknown key '{key}'", hint))
    return list(enumerate(data.get("items", [])))


def _item(
    project: Project, doc: Doc, index: int, raw: Any, problems: list[Problem]
) -> DebtItem | None:
    prefix = ("items", index)
    named = raw.get("id") if isinstance(raw, dict) else None
    where = f" in debt item '{named}'" if isinstance(named, str) else f" in debt item #{index + 1}"
    if not isinstance(raw, dict):
        message = "a debt item must be a mapping (id:, title:, interest:, …)"
        problems.append(Problem(doc.file, doc.line(prefix), message))
        return None
    try:
        written = HandItem.model_validate(raw)
    except ValidationError as exc:
        for problem in problems_from(exc, HandItem, (), _sub_doc(doc, prefix)):
            problems.append(
                Problem(problem.file, problem.line, problem.message + where, problem.hint)
            )
        return None
    owners = {a.name: a.owner for a in project.assets}
    team = written.team
    bad = False
    if written.asset is not None and written.asset not in owners:
        line = doc.line((*prefix, "asset"))
        message = f"unknown asset '{written.asset}'{where}"
        problems.append(Problem(doc.file, line, message, did_you_mean(written.asset, owners)))
        bad = True
    teams = list(project.settings.teams)
    if team is not None and team not in teams:
        line = doc.line((*prefix, "team"))
        hint = did_you_mean(team, teams) or " (declare it under teams: in trustwell.yml)"
        problems.append(Problem(doc.file, line, f"unknown team '{team}'{where}", hint))
        bad = True
    if bad:
        return None
    if team is None and written.asset is not None:
        team = owners[written.asset]
    return DebtItem(
        id=written.id,
        kind="file",
        title=written.title,
        asset=written.asset,
        team=team,
        principal=effort_points(written.principal),
        interest=float(written.interest),
        since=None,
        due=written.due,
        source="file",
        notes=written.notes,
        where=f"{doc.file} line {doc.key_line((*prefix, 'id'))}",
    )


def _sub_doc(doc: Doc, prefix: tuple[Any, ...]) -> Doc:
    """The part of ``doc`` under ``prefix``, with its lines, as a document of its own."""
    data: Any = doc.data
    for part in prefix:
        data = data[part]
    size = len(prefix)
    keys = {loc[size:]: line for loc, line in doc.keys.items() if loc[:size] == prefix}
    values = {loc[size:]: line for loc, line in doc.values.items() if loc[:size] == prefix}
    return Doc(doc.file, data, keys, values)
