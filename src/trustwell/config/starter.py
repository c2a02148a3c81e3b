"""The starter project that ``trustwell init DIR`` writes.

The templates live in ``trustwell/config/starter/`` and ship as package data;
they are copied byte for byte, so what a user gets is exactly what the tests load.
The runbooks come from ``trustwell/runbooks/`` (the ones trustwell ships) and
land in ``runbooks/``.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath


class StarterExists(FileExistsError):
    """Some starter files already exist and overwriting was not asked for."""

    def __init__(self, existing: list[Path]) -> None:
        self.existing = existing
        listed = ", ".join(p.as_posix() for p in existing)
        super().__init__(f"these files already exist: {listed}")


def starter_files() -> dict[str, bytes]:
    """Every template file of the starter project, by its posix path inside the project.

    >>> sorted(starter_files())[:2]
    ['README.md', 'assets/orders.yml']
    """
    found: dict[str, bytes] = {}
    _collect(resources.files("trustwell.config").joinpath("starter"), PurePosixPath(), found)
    _collect(resources.files("trustwell").joinpath("runbooks"), PurePosixPath("runbooks"), found)
    return found


def _collect(folder: Traversable, prefix: PurePosixPath, found: dict[str, bytes]) -> None:
    for item in folder.iterdir():
        if item.name.startswith((".", "__")):
            continue  # editor files, __pycache__
        if item.is_dir():
            _collect(item, prefix / item.name, found)
        else:
            found[str(prefix / item.name)] = item.read_bytes()


def write_starter(target: Path | str, *, force: bool = False) -> list[Path]:
    """Write the starter project into ``target`` (created if needed); return the files written.

    Raises :class:`StarterExists`, writing nothing, when any file would be
    overwritten and ``force`` is false.

    >>> write_starter("my-project")                    # doctest: +SKIP
    [PosixPath('my-project/README.md'), PosixPath('my-project/assets/orders.yml'), ...]
    """
    root = Path(target)
    files = starter_files()
    existing = [root / name for name in sorted(files) if (root / name).exists()]
    if existing and not force:
        raise StarterExists(existing)
    written = []
    for name in sorted(files):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
        written.append(path)
    return written
