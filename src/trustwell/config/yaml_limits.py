"""YAML with limits: project files cannot exhaust memory, time or the Python stack.

A project file is code review material, and a careless or hostile one must be
refused with a message, never crash the loader. Three limits hold for every
project file (``trustwell.yml``, ``assets/**/*.yml``, runbook front matter):

* :data:`MAX_FILE_BYTES`: larger files are refused before they are read.
* :data:`MAX_DEPTH`: mappings and lists nested deeper than this are refused
  while they are composed, before PyYAML's recursive composer (or anything
  after it) can hit Python's recursion limit.
* :data:`MAX_VALUES`: the number of values a file holds *once every alias
  (``*name``) is expanded*. Aliases share nodes, so a "billion laughs" file of
  a few hundred bytes stands for billions of values; each anchored node's
  expanded size is computed while it is composed, so such a file is refused
  after reading its real nodes once, before anything expands it.

Counting aliases alone would not do: nine aliases on each of nine levels (81 in
all) already stand for 387 million values, while a long file may fairly use a
``<<: *defaults`` merge on every check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 4 * 1024 * 1024  # 4 MiB: a 1,000-asset file is well under 1 MiB
MAX_DEPTH = 64  # real files nest 6-8 levels (assets > asset > checks > check > warn > key)
MAX_VALUES = 200_000  # after alias expansion; ~15 per check, so 10,000+ checks per file


class LimitExceeded(yaml.MarkedYAMLError):
    """A project file is beyond one of the limits above (``problem`` says which)."""

    def __init__(self, problem: str, mark: Any) -> None:  # a yaml Mark
        super().__init__(problem=problem, problem_mark=mark)


class FileTooLarge(Exception):
    """A project file is larger than :data:`MAX_FILE_BYTES`."""

    def __init__(self, size: int) -> None:
        self.size = size
        super().__init__(
            f"the file is {size:,} bytes, more than the limit of"
            f" {MAX_FILE_BYTES // (1024 * 1024)} MiB for a project file"
        )


def read_limited(path: Path) -> str:
    """The UTF-8 text of ``path``; :class:`FileTooLarge` if it exceeds :data:`MAX_FILE_BYTES`.

    At most one byte past the limit is read, so a huge (or endless) file costs nothing.
    Raises ``OSError`` and ``UnicodeDecodeError`` as reading does.
    """
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            size = max(path.stat().st_size, len(data))
            raise FileTooLarge(size)
    return data.decode("utf-8")


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that enforces :data:`MAX_DEPTH` and :data:`MAX_VALUES` as it composes.

    >>> yaml.load("a: [1, 2]", Loader=BoundedLoader)
    {'a': [1, 2]}
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0  # collections open around the node being composed
        self._values = 0  # values composed so far, aliases counted at their expanded size
        self._tallest: list[int] = []  # per open node: the greatest height of its children
        self._expanded: dict[int, tuple[int, int]] = {}  # id(anchored node) -> (values, height)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in the stubs
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:  # an undefined alias is PyYAML's own error
                size = self._expanded.get(id(target))
                if size is None:  # its anchor is on a node still being composed
                    raise LimitExceeded(
                        f"alias *{event.anchor} refers to a node that contains it"
                        " (a recursive structure)",
                        event.start_mark,
                    )
                values, height = size
                self._count(values, event.start_mark)
                if self._depth + height > MAX_DEPTH:
                    raise LimitExceeded(_too_deep(), event.start_mark)
                self._grow(height)
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise LimitExceeded(_too_deep(), event.start_mark)
        before = self._values
        self._count(1, event.start_mark)
        self._tallest.append(0)
        node = super().compose_node(parent, index)
        height = self._tallest.pop() + 1
        self._depth -= 1
        self._grow(height)
        if getattr(event, "anchor", None) is not None:
            self._expanded[id(node)] = (self._values - before, height)
        return node

    def _count(self, values: int, mark: Any) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise LimitExceeded(
                f"the file holds more than {MAX_VALUES:,} values once its aliases (*name)"
                " are expanded, the limit for a project file",
                mark,
            )

    def _grow(self, height: int) -> None:
        if self._tallest:
            self._tallest[-1] = max(self._tallest[-1], height)


def _too_deep() -> str:
    return (
        f"mappings and lists are nested more than {MAX_DEPTH} levels deep,"
        " the limit for a project file"
    )
