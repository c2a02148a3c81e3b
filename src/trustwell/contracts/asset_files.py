"""Writing an imported asset into the project: a new file, or its declaration replaced.

An asset the project already declares is replaced where it is, as text:
PyYAML's node marks say which lines its list item spans, so the other assets
of that file, and every comment outside the item, stay exactly as written. A
new asset gets a file of its own under ``assets/``. The project is loaded
again before the change stays; a project that would no longer load is put
back as it was and the problems raised.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from trustwell.config.yaml_text import indent_block, last_line
from trustwell.errors import Invalid

if TYPE_CHECKING:
    from trustwell.config.models import Project


class AssetWriteError(Invalid):
    """The asset cannot be written as it is (exit code 2); the project is unchanged."""


def render_asset(asset: dict[str, Any]) -> str:
    """One asset as the item of an ``assets:`` list (``- name: …``)."""
    from trustwell.contracts.files import dump_yaml

    return dump_yaml([asset])


def write_asset(project: Project, asset: dict[str, Any], *, source: str) -> tuple[Path, bool]:
    """Create or replace the declaration of ``asset``; returns the file and whether it is new."""
    from trustwell.config.errors import ProjectError
    from trustwell.config.loader import ASSETS_DIR, load_project

    name = asset["name"]
    located = project.asset_files.get(name)
    header = f"# Imported from the data contract {source} by `trustwell contract import`.\n"
    if located is None:
        path = _new_file(project.root / ASSETS_DIR, name)
        before = None
        after = header + "assets:\n" + indent_block(render_asset(asset), 2)
    else:
        path = project.root / located.file
        before = path.read_text(encoding="utf-8")
        after = replace_asset(before, name, render_asset(asset), label=located.file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(after, encoding="utf-8")
    try:
        load_project(project.root)
    except ProjectError as exc:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        raise AssetWriteError(
            f"{path.relative_to(project.root).as_posix()} left unchanged: with the imported"
            f" asset the project would not load:\n{exc}"
        ) from None
    return path, before is None


def _new_file(folder: Path, name: str) -> Path:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "contract"
    path = folder / f"{stem}.yml"
    k = 2
    while path.exists():
        path = folder / f"{stem}-{k}.yml"
        k += 1
    return path


def replace_asset(text: str, name: str, item: str, *, label: str) -> str:
    """``text`` with the list item declaring ``name`` replaced by ``item`` (pure)."""
    node = _item_node(yaml.compose(text, Loader=yaml.SafeLoader), name, label)
    lines = text.splitlines(keepends=True)
    first, last = node.start_mark.line, last_line(node)
    prefix = lines[first][: node.start_mark.column]
    if prefix.strip() != "-":
        raise AssetWriteError(
            f"{label} line {first + 1}: the declaration of {name} does not start its list item"
            " (write it as '- name: …' to import over it)"
        )
    block = indent_block(item, len(prefix) - len(prefix.lstrip()))
    return "".join([*lines[:first], block, *lines[last + 1 :]])


def _item_node(root: yaml.Node | None, name: str, label: str) -> yaml.MappingNode:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "assets" and isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    if (
                        isinstance(item, yaml.MappingNode)
                        and not item.flow_style
                        and any(
                            k.value == "name" and getattr(v, "value", None) == name
                            for k, v in item.value
                        )
                    ):
                        return item
    raise AssetWriteError(f"{label}: no block mapping declares the asset {name}")
