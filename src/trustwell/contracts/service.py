"""``trustwell contract export|import|diff`` as services over a loaded project.

Export describes the asset's relation on its warehouse (the columns and their
types; when that is not possible, the columns come from the checks), maps the
asset with :mod:`~trustwell.contracts.odcs` and validates the document against
the ODCS schema. Import validates the file first, maps it with
:mod:`~trustwell.contracts.odcs_read` and writes the asset
(:mod:`~trustwell.contracts.asset_files`). Diff validates both files and
compares them with :mod:`~trustwell.contracts.diff`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustwell.config.errors import nearest_names_hint
from trustwell.contracts.files import (
    Contract,
    ContractInvalid,
    api_version,
    read_contract,
    validate,
)
from trustwell.contracts.odcs import ColumnInfo, ExportInput, Member, export_document
from trustwell.contracts.odcs_read import ContractShapeError, Known, Unmapped, read_document
from trustwell.errors import NotFound

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.contracts.diff import Change


class UnknownAsset(NotFound):
    """``contract export`` names an asset the project does not declare (exit code 2)."""

    exit_code = 2


@dataclass
class Exported:
    document: dict[str, Any]
    described: bool  # False: the columns come from the checks, not the warehouse
    reason: str | None = None  # why the warehouse could not describe the relation


def export_contract(
    project: Project, name: str, *, version: str = "1.0.0", status: str = "active"
) -> Exported:
    """The validated ODCS document of asset ``name``."""
    asset = project.asset(name)
    if asset is None:
        names = [a.name for a in project.assets]
        raise UnknownAsset(f"unknown asset '{name}'{nearest_names_hint(name, names)}")
    columns, reason = describe(project, asset)
    given = ExportInput(
        api_version=api_version(),
        version=version,
        status=status,
        columns=columns,
        members=_members(project, asset.owner),
        use_case_notes={
            n: u.description for n, u in project.settings.use_cases.items() if n in asset.use_cases
        },
    )
    document = export_document(asset, given)
    validate(Contract(f"the contract of {name}", document))  # a failure here is a bug
    return Exported(document, columns is not None, reason)


def describe(project: Project, asset: Asset) -> tuple[list[ColumnInfo] | None, str | None]:
    """The relation's columns as the warehouse describes them, or None and why not."""
    from trustwell.checks.compile import relation_for
    from trustwell.engines import connect, warehouse_files

    warehouse = project.warehouse_of(asset)
    try:
        config = project.settings.warehouses[warehouse]
        engine = connect(config, project.root, files=warehouse_files(project, warehouse))
        with engine:
            found = engine.describe(relation_for(asset, engine, project.root))
    except Exception as exc:  # any failure: the contract is still written, from the checks
        from trustwell.redact import scrub

        return None, scrub(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return [ColumnInfo(c.name, c.native_type, c.type) for c in found], None


def _members(project: Project, owner: str | None) -> list[Member]:
    team = project.settings.teams.get(owner or "")
    if team is None:
        return []
    found = []
    keys = list(team.members) + ([team.lead] if team.lead and team.lead not in team.members else [])
    for key in keys:
        person = project.settings.people.get(key)
        username = (person.email if person else None) or key
        role = "lead" if key == team.lead else "member"
        found.append(Member(username, person.name if person else None, role))
    return found


@dataclass
class UnmappedLine:
    """A part of the contract that was not mapped, with its line in the file."""

    path: str
    reason: str
    line: int | None = None

    def text(self, label: str) -> str:
        where = f"{label} line {self.line}" if self.line else label
        return f"not mapped: {self.path} ({where}): {self.reason}"


@dataclass
class ImportReport:
    asset: str
    path: Path
    created: bool
    checks: int
    unmapped: list[UnmappedLine] = field(default_factory=list)

    def to_json(self, root: Path) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "file": self.path.relative_to(root).as_posix(),
            "created": self.created,
            "checks": self.checks,
            "unmapped": [
                {"path": u.path, "line": u.line, "reason": u.reason} for u in self.unmapped
            ],
        }


def read_valid(path: Path) -> Contract:
    """A contract file, read and validated against the ODCS schema (:class:`ContractInvalid`)."""
    contract = read_contract(path)
    validate(contract)
    return contract


def import_contract(project: Project, path: Path) -> ImportReport:
    """Create or update the asset of the contract at ``path`` in ``project``."""
    from trustwell.config.loader import DIALECTS
    from trustwell.contracts.asset_files import write_asset

    contract = read_valid(path)
    warehouses = project.settings.warehouses
    try:
        imported = read_document(
            contract.data,
            Known(
                teams=list(project.settings.teams),
                use_cases=list(project.settings.use_cases),
                warehouses=list(warehouses),
                assets=[a.name for a in project.assets],
                dialect=DIALECTS.get(warehouses[_warehouse(project, contract.data)].type, "duckdb"),
                check_order=_check_order(project, contract.data),
            ),
        )
    except ContractShapeError as exc:
        raise ContractInvalid(contract.label, [str(exc)]) from None
    written, created = write_asset(project, imported.asset, source=path.name)
    unmapped = [_locate(u, contract) for u in imported.unmapped]
    checks = len(imported.asset.get("checks", []))
    return ImportReport(imported.asset["name"], written, created, checks, unmapped)


def _warehouse(project: Project, data: dict[str, Any]) -> str:
    """The warehouse the imported asset will be in: its custom property, else the default."""
    for prop in data.get("customProperties") or []:
        name = prop.get("value")
        if prop.get("property") == "warehouse" and name in project.settings.warehouses:
            return str(name)
    return project.settings.default_warehouse


def _check_order(project: Project, data: dict[str, Any]) -> tuple[str, ...]:
    """The display names of the checks of the asset the contract replaces, if any."""
    schema = data.get("schema") or [{}]
    asset = project.asset(str(schema[0].get("name") or data.get("name")))
    return tuple(c.display_name for c in asset.checks) if asset else ()


def _locate(item: Unmapped, contract: Contract) -> UnmappedLine:
    return UnmappedLine(item.path, item.reason, contract.line(_parse_path(item.path)))


def _parse_path(text: str) -> tuple[Any, ...]:
    import re

    parts: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def diff_files(old: Path, new: Path) -> list[Change]:
    """The changes from the contract ``old`` to ``new`` (both validated first)."""
    from trustwell.contracts.diff import diff_documents

    return diff_documents(read_valid(old).data, read_valid(new).data)
