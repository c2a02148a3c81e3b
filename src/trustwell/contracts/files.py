"""Contract documents on disk: read with the line of every value, validated, written.

Documents are validated against the ODCS JSON Schema that the
``open-data-contract-standard`` package ships (its ``schema.json``), with
``jsonschema``; both are imported only here, when a contract is read or
written. A violation is reported with its path in the document and its line.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from trustwell.config.errors import did_you_mean
from trustwell.contracts.reading import show_path
from trustwell.errors import Invalid

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
PACKAGE = "open_data_contract_standard"


class ContractInvalid(Invalid):
    """A contract cannot be read or breaks the ODCS schema (exit code 2); each problem listed."""

    code = "invalid_contract"

    def __init__(self, label: str, problems: list[str]) -> None:
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        count = len(problems)
        super().__init__(
            f"{label} is not a valid ODCS contract ({count} problem{'s' * (count != 1)}):\n{listed}"
        )


class StandardMissing(Invalid):
    """The ``open-data-contract-standard`` package is not installed."""

    code = "missing_dependency"


@dataclass
class Contract:
    """One parsed document and the line of every value in it."""

    label: str
    data: Any
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line(self, path: tuple[Any, ...]) -> int | None:
        """The line of ``path``, or of its nearest parent that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


@functools.cache
def odcs_schema() -> dict[str, Any]:
    """The ODCS JSON Schema shipped in the installed standard package."""
    from importlib import resources

    try:
        text = (resources.files(PACKAGE) / "schema.json").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        raise StandardMissing(
            "data contracts need the open-data-contract-standard package:"
            " pip install 'trustwell[interop]'"
        ) from None
    schema: dict[str, Any] = json.loads(text)
    return schema


def api_version() -> str:
    """The v3 version the installed schema defaults to (``apiVersion``)."""
    spec = odcs_schema()["properties"]["apiVersion"]
    default = spec.get("default")
    if isinstance(default, str) and default.startswith("v3"):
        return default
    return str(next(v for v in spec["enum"] if str(v).startswith("v3")))


def violations(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    """Every schema violation of ``data`` as (path, message), in document order."""
    from jsonschema.validators import validator_for

    schema = odcs_schema()
    validator = validator_for(schema)(schema)
    found = []
    for error in validator.iter_errors(data):
        message = error.message if len(error.message) <= 300 else error.message[:297] + "…"
        if error.validator == "enum" and isinstance(error.instance, str):
            message += did_you_mean(error.instance, [str(v) for v in error.validator_value])
        found.append((tuple(error.absolute_path), message))
    return sorted(found, key=lambda item: [str(p) for p in item[0]])


def validate(contract: Contract) -> None:
    """Raise :class:`ContractInvalid` listing each violation with its path and line."""
    if not isinstance(contract.data, dict):
        raise ContractInvalid(contract.label, ["the document is not a mapping of keys"])
    problems = []
    for path, message in violations(contract.data):
        line = contract.line(path)
        where = f"line {line}, " if line else ""
        problems.append(f"{where}at {show_path(path) or '(top level)'}: {message}")
    if problems:
        raise ContractInvalid(contract.label, problems)


def read_contract(path: Path) -> Contract:
    """Parse a YAML (or JSON) contract, keeping the line of every value."""
    from trustwell.config.yaml_limits import BoundedLoader, FileTooLarge, read_limited

    label = path.as_posix()
    try:
        text = read_limited(path)
    except (OSError, UnicodeDecodeError, FileTooLarge) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ContractInvalid(label, [f"the file cannot be read: {reason}"]) from None
    loader = BoundedLoader(text)
    contract = Contract(label, None)
    try:
        node = loader.get_single_node()
        if node is not None:
            contract.data = _convert(node, (), contract, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        reason = exc.problem or exc.context or "cannot be parsed"
        raise ContractInvalid(label, [f"{where}invalid YAML: {reason}"]) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise ContractInvalid(label, [f"invalid YAML: {exc}"]) from None
    finally:
        loader.dispose()
    return contract


def _convert(node: yaml.Node, path: tuple[Any, ...], contract: Contract, loader: Any) -> Any:
    contract.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            result[key] = _convert(value_node, (*path, key), contract, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), contract, loader) for i, item in enumerate(node.value)]
    if node.tag == _TIMESTAMP_TAG:
        return node.value  # JSON Schema wants dates as strings
    return loader.construct_object(node)


class _Dumper(yaml.SafeDumper):
    """Block YAML with multi-line text (SQL) as ``|`` literal blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and value == value.rstrip(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_yaml(doc: Any) -> str:
    """A document as block YAML, keys in the order given."""
    text: str = yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return text
