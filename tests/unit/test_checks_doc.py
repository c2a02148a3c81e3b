"""``docs/checks.md`` documents every registered check type and each of its parameters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trustwell.checks.params import CheckBase
from trustwell.checks.registry import BUILTIN, CHECK_TYPES
from trustwell.checks.types.base import CheckType

DOC = Path(__file__).parents[2] / "docs" / "checks.md"


def sections() -> dict[str, str]:
    """``### `name` `` heading -> the text up to the next heading."""
    text = DOC.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for part in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        title, _, body = part.partition("\n")
        found[title.strip()] = body.split("\n## ")[0]
    return found


def test_every_registered_type_has_a_section_and_no_other_does() -> None:
    documented = [t.strip("`") for t in sections() if t.startswith("`")]
    assert documented == list(CHECK_TYPES)


@pytest.mark.parametrize("entry", BUILTIN, ids=[t.name for t in BUILTIN])
def test_each_type_documents_its_line_parameters_metric_nulls_and_empty_rule(
    entry: CheckType[CheckBase],
) -> None:
    body = sections()[f"`{entry.name}`"]
    assert entry.summary in body
    fields = entry.model.model_fields
    # as the project file spells them (drift's `threshold` is the field `limit`)
    own = [i.alias or f for f, i in fields.items() if f not in CheckBase.model_fields]
    (parameters,) = [line for line in body.splitlines() if line.startswith("- **Parameters**: ")]
    missing = [f for f in own if f"`{f}`" not in parameters]
    assert missing == [], f"{entry.name}: parameters not documented: {missing}"
    assert f"- **Metric** (`value`): {entry.metric}" in body
    assert f"- **NULLs**: {entry.nulls}" in body
    assert f"- **Empty table**: {entry.empty}" in body
    assert "- **Unit**: " in body


def test_the_keys_every_check_takes_are_documented() -> None:
    body = sections()["Keys every check takes"]
    assert [k for k in CheckBase.model_fields if f"`{k}`" not in body] == []
