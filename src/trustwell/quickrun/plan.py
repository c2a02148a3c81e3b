"""The kept plan of a run: its file, and what says whether it still holds. Standard library only.

One JSON file per selection (``--asset``/``--tag``) under
``.trustwell/quickrun/`` in the project. It holds no secret: it is written
only for projects whose files name no ``${VAR}`` (the only way a secret
enters a project) and whose store is a SQLite file; its statements are the
rendered SQL that ``--show-sql`` prints.

It holds while :func:`digest` is unchanged: the bytes of ``trustwell.yml``
and of every ``assets/**/*.yml``, the names of those files, the size and
modification time of every module of trustwell itself (an upgrade or an edit
plans again), and the DuckDB version.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 3
SETTINGS_FILE = "trustwell.yml"  # trustwell.config.documents.SETTINGS_FILE, without its imports
FOLDER = Path(".trustwell") / "quickrun"
_PACKAGE = Path(__file__).resolve().parent.parent  # src/trustwell


@dataclass
class Guard:
    """The statistics a bitmap's bounds came from: the plan holds while the keys stay inside."""

    base_table: str  # SELECT COUNT(*) FROM duckdb_tables() WHERE …: still a base table
    stats: str  # SELECT STATS("k") AS s0 … LIMIT 1
    columns: list[str]
    bounds: dict[str, list[int]]  # column -> [low, high] of the planned BITSTRING_AGG


@dataclass
class Check:
    """One check as its result needs it: the pure evaluation and what is fixed."""

    name: str
    type: str
    spec: dict[str, Any]  # trustwell.checks.judge
    threshold: dict[str, Any]
    unit: str  # CheckResult.unit
    shown_unit: str  # the unit ``trustwell run`` prints the value in
    definition: dict[str, Any]  # as recorded in the store's checks table
    warn_details: bool = False  # a warning asks for details (CheckType.warn_details)


@dataclass
class Statement:
    sql: str
    columns: dict[str, list[list[str]]]  # output column -> [[check, metric], …]
    #: ``scalar``: each output column of the one row is a metric; ``own``: the whole
    #: result is the metric (a ``sql`` or ``references`` check's own query)
    kind: str = "scalar"


@dataclass
class AssetPlan:
    name: str
    warehouse: str
    timezone: str | None
    statements: list[Statement]
    checks: list[Check]
    guards: list[Guard] = field(default_factory=list)
    describe: str | None = None  # DESCRIBE SELECT * FROM …, when a schema check reads it
    described: list[list[str]] = field(default_factory=list)  # [[check, metric], …] it answers


@dataclass
class Plan:
    digest: str
    project: str  # the project's name, recorded with each run
    store: str  # the SQLite file, absolute
    schema: str  # the store's schema version when planned
    warehouses: dict[str, dict[str, Any]]  # name -> DuckDBEngine keyword arguments
    assets: list[AssetPlan]
    format: int = FORMAT

    def to_json(self) -> str:
        # Key order kept: thresholds and definitions are stored as the full path orders them.
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        assets = [
            AssetPlan(
                name=a["name"],
                warehouse=a["warehouse"],
                timezone=a["timezone"],
                statements=[Statement(**s) for s in a["statements"]],
                checks=[Check(**c) for c in a["checks"]],
                guards=[Guard(**g) for g in a["guards"]],
                describe=a["describe"],
                described=a["described"],
            )
            for a in data.pop("assets")
        ]
        return cls(assets=assets, **data)


def plan_file(root: Path, names: list[str], tags: list[str]) -> Path:
    """Where the plan of this selection is kept."""
    selection = json.dumps([sorted(set(names)), sorted(set(tags))])
    name = hashlib.sha256(selection.encode()).hexdigest()[:16]
    return root / FOLDER / f"{name}.json"


def digest(root: Path, duckdb_version: str) -> str | None:
    """What the plan depends on, hashed; None when a file names ``${VAR}`` (never kept)."""
    return with_duckdb(sources(root), duckdb_version)


def sources(root: Path) -> str | None:
    """The project files and trustwell's modules, hashed (None: a file names ``${VAR}``).

    A full run takes it before it loads the project, so that a file edited
    while it runs makes its plan stale rather than kept under the new text.
    """
    hashed = hashlib.sha256()
    files = [root / SETTINGS_FILE]
    assets = root / "assets"
    if assets.is_dir():
        found = [p for pattern in ("*.yml", "*.yaml") for p in assets.rglob(pattern)]
        files += sorted((p for p in found if p.is_file()), key=lambda p: p.as_posix())
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:
            return None
        if b"${" in content:
            return None
        hashed.update(f"{path.relative_to(root).as_posix()}\x00{len(content)}\x00".encode())
        hashed.update(content)
    hashed.update(_code_stamp().encode())
    return hashed.hexdigest()


def with_duckdb(sources: str | None, duckdb_version: str) -> str | None:
    """:func:`sources` with the plan format and the DuckDB version: the plan's digest."""
    if sources is None:
        return None
    return hashlib.sha256(f"{FORMAT}\x00{duckdb_version}\x00{sources}".encode()).hexdigest()


def _code_stamp() -> str:
    """Size and modification time of every module of trustwell (about 400 files, ~2 ms)."""
    parts: list[str] = []
    stack = [str(_PACKAGE)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                elif entry.name.endswith((".py", ".json", ".sql")):
                    stat = entry.stat()
                    parts.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(sorted(parts))


def read(path: Path) -> Plan | None:
    """The plan kept at ``path``, or None (missing, unreadable, another format)."""
    try:
        plan = Plan.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return plan if plan.format == FORMAT else None


def write(path: Path, plan: Plan) -> None:
    """Write atomically (a concurrent run reads the old plan or the new one), owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(plan.to_json())
    os.replace(partial, path)
