"""The demo's project folder on disk: project files from templates, and safe rebuilds.

The templates are ordinary project files shipped inside this package; the demo
copies them as they are, so what the user explores is exactly what ran.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

WAREHOUSE_FILE = "warehouse.duckdb"
# Packaged template -> where it goes in the project folder.
TEMPLATES = {
    "trustwell.yml": "trustwell.yml",
    "assets_raw.yml": "assets/raw.yml",
    "assets_marts.yml": "assets/marts.yml",
    "assets_ml.yml": "assets/ml.yml",
}
# The first line of the demo's trustwell.yml: how --force recognises a folder it may clear.
MARKER = "# trustwell demo project"
# Everything the demo writes; --force removes these and nothing else.
_WRITTEN = (
    "trustwell.yml",
    "assets",
    "postmortems",
    WAREHOUSE_FILE,
    f"{WAREHOUSE_FILE}.wal",
    ".trustwell",
)


class FolderInUse(Exception):
    """The target folder exists and may not be (re)built; the message says why."""


def is_demo_folder(root: Path) -> bool:
    """True when ``root`` holds a project written by ``trustwell demo``."""
    settings = root / "trustwell.yml"
    if not settings.is_file():
        return False
    with settings.open(encoding="utf-8") as handle:
        return handle.readline().startswith(MARKER)


def prepare(root: Path, *, force: bool) -> None:
    """Make ``root`` ready for a new demo, or raise :class:`FolderInUse`.

    An empty or missing folder is used as it is. An existing demo is cleared
    only with ``force``; any other non-empty folder is never touched.
    """
    if root.exists() and not root.is_dir():
        raise FolderInUse(f"{root} is a file, not a folder")
    if not root.exists() or not any(root.iterdir()):
        root.mkdir(parents=True, exist_ok=True)
        return
    if not is_demo_folder(root):
        raise FolderInUse(f"{root} is not empty and holds no trustwell demo: choose another folder")
    if not force:
        raise FolderInUse(f"{root} already holds a demo: add --force to rebuild it")
    for name in _WRITTEN:
        target = root / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def write_project_files(root: Path) -> list[Path]:
    """Copy ``trustwell.yml`` and ``assets/*.yml`` into ``root``; return the paths written."""
    written = []
    package = resources.files("trustwell.demo")
    for template, relative in TEMPLATES.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(package.joinpath(template).read_text(encoding="utf-8"), encoding="utf-8")
        written.append(target)
    return written
