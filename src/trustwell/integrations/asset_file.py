"""Appending checks to an asset's declaration in its YAML file, keeping every comment.

Used by ``trustwell import gx-suite --into ASSET``. The file is edited as text,
not re-written from parsed data: PyYAML (what the loader reads with) drops
comments, and ruamel.yaml comes only with the optional ``interop`` libraries and
re-indents what it touches. PyYAML's node marks say where the asset's mapping
and its ``checks:`` list end; the new items are inserted there, indented as the
list's items are, and the project is loaded again before the edit stays. A file
that would no longer load is restored and the problem raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from trustwell.config.errors import nearest_names_hint
from trustwell.config.yaml_text import indent_block, last_line
from trustwell.errors import Invalid

if TYPE_CHECKING:
    from trustwell.config.models import Project


class AssetFileError(Invalid):
    """The asset's file cannot take the checks as they are (exit code 2); it is unchanged."""


def render_checks(checks: Sequence[dict[str, Any]]) -> str:
    """The checks as one YAML document ``checks: [...]`` (block style, keys in order)."""
    return yaml.safe_dump(
        {"checks": list(checks)}, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def append_checks(project: Project, asset: str, checks: Sequence[dict[str, Any]]) -> Path:
    """Append ``checks`` to the ``checks:`` list of ``asset`` in its file; returns the file.

    >>> append_checks(project, "shop.orders", [{"type": "row_count", "min": 1}])
    PosixPath('…/assets/shop.yml')
    """
    from trustwell.config.errors import ProjectError
    from trustwell.config.loader import load_project

    located = project.asset_files.get(asset)
    if located is None:
        names = [a.name for a in project.assets]
        raise AssetFileError(f"unknown asset '{asset}'{nearest_names_hint(asset, names)}")
    path = project.root / located.file
    before = path.read_text(encoding="utf-8")
    after = insert_checks(before, asset, checks, label=located.file)
    path.write_text(after, encoding="utf-8")
    try:
        load_project(project.root)
    except ProjectError as exc:
        path.write_text(before, encoding="utf-8")
        raise AssetFileError(
            f"{located.file} left unchanged: with the new checks it would not load:\n{exc}"
        ) from None
    return path


def insert_checks(text: str, asset: str, checks: Sequence[dict[str, Any]], *, label: str) -> str:
    """``text`` with ``checks`` appended to ``asset``'s ``checks:`` (pure)."""
    lines = text.splitlines(keepends=True)
    mapping = _asset_node(yaml.compose(text, Loader=yaml.SafeLoader), asset, label)
    found = next(
        (v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == "checks"),
        None,
    )
    items = yaml.safe_dump(list(checks), sort_keys=False, allow_unicode=True)
    if found is None:
        indent = mapping.start_mark.column
        block = " " * indent + "checks:\n" + indent_block(items, indent + 2)
        at = last_line(mapping) + 1
    elif isinstance(found, yaml.SequenceNode) and not found.flow_style:
        block = indent_block(items, found.start_mark.column)
        at = last_line(found) + 1
    elif isinstance(found, yaml.SequenceNode) and not found.value:
        # `checks: []`: the list becomes a block under its key.
        line = found.start_mark.line
        tail = lines[line][found.end_mark.column :].strip()
        if tail and not tail.startswith("#"):
            raise AssetFileError(f"{label} line {line + 1}: checks: [] is followed by {tail!r}")
        head = lines[line][: found.start_mark.column].rstrip() + (f"  {tail}" if tail else "")
        head += "\n"
        indent = mapping.start_mark.column + 2
        return "".join([*lines[:line], head, indent_block(items, indent), *lines[line + 1 :]])
    else:
        raise AssetFileError(
            f"{label} line {found.start_mark.line + 1}: the checks of {asset} are written "
            "inline ([...]): write them as a block list (one '- type: …' per line) to use --into"
        )
    if at > 0 and at <= len(lines) and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    return "".join([*lines[:at], block, *lines[at:]])


def _asset_node(root: yaml.Node | None, asset: str, label: str) -> yaml.MappingNode:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "assets" and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    if isinstance(item, yaml.MappingNode) and any(
                        k.value == "name" and getattr(v, "value", None) == asset
                        for k, v in item.value
                    ):
                        if item.flow_style:
                            break
                        return item
    raise AssetFileError(f"{label}: no block mapping declares the asset {asset}")
