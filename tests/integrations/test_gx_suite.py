"""``trustwell import gx-suite``: a GX 1.x suite as checks on stdout, or appended with --into.

These tests feed the suite JSON GX 1.x writes (``ExpectationSuite.to_json_dict()``);
test_gx_real.py builds one with GX itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from integrations.conftest import cli
from trustwell.config.loader import load_project


def expectation(kind: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": {}, "id": "0b0", "severity": "critical"}


EVERY_MAPPED = [
    expectation("expect_column_values_to_not_be_null", column="email", mostly=0.7),
    expectation("expect_column_values_to_be_unique", column="id"),
    expectation("expect_column_values_to_be_in_set", column="channel", value_set=["a", "b"]),
    expectation("expect_column_values_to_be_between", column="amount", min_value=0, mostly=0.9),
    expectation("expect_column_values_to_match_regex", column="email", regex="@"),
    expectation("expect_column_value_lengths_to_be_between", column="code", max_value=3),
    expectation("expect_table_row_count_to_be_between", min_value=1, max_value=1000),
    expectation("expect_column_mean_to_be_between", column="amount", min_value=1, max_value=9),
    expectation("expect_column_median_to_be_between", column="amount", max_value=9),
    expectation("expect_column_min_to_be_between", column="amount", min_value=0),
    expectation("expect_column_max_to_be_between", column="amount", max_value=100),
    expectation("expect_column_unique_value_count_to_be_between", column="id", min_value=2),
    expectation("expect_table_columns_to_match_set", column_set=["id", "email"]),
    expectation("expect_column_values_to_be_of_type", column="id", type_="BIGINT"),
    expectation("expect_column_values_to_be_of_type", column="email", type_="VARCHAR"),
    expectation("expect_column_kl_divergence_to_be_less_than", column="amount"),
    expectation(
        "expect_column_values_to_be_between", column="amount", min_value=0, strict_min=True
    ),
    expectation("expect_column_values_to_be_unique", column="id", mostly=0.5),
    expectation("expect_column_values_to_not_be_null", column="id", row_condition="id>1"),
    expectation("expect_column_values_to_be_of_type", column="x", type_="object"),
]

EXPECTED_CHECKS = [
    {"type": "not_null", "column": "email", "max_failing_fraction": 0.3},
    {"type": "unique", "column": "id"},
    {"type": "accepted_values", "column": "channel", "values": ["a", "b"]},
    {"type": "range", "column": "amount", "min": 0, "max_failing_fraction": 0.1},
    {"type": "regex", "column": "email", "pattern": "@"},
    {"type": "length", "column": "code", "max": 3},
    {"type": "row_count", "min": 1, "max": 1000},
    {"type": "stat", "column": "amount", "stat": "mean", "min": 1, "max": 9},
    {"type": "stat", "column": "amount", "stat": "median", "max": 9},
    {"type": "stat", "column": "amount", "stat": "min", "min": 0},
    {"type": "stat", "column": "amount", "stat": "max", "max": 100},
    {"type": "stat", "column": "id", "stat": "distinct_count", "min": 2},
    {
        "type": "schema",
        "columns": {"id": "integer", "email": "string"},
        "allow_extra": False,
    },
]

EXPECTED_STDERR = """\
not converted: expect_column_kl_divergence_to_be_less_than (expectation 16): trustwell has no check for it
not converted: expect_column_values_to_be_between (expectation 17): strict bounds: trustwell's bounds are inclusive
not converted: expect_column_values_to_be_unique (expectation 18): mostly on uniqueness: GX and trustwell count duplicates differently
not converted: expect_column_values_to_not_be_null (expectation 19): row_condition is GX's own filter syntax: add where: by hand
not converted: expect_column_values_to_be_of_type (expectation 20): type 'object' has no trustwell schema type
"""  # noqa: E501


def write_suite(path: Path, expectations: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"name": "orders", "id": "1", "expectations": expectations}))
    return path


def test_every_mapped_expectation_prints_as_one_checks_document(project_dir: Path) -> None:
    suite = write_suite(project_dir / "suite.json", EVERY_MAPPED)
    code, stdout, stderr = cli(project_dir, "import", "gx-suite", str(suite))
    assert code == 0
    assert yaml.safe_load(stdout) == {"checks": EXPECTED_CHECKS}
    assert stdout.startswith("checks:\n- type: not_null\n  column: email\n")
    assert stderr == EXPECTED_STDERR


ASSETS = """\
# Orders, as the shop writes them.
assets:
  - name: raw.feed   # the feed
    owner: data-platform
    tier: 3
    checks:
      # kept fresh by the loader
      - {type: freshness, column: loaded_at, max_age: 26h, warn: {max_age: 20h}}
      - {type: unique, column: id}   # one row per id

    # the mart below reads this feed
  - name: marts.kpi
    owner: growth-analytics
    tier: 1
    upstream: [raw.feed]
    subscribers: [finance@acme.test]
  - name: other.table
    owner: growth-analytics
    tier: 2
    checks: []  # none yet
"""


@pytest.fixture
def commented(project_dir: Path) -> Path:
    (project_dir / "assets" / "acme.yml").write_text(ASSETS)
    return project_dir / "assets" / "acme.yml"


def into(project_dir: Path, asset: str, expectations: list[dict[str, Any]]) -> tuple[int, str]:
    suite = write_suite(project_dir / "suite.json", expectations)
    code, stdout, stderr = cli(project_dir, "import", "gx-suite", str(suite), "--into", asset)
    assert stdout == ""
    return code, stderr


def test_into_appends_to_the_checks_list_keeping_comments_and_naming_a_clash(
    project_dir: Path, commented: Path
) -> None:
    code, stderr = into(
        project_dir,
        "raw.feed",
        [
            expectation("expect_column_values_to_be_unique", column="id"),
            expectation("expect_table_row_count_to_be_between", min_value=1),
        ],
    )
    assert (code, stderr) == (0, f"appended 2 checks to raw.feed in {commented}\n")
    assert commented.read_text() == ASSETS.replace(
        "      - {type: unique, column: id}   # one row per id\n",
        "      - {type: unique, column: id}   # one row per id\n"
        "      - name: unique:id#2\n        type: unique\n        column: id\n"
        "      - type: row_count\n        min: 1\n",
    )
    feed = load_project(project_dir).asset("raw.feed")
    assert feed is not None
    assert [c.display_name for c in feed.checks] == [
        "freshness:loaded_at",
        "unique:id",
        "unique:id#2",
        "row_count",
    ]


def test_into_an_asset_without_checks_adds_the_key_and_into_an_empty_list_fills_it(
    project_dir: Path, commented: Path
) -> None:
    rows = [expectation("expect_table_row_count_to_be_between", min_value=3)]
    assert into(project_dir, "marts.kpi", rows)[0] == 0
    assert into(project_dir, "other.table", rows)[0] == 0
    assert commented.read_text() == ASSETS.replace(
        "    subscribers: [finance@acme.test]\n",
        "    subscribers: [finance@acme.test]\n    checks:\n      - type: row_count\n"
        "        min: 3\n",
    ).replace(
        "    checks: []  # none yet\n",
        "    checks:  # none yet\n      - type: row_count\n        min: 3\n",
    )
    project = load_project(project_dir)
    assert [c.type for a in project.assets for c in a.checks] == [
        "freshness",
        "unique",
        "row_count",
        "row_count",
    ]


def test_into_an_unknown_asset_exits_2_with_the_nearest_names_and_changes_nothing(
    project_dir: Path, commented: Path
) -> None:
    rows = [expectation("expect_table_row_count_to_be_between", min_value=3)]
    code, stderr = into(project_dir, "raw.fed", rows)
    assert (code, stderr) == (2, "error: unknown asset 'raw.fed': did you mean 'raw.feed'?\n")
    assert commented.read_text() == ASSETS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"name": "orders",\n "expectations": [}',
            " line 2 column 19: not valid JSON: Expecting value",
        ),
        ('["not", "a", "suite"]', ": not a GX expectation suite (a JSON object with expectations)"),
        ('{"name": "orders"}', ": not a GX expectation suite (no 'expectations' list)"),
        ('{"expectations": [{"kwargs": {}}]}', ": expectation 1 has no 'type'"),
    ],
)
def test_a_broken_or_misshapen_suite_exits_2_naming_the_file_and_writes_nothing(
    project_dir: Path, commented: Path, content: str, message: str
) -> None:
    suite = project_dir / "suite.json"
    suite.write_text(content)
    for extra in ([], ["--into", "raw.feed"]):
        code, stdout, stderr = cli(project_dir, "import", "gx-suite", str(suite), *extra)
        assert (code, stdout, stderr) == (2, "", f"error: {suite}{message}\n")
    assert commented.read_text() == ASSETS


def test_into_an_inline_checks_list_is_refused_with_its_line_and_changes_nothing(
    project_dir: Path, commented: Path
) -> None:
    inline = ASSETS.replace("    checks: []  # none yet\n", "    checks: [{type: row_count}]\n")
    commented.write_text(inline)
    rows = [expectation("expect_table_row_count_to_be_between", min_value=3)]
    code, stderr = into(project_dir, "other.table", rows)
    assert (code, stderr) == (
        2,
        "error: assets/acme.yml line 20: the checks of other.table are written inline ([...]):"
        " write them as a block list (one '- type: …' per line) to use --into\n",
    )
    assert commented.read_text() == inline
