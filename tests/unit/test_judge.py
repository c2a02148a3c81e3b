"""The judge: the standard types' evaluation from a JSON spec, without Pydantic or sqlglot.

Checks are loaded from a project file as ``trustwell run`` loads them; each
case asserts the exact outcome, that the type's spec survives JSON, and that
the judge on the decoded spec gives what the type's ``evaluate`` gives.
"""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from trustwell.checks import judge as judge_module
from trustwell.checks import outcome as outcome_module
from trustwell.checks.context import EvaluationContext
from trustwell.checks.evaluate import evaluate
from trustwell.checks.judge import judge
from trustwell.checks.params import CheckBase
from trustwell.checks.registry import BUILTIN, type_of
from trustwell.config.loader import load_project
from trustwell.engines.base import Column

SRC = Path(__file__).resolve().parents[2] / "src"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
NO_MISMATCH: dict[str, list[Any]] = {"missing": [], "mistyped": [], "unexpected": []}
JUDGED = {
    "row_count",
    "freshness",
    "not_null",
    "unique",
    "accepted_values",
    "range",
    "regex",
    "length",
    "stat",
    "schema",
    "references",
    "sql",
    "anomaly",
}

PROJECT = """\
    assets:
      - name: customers
        table: customers
        checks:
          - {type: not_null, column: email}
          - type: not_null
            name: nulls_warned
            columns: [email, phone]
            max_failing: 10
            warn: {max_failing: 0}
          - type: not_null
            name: nulls_fraction
            column: email
            max_failing_fraction: 0.01
            warn: {max_failing_fraction: 0.005}
          - {type: accepted_values, column: status, values: [active, churned]}
          - {type: range, column: age, min: 0, max: 130, max_failing: 2}
          - {type: regex, column: zip, pattern: "^[0-9]{5}$"}
          - {type: length, column: code, min: 2, max: 4, max_failing_fraction: 0.1}
          - {type: unique, column: id}
          - type: unique
            name: one_per_day
            columns: [id, day]
            max_failing: 1
            warn: {max_failing: 0}
          - {type: row_count, min: 1}
          - {type: row_count, name: rows_warned, min: 10, max: 1000, warn: {min: 100, max: 900}}
          - {type: freshness, column: loaded_at, max_age: 26h}
          - {type: freshness, name: fresh_warned, column: loaded_at, max_age: 2d,
             warn: {max_age: 1d}}
          - {type: stat, column: cac, stat: mean, min: 10, max: 100, warn: {max: 80}}
          - {type: stat, column: email, stat: null_fraction, max: 0.1}
          - {type: stat, column: country, stat: distinct_count, min: 5}
          - {type: stat, name: spread, column: cac, stat: stddev, max: 2.5}
          - {type: schema, columns: {id: integer}}
          - {type: schema, name: exact_schema, columns: {id: integer, Name: string},
             allow_extra: false}
          - {type: references, column: id, to: orders.customer_id}
          - {type: sql, query: "select count(*) from customers", min: 1}
          - {type: sql, name: bad_rows, failing_rows: "select * from customers where id < 0"}
          - {type: sql, name: warned_query, query: "select 1", min: 1, max: 10, warn: {max: 5}}
          - {type: anomaly, metric: row_count}
          - {type: drift, column: age, reference: {where: "day < '2026-01-01'"}}
          - {type: fairness, prediction: approved, sensitive: segment, favorable: 1,
             metric: demographic_parity_ratio, min: 0.8}
          - {type: model, prediction: predicted, label: churned, metric: accuracy, min: 0.7}
      - name: orders
        table: orders
"""


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CheckBase]:
    root = tmp_path_factory.mktemp("project")
    (root / "assets").mkdir()
    (root / "assets" / "customers.yml").write_text(textwrap.dedent(PROJECT), encoding="utf-8")
    asset = next(a for a in load_project(root).assets if a.name == "customers")
    return {c.display_name: c for c in asset.checks}


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


# (check, values, timezone) -> (status, value, failing_fraction, message, details)
CASES: list[tuple[str, dict[str, Any], str | None, tuple[Any, ...]]] = [
    # schema: the described columns against the declared ones (names without case)
    (
        "schema",
        {"columns": [Column("ID", "BIGINT", "integer"), Column("x", "VARCHAR", "string")]},
        None,
        ("pass", 0.0, None, "1 declared column matches", NO_MISMATCH),
    ),
    (
        "exact_schema",
        {"columns": [Column("id", "VARCHAR", "string"), Column("extra", "BLOB", None)]},
        None,
        (
            "fail",
            3.0,
            None,
            "id is VARCHAR (string), expected integer; missing column Name;"
            " unexpected column extra",
            {
                "missing": ["Name"],
                "mistyped": [{"column": "id", "expected": "integer", "actual": "VARCHAR"}],
                "unexpected": ["extra"],
            },
        ),
    ),
    # row-level: failing rows against max_failing / max_failing_fraction, warn levels
    (
        "not_null:email",
        {"failing": 3, "scope": 200},
        None,
        ("fail", 3.0, 0.015, "3 rows with NULL in email (1.50% of 200); allowed 0", None),
    ),
    (
        "not_null:email",
        {"failing": 0, "scope": 0},
        None,
        ("pass", 0.0, None, "0 rows with NULL in email (no rows in scope); allowed 0", None),
    ),
    (
        "not_null:email",
        {"failing": None, "scope": None},
        None,
        ("pass", 0.0, None, "0 rows with NULL in email (no rows in scope); allowed 0", None),
    ),
    (
        "nulls_warned",
        {"failing": 0, "scope": 5},
        None,
        ("pass", 0.0, 0.0, "0 rows with NULL in email,phone; allowed 10", None),
    ),
    (
        "nulls_warned",
        {"failing": 4, "scope": 5},
        None,
        (
            "warn",
            4.0,
            0.8,
            "4 rows with NULL in email,phone (80.00% of 5); allowed 0 before warning",
            None,
        ),
    ),
    (
        "nulls_warned",
        {"failing": 11, "scope": 50},
        None,
        ("fail", 11.0, 0.22, "11 rows with NULL in email,phone (22.00% of 50); allowed 10", None),
    ),
    (
        "nulls_fraction",
        {"failing": 1, "scope": 1000},
        None,
        (
            "pass",
            1.0,
            0.001,
            "1 row with NULL in email (0.10% of 1,000); allowed 0.01 of rows",
            None,
        ),
    ),
    (
        "nulls_fraction",
        {"failing": 7, "scope": 1000},
        None,
        (
            "warn",
            7.0,
            0.007,
            "7 rows with NULL in email (0.70% of 1,000); allowed 0.005 of rows before warning",
            None,
        ),
    ),
    (
        "nulls_fraction",
        {"failing": Decimal("20"), "scope": Decimal("1000")},
        None,
        (
            "fail",
            20.0,
            0.02,
            "20 rows with NULL in email (2.00% of 1,000); allowed 0.01 of rows",
            None,
        ),
    ),
    (  # a fraction of no rows is none: it cannot exceed a fraction allowance
        "nulls_fraction",
        {"failing": 5, "scope": 0},
        None,
        (
            "pass",
            5.0,
            None,
            "5 rows with NULL in email (no rows in scope); allowed 0.01 of rows",
            None,
        ),
    ),
    (
        "accepted_values:status",
        {"failing": 2, "scope": 8},
        None,
        (
            "fail",
            2.0,
            0.25,
            "2 rows with status not in the accepted values (25.00% of 8); allowed 0",
            None,
        ),
    ),
    (
        "range:age",
        {"failing": 2, "scope": 100},
        None,
        ("pass", 2.0, 0.02, "2 rows with age out of range (2.00% of 100); allowed 2", None),
    ),
    (
        "regex:zip",
        {"failing": 1, "scope": 3},
        None,
        (
            "fail",
            1.0,
            1 / 3,
            "1 row with zip not matching the pattern (33.33% of 3); allowed 0",
            None,
        ),
    ),
    (  # exactly at the fraction allowance passes
        "length:code",
        {"failing": 1, "scope": 10},
        None,
        (
            "pass",
            1.0,
            0.1,
            "1 row with code of the wrong length (10.00% of 10); allowed 0.1 of rows",
            None,
        ),
    ),
    (
        "length:code",
        {"failing": 2, "scope": 10},
        None,
        (
            "fail",
            2.0,
            0.2,
            "2 rows with code of the wrong length (20.00% of 10); allowed 0.1 of rows",
            None,
        ),
    ),
    # unique: keyed rows minus distinct keys
    (
        "unique:id",
        {"keyed": 10, "distinct": 7, "scope": 12},
        None,
        ("fail", 3.0, 0.25, "3 rows duplicating another row's id (25.00% of 12); allowed 0", None),
    ),
    (
        "unique:id",
        {"keyed": 0, "distinct": 0, "scope": 0},
        None,
        (
            "pass",
            0.0,
            None,
            "0 rows duplicating another row's id (no rows in scope); allowed 0",
            None,
        ),
    ),
    (
        "one_per_day",
        {"keyed": 5, "distinct": 4, "scope": 5},
        None,
        (
            "warn",
            1.0,
            0.2,
            "1 row duplicating another row's id,day (20.00% of 5); allowed 0 before warning",
            None,
        ),
    ),
    (
        "one_per_day",
        {"keyed": None, "distinct": None, "scope": 3},
        None,
        ("pass", 0.0, 0.0, "0 rows duplicating another row's id,day; allowed 1", None),
    ),
    # row_count
    (
        "row_count",
        {"rows": 0},
        None,
        ("fail", 0.0, None, "row count is 0, expected at least 1", None),
    ),
    (
        "row_count",
        {"rows": None},
        None,
        ("fail", 0.0, None, "row count is 0, expected at least 1", None),
    ),
    (
        "row_count",
        {"rows": 1234567},
        None,
        ("pass", 1234567.0, None, "row count is 1,234,567", None),
    ),
    (
        "rows_warned",
        {"rows": 50},
        None,
        ("warn", 50.0, None, "row count is 50, warning unless between 100 and 900", None),
    ),
    (
        "rows_warned",
        {"rows": Decimal("5")},
        None,
        ("fail", 5.0, None, "row count is 5, expected between 10 and 1,000", None),
    ),
    ("rows_warned", {"rows": 500}, None, ("pass", 500.0, None, "row count is 500", None)),
    # freshness: naive timestamps in the warehouse's zone, dates at midnight, the future
    (
        "freshness:loaded_at",
        {"latest": datetime(2026, 11, 20, 6, 0), "scope": 1},
        None,
        (
            "fail",
            183600.0,
            None,
            "last row loaded 2d 3h ago (allowed 26h)",
            {"latest": "2026-11-20T06:00:00Z"},
        ),
    ),
    (
        "freshness:loaded_at",
        {"latest": datetime(2026, 11, 20, 6, 0), "scope": 1},
        "Europe/Berlin",
        (
            "fail",
            187200.0,
            None,
            "last row loaded 2d 4h ago (allowed 26h)",
            {"latest": "2026-11-20T05:00:00Z"},
        ),
    ),
    (
        "freshness:loaded_at",
        {"latest": datetime(2026, 11, 22, 8, 0, tzinfo=UTC), "scope": 1},
        "Europe/Berlin",  # an aware timestamp is itself, whatever the zone
        (
            "pass",
            3600.0,
            None,
            "last row loaded 1h ago (allowed 26h)",
            {"latest": "2026-11-22T08:00:00Z"},
        ),
    ),
    (
        "freshness:loaded_at",
        {"latest": date(2026, 11, 22), "scope": 1},
        None,
        (
            "pass",
            32400.0,
            None,
            "last row loaded 9h ago (allowed 26h)",
            {"latest": "2026-11-22T00:00:00Z"},
        ),
    ),
    (
        "freshness:loaded_at",
        {"latest": date(2026, 11, 22), "scope": 1},
        "America/New_York",
        (
            "pass",
            14400.0,
            None,
            "last row loaded 4h ago (allowed 26h)",
            {"latest": "2026-11-22T05:00:00Z"},
        ),
    ),
    (
        "freshness:loaded_at",
        {"latest": datetime(2026, 11, 22, 10, 30, tzinfo=UTC), "scope": 1},
        None,
        (
            "pass",
            -5400.0,
            None,
            "latest loaded_at is 1h 30m in the future (allowed 26h)",
            {"latest": "2026-11-22T10:30:00Z"},
        ),
    ),
    (  # exactly max_age old passes; a second more fails
        "freshness:loaded_at",
        {"latest": ago(hours=26), "scope": 1},
        None,
        (
            "pass",
            93600.0,
            None,
            "last row loaded 1d 2h ago (allowed 26h)",
            {"latest": "2026-11-21T07:00:00Z"},
        ),
    ),
    (
        "freshness:loaded_at",
        {"latest": ago(hours=26, seconds=1), "scope": 1},
        None,
        (
            "fail",
            93601.0,
            None,
            "last row loaded 1d 2h ago (allowed 26h)",
            {"latest": "2026-11-21T06:59:59Z"},
        ),
    ),
    (
        "freshness:loaded_at",
        {"latest": None, "scope": 0},
        None,
        ("fail", None, None, "no rows with a loaded_at value", None),
    ),
    (
        "freshness:loaded_at",
        {"latest": ago(hours=1), "scope": 0},
        None,
        ("fail", None, None, "no rows with a loaded_at value", None),
    ),
    (
        "fresh_warned",
        {"latest": ago(hours=30), "scope": 4},
        None,
        (
            "warn",
            108000.0,
            None,
            "last row loaded 1d 6h ago (warning after 1d)",
            {"latest": "2026-11-21T03:00:00Z"},
        ),
    ),
    (  # exactly the warn max_age old does not warn yet
        "fresh_warned",
        {"latest": ago(days=1), "scope": 4},
        None,
        (
            "pass",
            86400.0,
            None,
            "last row loaded 1d ago (allowed 2d)",
            {"latest": "2026-11-21T09:00:00Z"},
        ),
    ),
    (
        "fresh_warned",
        {"latest": ago(days=3), "scope": 4},
        None,
        (
            "fail",
            259200.0,
            None,
            "last row loaded 3d ago (allowed 2d)",
            {"latest": "2026-11-19T09:00:00Z"},
        ),
    ),
    (
        "fresh_warned",
        {"latest": ago(hours=1), "scope": 4},
        None,
        (
            "pass",
            3600.0,
            None,
            "last row loaded 1h ago (allowed 2d)",
            {"latest": "2026-11-22T08:00:00Z"},
        ),
    ),
    # stat
    (
        "stat:mean(cac)",
        {"value": Decimal("55.5")},
        None,
        ("pass", 55.5, None, "mean of cac is 55.5", None),
    ),
    (
        "stat:mean(cac)",
        {"value": Decimal("120")},
        None,
        ("fail", 120.0, None, "mean of cac is 120, expected between 10 and 100", None),
    ),
    (
        "stat:mean(cac)",
        {"value": 85},
        None,
        ("warn", 85.0, None, "mean of cac is 85, warning unless at most 80", None),
    ),
    (
        "stat:mean(cac)",
        {"value": None},
        None,
        ("pass", None, None, "mean of cac: no non-null values to measure", None),
    ),
    (
        "stat:null_fraction(email)",
        {"nulls": 0, "scope": 0},
        None,
        ("pass", None, None, "null_fraction of email: no rows to measure", None),
    ),
    (
        "stat:null_fraction(email)",
        {"nulls": None, "scope": None},
        None,
        ("pass", None, None, "null_fraction of email: no rows to measure", None),
    ),
    (
        "stat:null_fraction(email)",
        {"nulls": 3, "scope": 10},
        None,
        ("fail", 0.3, None, "null_fraction of email is 0.3, expected at most 0.1", None),
    ),
    (
        "stat:null_fraction(email)",
        {"nulls": 0, "scope": 20},
        None,
        ("pass", 0.0, None, "null_fraction of email is 0", None),
    ),
    (
        "stat:distinct_count(country)",
        {"value": 0},
        None,
        ("pass", 0.0, None, "distinct_count of country: no non-null values to measure", None),
    ),
    (
        "stat:distinct_count(country)",
        {"value": 3},
        None,
        ("fail", 3.0, None, "distinct_count of country is 3, expected at least 5", None),
    ),
    (
        "stat:distinct_count(country)",
        {"value": 12},
        None,
        ("pass", 12.0, None, "distinct_count of country is 12", None),
    ),
    # references: the first row of its own NOT EXISTS query, failing and scope
    (
        "references:id",
        {"orphans": [{"failing": 2, "scope": 10}]},
        None,
        (
            "fail",
            2.0,
            0.2,
            "2 rows with id not found in the referenced asset (20.00% of 10); allowed 0",
            None,
        ),
    ),
    (
        "references:id",
        {"orphans": [{"failing": None, "scope": None}]},
        None,
        (
            "pass",
            0.0,
            None,
            "0 rows with id not found in the referenced asset (no rows in scope); allowed 0",
            None,
        ),
    ),
    # sql: a failing_rows query's count has no scope; a query's one number within bounds
    (
        "bad_rows",
        {"rows": [{"failing": 3}]},
        None,
        ("fail", 3.0, None, "3 rows returned by the failing_rows query; allowed 0", None),
    ),
    (
        "bad_rows",
        {"rows": []},
        None,
        ("pass", 0.0, None, "0 rows returned by the failing_rows query; allowed 0", None),
    ),
    ("sql", {"rows": [{"count_star()": 5}]}, None, ("pass", 5.0, None, "query result is 5", None)),
    (
        "sql",
        {"rows": [{"n": Decimal("0")}]},
        None,
        ("fail", 0.0, None, "query result is 0, expected at least 1", None),
    ),
    (
        "warned_query",
        {"rows": [{"n": 7}]},
        None,
        ("warn", 7.0, None, "query result is 7, warning unless at most 5", None),
    ),
    (  # just above the bound fails, though the message rounds it to the bound
        "spread",
        {"value": 2.5000001},
        None,
        ("fail", 2.5000001, None, "stddev of cac is 2.5, expected at most 2.5", None),
    ),
]


@pytest.mark.parametrize(
    ("name", "values", "zone", "expected"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_the_judge_on_a_decoded_spec_gives_what_the_type_evaluates(
    checks: dict[str, CheckBase],
    name: str,
    values: dict[str, Any],
    zone: str | None,
    expected: tuple[Any, ...],
) -> None:
    check = checks[name]
    spec = type_of(check).judge_spec(check)
    assert spec is not None
    decoded = json.loads(json.dumps(spec))
    assert decoded == spec
    judged = judge(decoded, values, NOW, zone)
    assert judged == evaluate(check, values, NOW, zone)
    found = (judged.status, judged.value, judged.failing_fraction, judged.message, judged.details)
    assert found == expected


def test_specs_carry_the_static_parameters_worked_out(checks: dict[str, CheckBase]) -> None:
    def spec(name: str) -> dict[str, Any] | None:
        return type_of(checks[name]).judge_spec(checks[name])

    assert spec("nulls_warned") == {
        "shape": "failing_rows",
        "what": "with NULL in email,phone",
        "allowance": {"max_failing": 10, "max_failing_fraction": None},
        "warn": {"max_failing": 0, "max_failing_fraction": None},
    }
    assert spec("unique:id") == {
        "shape": "unique",
        "what": "duplicating another row's id",
        "allowance": {"max_failing": None, "max_failing_fraction": None},
        "warn": None,
    }
    assert spec("rows_warned") == {
        "shape": "row_count",
        "label": "row count",
        "min": 10.0,
        "max": 1000.0,
        "warn_min": 100.0,
        "warn_max": 900.0,
    }
    assert spec("fresh_warned") == {
        "shape": "freshness",
        "column": "loaded_at",
        "max_age": "2d",
        "max_age_seconds": 172800.0,
        "warn_max_age": "1d",
        "warn_max_age_seconds": 86400.0,
    }
    assert spec("stat:null_fraction(email)") == {
        "shape": "stat",
        "stat": "null_fraction",
        "label": "null_fraction of email",
        "min": None,
        "max": 0.1,
        "warn_min": None,
        "warn_max": None,
    }
    assert spec("references:id") == {
        "shape": "own_failing",
        "what": "with id not found in the referenced asset",
        "allowance": {"max_failing": None, "max_failing_fraction": None},
        "warn": None,
        "metric": "orphans",
        "scoped": True,
    }
    assert spec("bad_rows") == {
        "shape": "own_failing",
        "what": "returned by the failing_rows query",
        "allowance": {"max_failing": None, "max_failing_fraction": None},
        "warn": None,
        "metric": "rows",
        "scoped": False,
    }
    assert spec("warned_query") == {
        "shape": "own_value",
        "label": "query result",
        "min": 1.0,
        "max": 10.0,
        "warn_min": None,
        "warn_max": 5.0,
    }


def test_types_without_a_pure_evaluation_have_no_spec(checks: dict[str, CheckBase]) -> None:
    others = [c for c in checks.values() if c.type not in JUDGED]
    assert {c.type for c in others} == {"drift", "fairness", "model"}
    assert len(others) == 3
    for check in others:
        assert type_of(check).judge_spec(check) is None, check.display_name


def test_every_builtin_type_is_judged_or_not_on_purpose(checks: dict[str, CheckBase]) -> None:
    covered = {c.type for c in checks.values()}
    assert covered == {t.name for t in BUILTIN}  # a new type joins this file's project
    judged = {c.type for c in checks.values() if type_of(c).judge_spec(c) is not None}
    assert judged == JUDGED


def test_a_spec_of_an_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown judge spec shape 'drift'"):
        judge({"shape": "drift"}, {}, NOW, None)
    with pytest.raises(ValueError, match="unknown judge spec shape None"):
        judge({}, {}, NOW, None)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "the query must return exactly one row with one number"),
        ([{"a": 1, "b": 2}], "the query must return exactly one row with one number"),
        ([{"a": None}], "the query returned NULL"),
    ],
)
def test_a_query_that_is_not_one_number_is_the_checks_error(
    checks: dict[str, CheckBase], rows: list[dict[str, Any]], message: str
) -> None:
    spec = type_of(checks["sql"]).judge_spec(checks["sql"])
    assert spec is not None
    with pytest.raises(ValueError, match=message):
        judge(spec, {"rows": rows}, NOW, None)


def test_an_anomaly_spec_is_judged_with_its_context_only(checks: dict[str, CheckBase]) -> None:
    check = checks["anomaly:row_count"]
    spec = type_of(check).judge_spec(check)
    assert spec is not None and json.loads(json.dumps(spec)) == spec
    with pytest.raises(TypeError, match="judged with its context"):
        judge(spec, {"rows": 5}, NOW, None)
    judged = judge(spec, {"rows": 5}, NOW, None, context=EvaluationContext(NOW))
    assert (judged.status, judged.value, judged.message) == ("pass", 5.0, "learning: 0 of 7 runs")


def test_a_freshness_on_a_column_that_is_no_timestamp_is_a_type_error(
    checks: dict[str, CheckBase],
) -> None:
    check = checks["freshness:loaded_at"]
    spec = type_of(check).judge_spec(check)
    assert spec is not None
    with pytest.raises(TypeError, match="loaded_at is not a date or timestamp column"):
        judge(spec, {"latest": "2026-11-22", "scope": 1}, NOW, None)


def test_the_judge_imports_no_pydantic_sqlglot_sqlalchemy_yaml_typer_or_rich() -> None:
    spec = {"shape": "row_count", "label": "row count", "min": 1.0, "max": None}
    script = (
        "import json, sys\n"
        "from datetime import datetime, UTC\n"
        "import trustwell.checks.judge as j\n"
        "spec = {**json.loads(sys.argv[1]), 'warn_min': None, 'warn_max': None}\n"
        "print(j.judge(spec, {'rows': 0}, datetime.now(UTC), None).message)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('pydantic', 'sqlglot', 'sqlalchemy', 'yaml', 'typer', 'rich')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(spec)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["row count is 0, expected at least 1", "[]"]


def test_the_module_examples_hold() -> None:
    for module in (judge_module, outcome_module):
        failures, tried = doctest.testmod(module)
        assert tried > 0 and failures == 0, module.__name__
