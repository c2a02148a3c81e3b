"""Load a project folder: ``trustwell.yml`` and ``assets/**/*.yml`` into a :class:`Project`.

Every problem names its file and line and, for a misspelt name, the nearest
valid one. All problems are collected and raised together as one
:class:`ProjectError`. Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from trustwell.checks.types.anomaly import Anomaly, metric_problem
from trustwell.config.documents import SETTINGS_FILE, Doc, Loc, problems_from, read_yaml
from trustwell.config.errors import Problem, ProjectError, did_you_mean
from trustwell.config.models import Asset, Located, Project, ProjectSettings
from trustwell.redact import register_secrets

ASSETS_DIR = "assets"
DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}


def load_project(root: Path | str) -> Project:
    """Read and validate the project in ``root``; raise :class:`ProjectError` listing every problem.

    >>> project = load_project("my-project")          # doctest: +SKIP
    >>> [a.name for a in project.assets]               # doctest: +SKIP
    ['orders']
    """
    root = Path(root).resolve()
    if not root.is_dir():
        raise ProjectError([Problem(root.as_posix(), None, "the project folder does not exist")])
    problems: list[Problem] = []
    settings, names = _load_settings(root, problems)
    entries: list[_Entry] = []
    files = _asset_files(root)
    for path in files:
        entries.extend(_load_assets_file(root, path, problems))
    problems.extend(_cross_file_problems(entries, names))
    if problems:
        rank = {SETTINGS_FILE: -1} | {
            p.relative_to(root).as_posix(): i for i, p in enumerate(files)
        }
        problems.sort(key=lambda p: (rank.get(p.file, len(rank)), p.line or 0))
        raise ProjectError(problems)
    assert settings is not None  # no problems means the settings validated
    project = Project(root=root, settings=settings, assets=[])
    for entry in entries:
        assert entry.asset is not None
        asset = entry.asset
        project.assets.append(asset)
        project.asset_files[asset.name] = Located(
            entry.doc.file, entry.doc.line((*entry.loc, "name"))
        )
        for j, check in enumerate(asset.checks):
            line = entry.doc.line((*entry.loc, "checks", j))
            project.check_lines[(asset.name, check.display_name)] = Located(entry.doc.file, line)
    return project


# --- trustwell.yml ------------------------------------------------------------------------


@dataclass
class _Names:
    """What the asset files may refer to, taken from the settings (even invalid ones)."""

    warehouses: dict[str, str | None]  # name -> type
    teams: list[str] | None = field(default_factory=list)  # None: unknown (unreadable settings)
    use_cases: list[str] = field(default_factory=list)

    @property
    def default_warehouse(self) -> str | None:
        return next(iter(self.warehouses), None)


def _load_settings(root: Path, problems: list[Problem]) -> tuple[ProjectSettings | None, _Names]:
    path = root / SETTINGS_FILE
    data: Any = {}
    if path.is_file():
        doc = read_yaml(path, SETTINGS_FILE, problems, keep_timestamps=True)
        if doc is None:
            return None, _Names({"main": "duckdb"}, None)
        data = {} if doc.data is None else doc.data
        if not isinstance(data, dict):
            message = f"{SETTINGS_FILE} must be a mapping of settings (name:, warehouses:, …)"
            problems.append(Problem(SETTINGS_FILE, 1, message))
            return None, _Names({"main": "duckdb"}, None)
    else:
        doc = Doc(SETTINGS_FILE, data)
    from trustwell.config.secrets import raw_secrets, settings_secrets

    # Registered before validation: no problem listed below may show a secret.
    register_secrets(raw_secrets(data))
    try:
        settings = ProjectSettings.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, ProjectSettings, (), doc))
        return None, _raw_names(data)
    register_secrets(settings_secrets(settings))
    from trustwell.config.settings_checks import settings_problems

    problems.extend(settings_problems(settings, doc))
    names = _Names(
        {name: wh.type for name, wh in settings.warehouses.items()},
        list(settings.teams),
        list(settings.use_cases),
    )
    return settings, names


def _raw_names(data: dict[Any, Any]) -> _Names:
    """Best-effort names from settings that failed validation, to keep checking the assets."""
    warehouses = data.get("warehouses")
    if isinstance(warehouses, dict) and warehouses:
        found = {
            str(k): (v.get("type") if isinstance(v, dict) else None) for k, v in warehouses.items()
        }
    else:
        found = {"main": "duckdb"}
    teams, use_cases = data.get("teams", {}), data.get("use_cases")
    return _Names(
        found,
        [str(t) for t in teams] if isinstance(teams, dict) else None,
        [str(u) for u in use_cases] if isinstance(use_cases, dict) else [],
    )


# --- assets/**/*.yml ----------------------------------------------------------------------


@dataclass
class _Entry:
    """One item of an ``assets:`` list, validated or not."""

    doc: Doc
    index: int
    raw: Any
    asset: Asset | None

    @property
    def loc(self) -> Loc:
        return ("assets", self.index)

    def raw_str(self, key: str) -> str | None:
        value = self.raw.get(key) if isinstance(self.raw, dict) else None
        return value if isinstance(value, str) else None


def _asset_files(root: Path) -> list[Path]:
    folder = root / ASSETS_DIR
    found = [p for pattern in ("*.yml", "*.yaml") for p in folder.rglob(pattern) if p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _load_assets_file(root: Path, path: Path, problems: list[Problem]) -> list[_Entry]:
    label = path.relative_to(root).as_posix()
    doc = read_yaml(path, label, problems, keep_timestamps=False)
    if doc is None or doc.data is None:
        return []  # unparseable (already reported) or empty
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("assets", []), list):
        line = doc.line(("assets",)) if isinstance(data, dict) else 1
        message = "the top level of an assets file must be 'assets:' with a list of assets"
        problems.append(Problem(label, line, message))
        return []
    if "assets" not in data:
        first = next(iter(data), "")
        hint = did_you_mean(str(first), ["assets"]) or ": write 'assets:' with a list of assets"
        problems.append(Problem(label, doc.key_line((first,)), f"unknown key '{first}'", hint))
        return []
    for key in data:
        if key != "assets":
            problems.append(Problem(label, doc.key_line((key,)), f"unknown key '{key}'"))
    entries = []
    for i, raw in enumerate(data["assets"]):
        entry = _Entry(doc, i, raw, None)
        try:
            entry.asset = Asset.model_validate(raw)
        except ValidationError as exc:
            problems.extend(problems_from(exc, Asset, entry.loc, doc))
        entries.append(entry)
    return entries


# --- checks across files ------------------------------------------------------------------


def _cross_file_problems(entries: list[_Entry], names: _Names) -> list[Problem]:
    problems: list[Problem] = []
    first_seen: dict[str, Located] = {}
    warehouse_of: dict[str, str | None] = {}
    for entry in entries:
        name = entry.raw_str("name")
        if name is None:
            continue
        warehouse = entry.raw_str("warehouse") or names.default_warehouse
        if name in first_seen:
            first = first_seen[name]
            line = entry.doc.line((*entry.loc, "name"))
            hint = f": the first is in {first.file} line {first.line}"
            problems.append(Problem(entry.doc.file, line, f"duplicate asset name '{name}'", hint))
        else:
            first_seen[name] = Located(entry.doc.file, entry.doc.line((*entry.loc, "name")))
            warehouse_of[name] = warehouse
    for entry in entries:
        problems.extend(_asset_problems(entry, names, warehouse_of))
    return problems


def _asset_problems(
    entry: _Entry, names: _Names, warehouse_of: dict[str, str | None]
) -> list[Problem]:
    doc, loc, found = entry.doc, entry.loc, []
    label = f"asset '{entry.raw_str('name')}'"
    warehouse = entry.raw_str("warehouse")
    if warehouse is not None and warehouse not in names.warehouses:
        found.append(
            Problem(
                doc.file,
                doc.line((*loc, "warehouse")),
                f"unknown warehouse '{warehouse}' in {label}",
                _suggest(warehouse, names.warehouses),
            )
        )
    owner = entry.raw_str("owner")
    # Checked with no teams declared too: the owner's members are the experts of its
    # incidents, and an undeclared team has none, so nobody would be told.
    if owner is not None and names.teams is not None and owner not in names.teams:
        message = f"owner '{owner}' of {label} is not a team declared in {SETTINGS_FILE}"
        hint = _suggest(owner, names.teams) or ": declare it under teams:"
        found.append(Problem(doc.file, doc.line((*loc, "owner")), message, hint))
    use_cases = entry.raw.get("use_cases") if isinstance(entry.raw, dict) else None
    if names.use_cases and isinstance(use_cases, list):
        for k, use_case in enumerate(use_cases):
            if isinstance(use_case, str) and use_case not in names.use_cases:
                message = f"use case '{use_case}' of {label} is not declared in {SETTINGS_FILE}"
                line = doc.line((*loc, "use_cases", k))
                found.append(Problem(doc.file, line, message, _suggest(use_case, names.use_cases)))
    asset = entry.asset
    if asset is None:
        return found
    home = asset.warehouse or names.default_warehouse
    dialect = DIALECTS.get(names.warehouses.get(home or "") or "")
    if dialect and asset.query is not None:
        found.extend(_sql_problems(asset.query, "query", dialect, doc, (*loc, "query")))
    seen: dict[str, int | None] = {}
    for j, check in enumerate(asset.checks):
        check_loc = (*loc, "checks", j)
        for key in ("where", "query", "failing_rows"):
            sql = getattr(check, key, None)
            if dialect and isinstance(sql, str):
                found.extend(_sql_problems(sql, key, dialect, doc, (*check_loc, key)))
        name = check.display_name
        if name in seen:
            message = f"duplicate check name '{name}' in asset '{asset.name}'"
            hint = f": set 'name:' on one of them (the first is at line {seen[name]})"
            found.append(Problem(doc.file, doc.line(check_loc), message, hint))
        else:
            seen[name] = doc.line(check_loc)
        if isinstance(check, Anomaly):
            others = {c.display_name: c.type for c in asset.checks if c is not check}
            problem = metric_problem(check, others)
            if problem:
                hint = _suggest(check.metric, [n for n, t in others.items() if t != "anomaly"])
                found.append(Problem(doc.file, doc.line((*check_loc, "metric")), problem, hint))
        target = getattr(check, "target", None)
        if check.type == "references" and target is not None:
            found.extend(_reference_problems(asset, home, target, warehouse_of, doc, check_loc))
        reference = getattr(check, "reference", None)
        if check.type == "drift" and reference is not None:
            found.extend(_drift_problems(reference, home, dialect, warehouse_of, doc, check_loc))
    return found


def _drift_problems(
    reference: Any,
    home: str | None,
    dialect: str | None,
    warehouse_of: dict[str, str | None],
    doc: Doc,
    check_loc: Loc,
) -> list[Problem]:
    """A drift check's ``reference``: a read-only ``where``, or an asset of the same warehouse."""
    loc = (*check_loc, "reference")
    if reference.where is not None and dialect:
        return _sql_problems(reference.where, "reference.where", dialect, doc, (*loc, "where"))
    other = reference.asset
    if other is None:
        return []
    line = doc.line((*loc, "asset"))
    if other not in warehouse_of:
        message = f"drift reference asset '{other}' does not exist"
        return [Problem(doc.file, line, message, _suggest(other, warehouse_of))]
    if warehouse_of[other] != home:
        message = f"drift reference asset '{other}' is in warehouse '{warehouse_of[other]}',"
        return [Problem(doc.file, line, f"{message} not in '{home}' (both must be in one)")]
    return []


def _reference_problems(
    asset: Asset,
    home: str | None,
    target: tuple[str, str],
    warehouse_of: dict[str, str | None],
    doc: Doc,
    check_loc: Loc,
) -> list[Problem]:
    other, _column = target
    line = doc.line((*check_loc, "to"))
    if other not in warehouse_of:
        message = f"references target asset '{other}' does not exist"
        return [Problem(doc.file, line, message, _suggest(other, warehouse_of))]
    there = warehouse_of[other]
    if there != home:
        message = (
            f"references target asset '{other}' is in warehouse '{there}', but asset"
            f" '{asset.name}' is in warehouse '{home}' (both must be in one warehouse)"
        )
        return [Problem(doc.file, line, message)]
    return []


def _sql_problems(sql: str, key: str, dialect: str, doc: Doc, loc: Loc) -> list[Problem]:
    """``where`` must be one read-only condition, ``query``/``failing_rows`` one read-only query.

    The same validator refuses the statement again right before it would run
    (:mod:`trustwell.readonly_sql`), so the messages here and in results match.
    """
    from trustwell.readonly_sql import UnsafeSql, read_only_condition, read_only_query

    try:
        if key.endswith("where"):
            read_only_condition(sql, dialect, what=key)
        else:
            read_only_query(sql, dialect, what=key)
    except UnsafeSql as exc:
        return [Problem(doc.file, doc.line(loc), str(exc))]
    return []


def _suggest(name: str, candidates: Any) -> str:
    """``: did you mean 'x'?`` or, if nothing is close, the valid names."""
    options = [str(c) for c in candidates]
    hint = did_you_mean(name, options)
    if hint or not options:
        return hint
    shown = ", ".join(f"'{o}'" for o in options[:10])
    return f": known names are {shown}" + ("…" if len(options) > 10 else "")
