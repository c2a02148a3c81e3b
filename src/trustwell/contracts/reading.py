"""The state of reading one contract: what was used, and what could not be mapped (pure).

Shared by the readers of :mod:`trustwell.contracts.odcs_read`: each marks the
paths of the document it used, and :meth:`Reading.leftovers` lists the rest.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Unmapped:
    """A part of the document with no trustwell equivalent, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Known:
    """What the project has, that an asset may only refer to."""

    teams: Collection[str] | None = None  # None: any name goes
    use_cases: Collection[str] = ()  # empty: any name goes (as the loader allows)
    warehouses: Collection[str] = ()
    assets: Collection[str] = ()
    dialect: str = "duckdb"
    #: The checks of the asset being replaced, by name: their order is kept where it can be.
    check_order: tuple[str, ...] = ()


def show_path(path: Path) -> str:
    """``("schema", 0, "quality", 1)`` as ``schema[0].quality[1]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class Reading:
    """The document being read: which parts were used, and the problems found."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.used: set[Path] = set()
        self.unmapped: list[Unmapped] = []

    def use(self, *path: Any) -> None:
        self.used.add(tuple(path))

    def skip(self, path: Path, reason: str) -> None:
        """Record ``path`` as not mapped (and as read, so it is listed once)."""
        self.used.add(path)
        self.unmapped.append(Unmapped(show_path(path), reason))

    def leftovers(self) -> list[Unmapped]:
        """Every part of the document that nothing read (the topmost of each subtree)."""
        prefixes = {p[:i] for p in self.used for i in range(1, len(p))}
        found: list[Unmapped] = []

        def walk(value: Any, path: Path) -> None:
            items = (
                value.items()
                if isinstance(value, dict)
                else enumerate(value)
                if isinstance(value, list)
                else ()
            )
            for key, child in items:
                here = (*path, key)
                if here in self.used or child in ([], {}):  # an empty list says nothing
                    continue
                if here in prefixes:
                    walk(child, here)
                else:
                    found.append(Unmapped(show_path(here), "no trustwell equivalent"))

        walk(self.doc, ())
        return found


@dataclass
class Located:
    """A check read from a rule (or a property flag), with where it was found."""

    check: dict[str, Any]
    path: Path
    column: str | None = None
