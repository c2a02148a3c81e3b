"""``use_cases:`` of trustwell.yml: certification policies read, defaults, and their problems."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project

HEAD = "warehouses:\n  main: {type: duckdb}\nuse_cases:\n"


def settings(tmp_path: Path, use_cases: str) -> Path:
    text = HEAD + textwrap.indent(textwrap.dedent(use_cases), "  ")
    (tmp_path / "trustwell.yml").write_text(text, encoding="utf-8")
    return tmp_path


def problems(root: Path) -> list[str]:
    with pytest.raises(ProjectError) as info:
        load_project(root)
    return [str(p) for p in info.value.problems]


def labels(root: Path, name: str) -> list[str]:
    policy = load_project(root).settings.use_cases[name].policy(name)
    return [r.label for r in policy.requirements]


def test_every_kind_of_requirement_is_read_in_order(tmp_path: Path) -> None:
    settings(
        tmp_path,
        """\
        exec_reporting:
          requires: [freshness, schema, owner, description, lineage: known, slo: met,
                     {pass_rate: 99.5%, window: 7d}, drift]
          max_open_severity: SEV-3
          valid_for: 26h
        """,
    )
    policy = load_project(tmp_path).settings.use_cases["exec_reporting"].policy("exec_reporting")
    assert [r.label for r in policy.requirements] == [
        "freshness",
        "schema",
        "owner",
        "description",
        "lineage: known",
        "slo: met",
        "pass_rate: 99.5% over 7d",
        "drift",
    ]
    assert policy.requirements[6].minimum == pytest.approx(0.995)
    assert policy.requirements[6].window == timedelta(days=7)
    assert policy.max_open_severity == "SEV-3"
    assert policy.valid_for == timedelta(hours=26)
    assert not policy.from_risk


def test_a_pass_rate_without_window_is_over_28_days(tmp_path: Path) -> None:
    settings(tmp_path, "u: {requires: [{pass_rate: 95%}]}\n")
    assert labels(tmp_path, "u") == ["pass_rate: 95% over 28d"]


@pytest.mark.parametrize(
    ("risk", "expected"),
    [
        ("low", ["schema", "freshness"]),
        ("medium", ["schema", "freshness", "slo: met", "lineage: known"]),
        (
            "high",
            ["schema", "freshness", "slo: met", "lineage: known", "drift", "fairness", "model"],
        ),
    ],
)
def test_risk_gives_the_spec_defaults_when_requires_is_left_out(
    tmp_path: Path, risk: str, expected: list[str]
) -> None:
    settings(tmp_path, f"u: {{risk: {risk}}}\n")
    assert labels(tmp_path, "u") == expected
    assert load_project(tmp_path).settings.use_cases["u"].policy("u").from_risk


def test_requires_wins_over_risk_and_no_risk_means_low(tmp_path: Path) -> None:
    settings(tmp_path, "given: {risk: high, requires: [owner]}\nbare: {description: x}\n")
    assert labels(tmp_path, "given") == ["owner"]
    assert labels(tmp_path, "bare") == ["schema", "freshness"]


def test_the_demo_and_the_starter_policies_load(tmp_path: Path) -> None:
    root = Path(__file__).parents[2] / "src" / "trustwell"
    demo = load_project(root / "demo").settings.use_cases["exec_reporting"]
    assert [r.label for r in demo.policy("exec_reporting").requirements] == [
        "freshness",
        "row_count",
        "not_null",
        "unique",
    ]
    starter = (root / "config/starter/trustwell.yml").read_text(encoding="utf-8")
    line = next(x for x in starter.splitlines() if "exec_reporting:" in x)
    settings(tmp_path, line.lstrip("# ").strip() + "\n")
    assert labels(tmp_path, "exec_reporting") == ["freshness", "row_count", "not_null", "unique"]


def test_misspelt_and_impossible_requirements_name_line_and_nearest(tmp_path: Path) -> None:
    settings(
        tmp_path,
        """\
        exec_reporting:
          requires:
            - freshnes
            - linage: known
            - lineage: unknown
            - slo
            - {pass_rate: 150%, window: 7d}
            - {pass_rate: 99%, windw: 7d}
            - {pass_rate: 99%, window: 0d}
            - owner
            - owner
            - 42
          max_open_severity: SEV2
          valid_for: soon
        empty: {requires: []}
        """,
    )
    assert problems(tmp_path) == [
        "unknown requirement 'freshnes' of use case 'exec_reporting' in trustwell.yml line 6:"
        " did you mean 'freshness'?",
        "unknown requirement 'linage' of use case 'exec_reporting' in trustwell.yml line 7:"
        " did you mean 'lineage'?",
        "requirement 'lineage' of use case 'exec_reporting' can only be 'lineage: known',"
        " not 'unknown' in trustwell.yml line 8",
        "requirement 'slo' of use case 'exec_reporting' needs its value: write 'slo: met'"
        " in trustwell.yml line 9",
        "pass_rate of use case 'exec_reporting' is '150%': write a percentage from 0% to 100%,"
        " e.g. 99% in trustwell.yml line 10",
        "unknown key 'windw' of the pass_rate requirement of use case 'exec_reporting'"
        " in trustwell.yml line 11: did you mean 'window'?",
        "window of the pass_rate of use case 'exec_reporting': '0d' must be longer than 0"
        " in trustwell.yml line 12",
        "requirement 'owner' of use case 'exec_reporting' is listed twice (first as #8)"
        " in trustwell.yml line 14",
        "requirement 42 of use case 'exec_reporting' must be a check type, owner, description,"
        " 'lineage: known', 'slo: met' or {pass_rate: 99%, window: 28d} in trustwell.yml line 15",
        "max_open_severity of use case 'exec_reporting' is 'SEV2': use none, SEV-1, SEV-2"
        " or SEV-3 in trustwell.yml line 16: did you mean 'SEV-2'?",
        "valid_for of use case 'exec_reporting': 'soon' is not a duration: write a number and"
        " a unit (s, m, h, d, w), e.g. '26h' in trustwell.yml line 17",
        "requires of use case 'empty' is empty: name what it needs, or leave requires out to"
        " use the defaults of its risk in trustwell.yml line 18",
    ]


def test_a_misspelt_key_or_risk_of_a_use_case_is_refused(tmp_path: Path) -> None:
    settings(tmp_path, "u:\n  risk: hihg\n  valid_fro: 1d\n")
    assert problems(tmp_path) == [
        "risk must be one of 'low', 'medium' or 'high', got 'hihg' in trustwell.yml line 5",
        "unknown key 'valid_fro' in use case 'u' in trustwell.yml line 6:"
        " did you mean 'valid_for'?",
    ]


def test_quoted_lineage_and_slo_read_as_the_mappings(tmp_path: Path) -> None:
    settings(
        tmp_path,
        """\
        exec_reporting:
          requires: [freshness, "lineage: known", 'slo:met']
        broken:
          requires: ["lineage: unknown", "linage: known"]
        """,
    )
    assert problems(tmp_path) == [
        "requirement 'lineage' of use case 'broken' can only be 'lineage: known',"
        " not 'unknown' in trustwell.yml line 7",
        "unknown requirement 'linage' of use case 'broken' in trustwell.yml line 7:"
        " did you mean 'lineage'?",
    ]
    (tmp_path / "trustwell.yml").write_text(
        HEAD + "  exec_reporting:\n    requires: [freshness, \"lineage: known\", 'slo:met']\n"
    )
    assert labels(tmp_path, "exec_reporting") == ["freshness", "lineage: known", "slo: met"]
