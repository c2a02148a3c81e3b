"""``trustwell contract diff``: each breaking kind exits 1, additive changes exit 0, bad input 2."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from contract_support import cli, export, odcs_errors, write

Doc = dict[str, Any]

SLO = {
    "property": "slo",
    "value": 99,
    "unit": "percent",
    "element": "marts.weekly_cac",
    "customProperties": [
        {"property": "check", "value": "row_count", "vendor": "trustwell"},
        {"property": "window", "value": "28d", "vendor": "trustwell"},
    ],
}


@pytest.fixture(scope="module")
def base(demo: Path) -> Doc:
    document = export(demo, "marts.weekly_cac")
    document["slaProperties"].append(copy.deepcopy(SLO))
    return document


def _prop(doc: Doc, name: str) -> Doc:
    found: Doc = next(p for p in doc["schema"][0]["properties"] if p["name"] == name)
    return found


def _rule(doc: Doc, name: str, column: str | None = None) -> Doc:
    rules = _prop(doc, column)["quality"] if column else doc["schema"][0]["quality"]
    found: Doc = next(q for q in rules if q["name"] == name)
    return found


def _remove_column(doc: Doc) -> None:
    doc["schema"][0]["properties"] = [
        p for p in doc["schema"][0]["properties"] if p["name"] != "cac"
    ]


def _retype(doc: Doc) -> None:
    _prop(doc, "new_customers").update(logicalType="string", physicalType="VARCHAR")


def _require(doc: Doc) -> None:
    _prop(doc, "loaded_at")["required"] = True


def _lower_max(doc: Doc) -> None:
    _rule(doc, "range:cac", "cac")["implementation"]["max"] = 150


def _narrow_values(doc: Doc) -> None:
    _rule(doc, "accepted_values:channel", "channel")["arguments"]["validValues"].remove("referral")


def _new_not_null(doc: Doc) -> None:
    new = {"name": "not_null:loaded_at", "metric": "nullValues", "mustBe": 0}
    _prop(doc, "loaded_at")["quality"].append(new)


def _more_rows(doc: Doc) -> None:
    _rule(doc, "row_count")["mustBeGreaterOrEqualTo"] = 50


def _longer_latency(doc: Doc) -> None:
    doc["slaProperties"][0]["value"] = 4


def _lower_objective(doc: Doc) -> None:
    doc["slaProperties"][1]["value"] = 95


def _drop_sla(doc: Doc) -> None:
    del doc["slaProperties"][1]


BREAKING: list[tuple[Callable[[Doc], None], str, str]] = [
    (_remove_column, "column_removed", "column marts.weekly_cac.cac removed"),
    (_retype, "column_retyped", "bigint (integer) → varchar (string)"),
    (_require, "required_added", "marts.weekly_cac.loaded_at now required"),
    (_lower_max, "rule_tightened", "[1, 200] → [1, 150]"),
    (_narrow_values, "rule_tightened", 'validValues: removed "referral"'),
    (_new_not_null, "rule_added", "rule not_null:loaded_at added"),
    (_more_rows, "rule_tightened", "mustBeGreaterOrEqualTo 40 → mustBeGreaterOrEqualTo 50"),
    (_longer_latency, "sla_lowered", "3d → 4d"),
    (_lower_objective, "sla_lowered", "99percent → 95percent"),
    (_drop_sla, "sla_removed", "SLA slo row_count removed"),
]


@pytest.mark.parametrize(
    ("change", "kind", "text"), BREAKING, ids=[b[1] + ":" + b[0].__name__ for b in BREAKING]
)
def test_each_breaking_change_exits_1(
    demo: Path, base: Doc, tmp_path: Path, change: Callable[[Doc], None], kind: str, text: str
) -> None:
    new = copy.deepcopy(base)
    change(new)
    assert odcs_errors(new) == []  # a valid contract, only a different one
    old_file, new_file = write(tmp_path / "old.yaml", base), write(tmp_path / "new.yaml", new)
    code, out, _ = cli(
        "contract", "diff", "--project", str(demo), str(old_file), str(new_file), "--format", "json"
    )
    assert code == 1
    report = json.loads(out)
    assert report["breaking"] is True
    (found,) = [c for c in report["changes"] if c["breaking"]]
    assert found["kind"] == kind and text in found["message"], found
    code, out, _ = cli("contract", "diff", "--project", str(demo), str(old_file), str(new_file))
    assert code == 1 and out.startswith("BREAKING  ") and "1 breaking change," in out


def test_additions_and_loosening_exit_0(demo: Path, base: Doc, tmp_path: Path) -> None:
    new = copy.deepcopy(base)
    new["schema"][0]["properties"].append(
        {"name": "region", "logicalType": "string", "required": True}
    )
    _rule(new, "range:cac", "cac")["implementation"]["max"] = 300
    channel = _prop(new, "channel")
    channel["quality"] = [q for q in channel["quality"] if q["name"] != "accepted_values:channel"]
    new["slaProperties"][0]["value"] = 2  # fresher than promised
    _rule(new, "row_count")["description"] = "Thirteen weeks of four channels."
    old_file, new_file = write(tmp_path / "old.yaml", base), write(tmp_path / "new.yaml", new)
    code, out, _ = cli(
        "contract", "diff", "--project", str(demo), str(old_file), str(new_file), "--format", "json"
    )
    assert code == 0, out
    report = json.loads(out)
    assert report["breaking"] is False
    assert sorted(c["kind"] for c in report["changes"]) == [
        "column_added",
        "rule_loosened",
        "rule_removed",
        "sla_raised",
    ]
    code, out, _ = cli("contract", "diff", "--project", str(demo), str(old_file), str(old_file))
    assert (code, out) == (0, "no changes\n")


def test_an_invalid_contract_exits_2_with_its_path(demo: Path, base: Doc, tmp_path: Path) -> None:
    new = copy.deepcopy(base)
    _prop(new, "cac")["required"] = "yes"
    old_file, new_file = write(tmp_path / "old.yaml", base), write(tmp_path / "new.yaml", new)
    code, out, err = cli("contract", "diff", "--project", str(demo), str(old_file), str(new_file))
    assert code == 2 and out == ""
    lines = new_file.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "required: 'yes'" in text)
    assert (
        f"line {line}, at schema[0].properties[4].required: 'yes' is not of type 'boolean'" in err
    )
    code, _, err = cli(
        "contract", "diff", "--project", str(demo), str(old_file), str(tmp_path / "missing.yaml")
    )
    assert code == 2 and "cannot be read" in err


def test_a_column_dropped_from_a_shared_not_null_is_loosening(
    demo: Path, base: Doc, tmp_path: Path
) -> None:
    """The check's name changes with its columns; its rules are still matched by content."""
    old_name = "not_null:week,channel,spend,new_customers,cac"
    new = copy.deepcopy(base)
    for prop in new["schema"][0]["properties"]:
        rules = prop.get("quality", [])
        for rule in rules:
            if rule["name"] == old_name:
                rule["name"] = "not_null:week,channel,spend,new_customers"
        if prop["name"] == "cac":
            prop["quality"] = [r for r in rules if r.get("metric") != "nullValues"]
            del prop["required"]
    old_file, new_file = write(tmp_path / "old.yaml", base), write(tmp_path / "new.yaml", new)
    code, out, _ = cli(
        "contract", "diff", "--project", str(demo), str(old_file), str(new_file), "-f", "json"
    )
    assert code == 0, out
    kinds = sorted(c["kind"] for c in json.loads(out)["changes"])
    assert kinds == ["required_removed", "rule_removed"]
