"""Editing project YAML as text, keeping the comments and layout around a change.

Two writers change asset files in place: ``trustwell import dbt-tests`` adds
checks to an asset (``integrations/asset_file.py``) and ``trustwell contract
import`` replaces an asset's list item (``contracts/asset_files.py``). Both
find the node with PyYAML's composer and splice text; these are the two
helpers they share.
"""

from __future__ import annotations

import yaml


def last_line(node: yaml.Node) -> int:
    """The 0-based line of the node's last character (a block collection's end
    mark is the start of whatever follows it, comments and blank lines included)."""
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return last_line(node.value[-1])
    end = node.end_mark
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def indent_block(block: str, spaces: int) -> str:
    """``block`` with every non-blank line indented by ``spaces``."""
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in block.splitlines(True))
