"""Project files as data with line numbers, and Pydantic errors mapped back onto those lines.

:func:`read_yaml` keeps the line of every key and value, so that
:func:`problems_from` can turn a ``ValidationError`` into problems that name
file, line and the nearest valid key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from trustwell.config.env import UndefinedVariable, substitute
from trustwell.config.errors import Problem, did_you_mean
from trustwell.config.yaml_limits import BoundedLoader, FileTooLarge, LimitExceeded, read_limited

SETTINGS_FILE = "trustwell.yml"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

Loc = tuple[Any, ...]  # a path into the data: keys and list indexes


class _Unreadable:
    """Stands for a value that could not be read (already reported): models refuse it
    and :func:`problems_from` drops what they say about it."""

    def __repr__(self) -> str:
        return "<unreadable>"


UNREADABLE = _Unreadable()


@dataclass
class Doc:
    """One parsed YAML file: its data and the line of every key and value in it."""

    file: str  # relative to the project root, posix form
    data: Any
    keys: dict[Loc, int] = field(default_factory=dict)
    values: dict[Loc, int] = field(default_factory=dict)

    def line(self, path: Loc) -> int | None:
        """The line of the value at ``path`` (or of its key)."""
        return self.values.get(path) or self.keys.get(path)

    def key_line(self, path: Loc) -> int | None:
        """The line of the key that ends ``path`` (or of its value)."""
        return self.keys.get(path) or self.values.get(path)


# --- reading YAML with line numbers -------------------------------------------------


def read_yaml(
    path: Path, label: str, problems: list[Problem], *, keep_timestamps: bool
) -> Doc | None:
    """Parse one YAML file into plain data plus the line of every key and value.

    ``${VAR}`` references in string values are replaced from the environment.
    Timestamps stay text when ``keep_timestamps`` (the settings models want
    strings such as ``2026-01-05T09:00:00Z``). Problems are appended; None is
    returned when the file cannot be parsed at all.
    """
    try:
        text = read_limited(path)
    except UnicodeDecodeError:
        problems.append(Problem(label, None, "the file is not UTF-8 text"))
        return None
    except FileTooLarge as exc:
        problems.append(Problem(label, None, str(exc)))
        return None
    except OSError as exc:
        problems.append(Problem(label, None, f"the file cannot be read: {exc.strerror}"))
        return None
    loader = BoundedLoader(text)
    doc = Doc(label, None)
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _convert(node, (), doc, loader, problems, keep_timestamps)
    except LimitExceeded as exc:
        mark = exc.problem_mark
        problems.append(Problem(label, mark.line + 1 if mark else None, str(exc.problem)))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "cannot be parsed"
        problems.append(Problem(label, mark.line + 1 if mark else None, f"invalid YAML: {reason}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(label, None, f"invalid YAML: {exc}"))
        return None
    finally:
        loader.dispose()
    return doc


def _convert(
    node: yaml.Node,
    path: Loc,
    doc: Doc,
    loader: yaml.SafeLoader,
    problems: list[Problem],
    keep_timestamps: bool,
) -> Any:
    doc.values[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        written = {id(k) for k, _ in node.value}  # keys merged in by ``<<:`` may be overridden
        loader.flatten_mapping(node)  # resolves ``<<: *anchor`` merges
        result: dict[Any, Any] = {}
        explicit: set[Any] = set()
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(doc.file, line, "a key must be a plain value"))
                continue
            try:
                key = loader.construct_object(key_node)
            except ValueError as exc:
                problems.append(Problem(doc.file, line, _unreadable(key_node, exc)))
                continue
            if id(key_node) in written:
                if key in explicit:
                    problems.append(Problem(doc.file, line, f"duplicate key '{key}'"))
                explicit.add(key)
            doc.keys[(*path, key)] = line
            result[key] = _convert(value_node, (*path, key), doc, loader, problems, keep_timestamps)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, i), doc, loader, problems, keep_timestamps)
            for i, item in enumerate(node.value)
        ]
    if keep_timestamps and node.tag == _TIMESTAMP_TAG:
        return node.value
    try:
        value = loader.construct_object(node)
    except ValueError as exc:  # 2026-13-45, or an integer of more than 4,300 digits
        problems.append(Problem(doc.file, node.start_mark.line + 1, _unreadable(node, exc)))
        return UNREADABLE
    if isinstance(value, str):
        try:
            return substitute(value)
        except UndefinedVariable as exc:
            for name in exc.names:
                problems.append(
                    Problem(
                        doc.file,
                        node.start_mark.line + 1,
                        f"environment variable '{name}' is not set",
                        f": set it, or give a default with ${{{name}:-default}}",
                    )
                )
    return value


def _unreadable(node: yaml.Node, exc: ValueError) -> str:
    text = str(node.value)
    shown = repr(text if len(text) <= 40 else f"{text[:20]}…{text[-10:]}")
    if node.tag.endswith(":int"):
        return f"the number {shown} cannot be read: it has more than 4,300 digits"
    kind = "date" if node.tag == _TIMESTAMP_TAG else "value"
    return f"the {kind} {shown} cannot be read: {exc}"


# --- Pydantic errors -> problems with file and line -----------------------------------

_EXPECTED = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "string": "a string",
    "date": "a date",
    "datetime": "a date and time",
    "list": "a list",
    "dict": "a mapping",
    "model": "a mapping",
}
_BOUNDS = {"ge": "at least", "gt": "greater than", "le": "at most", "lt": "less than"}
_BOUND_ERRORS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
_SECTIONS = {
    "warehouses": "warehouse",
    "people": "person",
    "teams": "team",
    "oncall": "on-call rotation",
    "channels": "channel",
    "response": "response policy",
    "use_cases": "use case",
}


def problems_from(
    exc: ValidationError, root: type[BaseModel], prefix: Loc, doc: Doc
) -> list[Problem]:
    """One problem per offending key (union members that fail alike are reported once)."""
    groups: dict[tuple[Loc, str], list[tuple[Loc, Any]]] = {}
    for err in exc.errors():
        if err.get("input") is UNREADABLE:
            continue  # reported when the file was read
        loc = tuple(err["loc"])
        kind = {"extra_forbidden": "extra", "missing": "missing"}.get(err["type"], "type")
        if err["type"] == "trustwell_rule":
            loc = (*loc, *err["ctx"]["key"])
            kind = "rule"
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            kind = "tag"
        elif err["type"] in ("value_error", "assertion_error"):
            kind = "value"
        elif "[key]" in loc:
            kind = "key"
        path = _data_path(doc.data, prefix + loc)
        groups.setdefault((path, kind), []).append((loc, err))
    return [_problem(doc, root, path, kind, items) for (path, kind), items in groups.items()]


def _data_path(data: Any, loc: Loc) -> Loc:
    """``loc`` without the union tags and member names Pydantic adds (``not_null``, ``int``)."""
    path: list[Any] = []
    for i, part in enumerate(loc):
        if (
            i
            and isinstance(loc[i - 1], int)
            and isinstance(data, dict)
            and part == data.get("type")
        ):
            continue  # the tag after a list index, even where a key shares its name (stat: mean)
        if (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        ):
            data = data[part]
        elif _missing_key(data, part, last=i == len(loc) - 1):
            pass  # a missing key: keep it as the last part
        else:
            continue
        path.append(part)
    return tuple(path)


def _missing_key(data: Any, part: Any, *, last: bool) -> bool:
    """A required key is reported as the last part of its loc (not a tag, not ``[key]``)."""
    return last and isinstance(data, dict) and part not in ("[key]", data.get("type"))


def _in_list(data: Any, part: Any) -> bool:
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _problem(doc: Doc, root: type[BaseModel], path: Loc, kind: str, items: list[Any]) -> Problem:
    err = items[0][1]
    where, label = _context(doc, path)
    given = _given(err.get("input"))
    if kind == "extra":
        fields: set[str] = set()
        for member_loc, _ in items:
            fields.update(_fields_of(_model_at(root, member_loc[:-1])))
        hint = did_you_mean(str(path[-1]), sorted(fields))
        return Problem(doc.file, doc.key_line(path), f"unknown key '{label}'{where}", hint)
    if kind == "missing":  # on the line of the entry that lacks it (its key, e.g. warn:)
        return Problem(doc.file, doc.key_line(path[:-1]), f"missing key '{label}'{where}")
    if kind == "tag":
        return _tag_problem(doc, path, err, where)
    if kind == "rule":  # a rule across keys, on the line of the key it names
        return Problem(doc.file, doc.line(path), f"{err['msg']}{where}")
    if kind == "key":
        return Problem(doc.file, doc.key_line(path), f"the key {given} must be a string")
    if kind == "value":
        message = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        value = doc.data
        for part in path:
            value = _child(value, part)
        if isinstance(value, dict):  # a rule across several keys of one mapping
            return Problem(doc.file, doc.line(path), f"{message}{where}")
        if path and path[-1] == "pattern" and " does not compile: " in message:
            reason = message.split(" does not compile: ", 1)[1]
            message = f"pattern {given} is not a valid regular expression ({reason})"
        elif not message.startswith(f"{label}"):
            message = f"{label}: {message}"
        return Problem(doc.file, doc.line(path), message)
    expected: list[str] = []
    for _, member in items:
        text = _expectation(member)
        if text not in expected:
            expected.append(text)
    if any(e.startswith("be ") for e in expected):  # a bound, not a type
        return Problem(doc.file, doc.line(path), f"{label} must {expected[0]}, got {given}")
    if "a number" in expected and "an integer" in expected:
        expected.remove("an integer")
    wanted = " or ".join(expected) if len(expected) < 3 else ", ".join(expected[:-1])
    if len(expected) >= 3:
        wanted += f" or {expected[-1]}"
    return Problem(doc.file, doc.line(path), f"{label} must be {wanted}, got {given}")


def _tag_problem(doc: Doc, path: Loc, err: Any, where: str) -> Problem:
    from trustwell.checks.registry import CHECK_TYPES, LATER_TYPES
    from trustwell.config.models import WAREHOUSE_TYPES

    is_check = len(path) >= 2 and path[-2] == "checks"
    what = "check" if is_check else "warehouse"
    if err["type"] == "union_tag_not_found":
        valid = CHECK_TYPES if is_check else WAREHOUSE_TYPES
        hint = f": one of {', '.join(valid)}"
        return Problem(doc.file, doc.key_line(path), f"missing key 'type'{where}", hint)
    tag = str(err["ctx"]["tag"])
    line = doc.line((*path, "type"))
    if is_check and tag in LATER_TYPES:
        return Problem(doc.file, line, f"check type '{tag}' is not available in this version")
    valid = (*CHECK_TYPES, *LATER_TYPES) if is_check else WAREHOUSE_TYPES
    return Problem(doc.file, line, f"unknown {what} type '{tag}'", did_you_mean(tag, valid))


def _context(doc: Doc, path: Loc) -> tuple[str, str]:
    """(`` in check 'not_null'``, the key's name within that check) for a data path."""
    where, start, data = "", 0, doc.data
    for i, part in enumerate(path):
        data = _child(data, part)
        parent = path[i - 1] if i else None
        if parent in ("assets", "checks") and isinstance(part, int):
            noun = "asset" if parent == "assets" else "check"
            named = data if isinstance(data, dict) else {}
            title = named.get("name")
            if noun == "check" and not isinstance(title, str):
                title = named.get("type")
            where = f" in {noun} '{title}'" if isinstance(title, str) else f" in {noun} #{part + 1}"
            start = i + 1
        elif i == 1 and path[0] in _SECTIONS and doc.file == SETTINGS_FILE:
            where, start = f" in {_SECTIONS[path[0]]} '{part}'", 2
        elif i == 3 and path[0] == "oncall" and path[2] == "overrides" and isinstance(part, int):
            where, start = f" in override #{part + 1} of on-call rotation '{path[1]}'", 4
    label = ""
    for part in path[start:]:
        label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else str(part))
    return where, label


def _child(data: Any, part: Any) -> Any:
    if isinstance(data, dict):
        return data.get(part)
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    return None


def _given(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(str(value))


def _expectation(err: Any) -> str:
    kind = str(err["type"])
    ctx = err.get("ctx") or {}
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    for bound, words in _BOUNDS.items():
        if kind in _BOUND_ERRORS and bound in ctx:
            return f"be {words} {ctx[bound]}"
    if kind == "too_short":
        return "be non-empty"
    base = kind.split("_")[0]
    return _EXPECTED.get(base, str(err["msg"]).removeprefix("Input should be ").lower())


def _model_at(root: Any, loc: Loc) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc`` (a raw Pydantic loc, tags included)."""
    tp: Any = root
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
            continue
        if get_origin(tp) in (Union, UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        return tp


def _step(tp: Any, part: Any) -> Any:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin = get_origin(tp)
    if origin is list and isinstance(part, int):
        return get_args(tp)[0]
    if origin is dict:
        return get_args(tp)[1]
    if origin in (Union, UnionType):
        for member in map(_unwrap, get_args(tp)):
            if not (isinstance(member, type) and issubclass(member, BaseModel)):
                continue
            tag = member.model_fields.get("type")
            tags = get_args(tag.annotation) if tag is not None else ()
            if member.__name__ == part or part in tags:
                return member
    return None


def _fields_of(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    names = [info.alias or name for name, info in model.model_fields.items()]
    return names
