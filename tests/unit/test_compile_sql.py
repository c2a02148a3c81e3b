"""The planned query per dialect, snapshot-tested: what each engine is sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from trustwell.checks.compile import Need, parse_where, plan_asset, relation_for, table_expression
from trustwell.checks.context import EvaluationContext
from trustwell.checks.registry import type_of
from trustwell.checks.spec import Check, CheckBase
from trustwell.checks.types.base import Scope, no_other_assets
from trustwell.config.models import Asset
from trustwell.engines.base import Column, Engine, KeyRange, QueryResult
from trustwell.engines.duckdb import DuckDBEngine
from trustwell.engines.postgres import PostgresEngine

_CHECK: TypeAdapter[CheckBase] = TypeAdapter(Check)  # type: ignore[arg-type]


class _Dialect(Engine):
    """An engine that only renders: planning is pure. Flags as given, or a real engine's."""

    def __init__(
        self, dialect: str, distinct_in_main_scan: bool, like: type[Engine] | None = None
    ) -> None:
        self.dialect = dialect  # type: ignore[misc]
        self.distinct_in_main_scan = distinct_in_main_scan  # type: ignore[misc]
        if like is not None:
            self.aggregate_filter = like.aggregate_filter  # type: ignore[misc]
            self.regex_full_match = like.regex_full_match  # type: ignore[misc]
            self.count_distinct_subquery = like.count_distinct_subquery  # type: ignore[misc]
            self.dense_distinct = like.dense_distinct  # type: ignore[misc]

    def execute(self, sql: str) -> QueryResult:
        raise AssertionError("planning must not run queries")

    def describe(self, relation: object) -> list[Column]:
        raise AssertionError("planning must not run queries")


def _plan_sql(
    engine: _Dialect, checks: list[dict[str, object]], bitmaps: dict[str, KeyRange] | None = None
) -> str:
    relation = table_expression("raw.orders")
    needs: list[Need] = []
    for check in (_CHECK.validate_python(c) for c in checks):
        where = parse_where(check.where, engine.dialect)
        scope = Scope("orders", relation, where, engine.dialect, no_other_assets)
        metrics = type_of(check).metrics(check, scope)
        needs += [Need(check.display_name, key, metric) for key, metric in metrics.items()]
    plan = plan_asset(needs, relation, engine, bitmaps)
    assert plan.query is not None
    return engine.render(plan.query)


CHECKS: list[dict[str, object]] = [
    {"type": "row_count", "min": 1},
    {"type": "not_null", "column": "id"},
    {"type": "unique", "columns": ["id", "day"]},
    {"type": "stat", "column": "customer_id", "stat": "distinct_count"},
    {
        "type": "accepted_values",
        "column": "status",
        "values": ["paid", "it's"],
        "where": "region = 'eu'",
    },
]


def test_duckdb_counts_distinct_keys_inside_the_single_scan() -> None:
    """Without ``FILTER`` (slower on DuckDB): only ``COUNT(x)`` and a plain distinct count."""
    assert _plan_sql(_Dialect("duckdb", True, DuckDBEngine), CHECKS) == (
        'SELECT COUNT(*) AS m0, COUNT(CASE WHEN "id" IS NULL THEN 1 END) AS m1, '
        'COUNT(CASE WHEN NOT "id" IS NULL AND NOT "day" IS NULL THEN 1 END) AS m2, '
        'COUNT(DISTINCT CASE WHEN NOT "id" IS NULL AND NOT "day" IS NULL THEN ("id", "day") END)'
        " AS m3, "
        'COUNT(DISTINCT "customer_id") AS m4, '
        'COUNT(CASE WHEN region = \'eu\' AND (NOT "status" IS NULL AND NOT "status" IN '
        "('paid', 'it''s')) THEN 1 END) AS m5, "
        "COUNT(CASE WHEN region = 'eu' THEN 1 END) AS m6 "
        'FROM "raw"."orders"'
    )


def test_duckdb_counts_a_dense_integer_key_as_a_bitmap_over_its_bounds() -> None:
    """A one-column key with bounds: a bitmap (the ``where`` inside, as a ``CASE``)."""
    checks: list[dict[str, object]] = [
        {"type": "unique", "column": "id"},
        {"type": "stat", "column": "customer_id", "stat": "distinct_count", "where": "paid"},
        {"type": "unique", "columns": ["customer_id", "day"]},  # two columns: a hash still
    ]
    bounds = {"id": KeyRange(1, 9), "customer_id": KeyRange(-3, 70, 50)}
    assert _plan_sql(_Dialect("duckdb", True, DuckDBEngine), checks, bounds) == (
        'SELECT COUNT(*) AS m0, COUNT("id") AS m1, '
        'COALESCE(BIT_COUNT(BITSTRING_AGG("id", 1, 9)), 0) AS m2, '
        'COALESCE(BIT_COUNT(BITSTRING_AGG(CASE WHEN paid THEN "customer_id" END, -8, 71)), 0)'
        " AS m3, "
        'COUNT(CASE WHEN NOT "customer_id" IS NULL AND NOT "day" IS NULL THEN 1 END) AS m4, '
        'COUNT(DISTINCT CASE WHEN NOT "customer_id" IS NULL AND NOT "day" IS NULL '
        'THEN ("customer_id", "day") END) AS m5 '
        'FROM "raw"."orders"'
    )


def test_postgres_counts_a_key_with_few_buckets_in_64_key_buckets() -> None:
    """A one-column integer key: a subquery of bit buckets; the key tuple keeps its sort."""
    checks: list[dict[str, object]] = [
        {"type": "stat", "column": "customer_id", "stat": "distinct_count", "where": "paid"},
        {"type": "unique", "columns": ["customer_id", "day"]},
    ]
    bounds = {"customer_id": KeyRange(1, 5000, 5000, exact=False)}
    assert _plan_sql(_Dialect("postgres", False, PostgresEngine), checks, bounds) == (
        "SELECT (SELECT COALESCE(CAST(SUM(BIT_COUNT(CAST(b AS BIT(64)))) AS BIGINT), 0) FROM "
        '(SELECT BIT_OR(CAST(1 AS BIGINT) << CAST(CAST("customer_id" AS BIGINT) & 63 AS INT))'
        ' AS b FROM "raw"."orders" WHERE paid AND NOT "customer_id" IS NULL '
        'GROUP BY CAST("customer_id" AS BIGINT) >> 6) AS _buckets) AS m0, '
        "COUNT(*) AS m1, "
        'COUNT(*) FILTER(WHERE NOT "customer_id" IS NULL AND NOT "day" IS NULL) AS m2, '
        '(SELECT COUNT(DISTINCT ("customer_id", "day")) FROM "raw"."orders" '
        'WHERE NOT "customer_id" IS NULL AND NOT "day" IS NULL) AS m3 '
        'FROM "raw"."orders"'
    )


def test_postgres_gives_each_distinct_count_its_own_subquery() -> None:
    """``COUNT(DISTINCT …)`` per subquery; a key tuple keeps its keys-not-null filter."""
    assert _plan_sql(_Dialect("postgres", False, PostgresEngine), CHECKS) == (
        'SELECT COUNT(*) AS m0, COUNT(*) FILTER(WHERE "id" IS NULL) AS m1, '
        'COUNT(*) FILTER(WHERE NOT "id" IS NULL AND NOT "day" IS NULL) AS m2, '
        '(SELECT COUNT(DISTINCT ("id", "day")) FROM "raw"."orders" '
        'WHERE NOT "id" IS NULL AND NOT "day" IS NULL) AS m3, '
        '(SELECT COUNT(DISTINCT "customer_id") FROM "raw"."orders") AS m4, '
        'COUNT(*) FILTER(WHERE region = \'eu\' AND (NOT "status" IS NULL AND NOT "status" IN '
        "('paid', 'it''s'))) AS m5, "
        "COUNT(*) FILTER(WHERE region = 'eu') AS m6 "
        'FROM "raw"."orders"'
    )


def test_without_count_distinct_subqueries_each_counts_a_select_distinct() -> None:
    """An engine with ``count_distinct_subquery`` off gets the hash-aggregate shape."""
    assert _plan_sql(_Dialect("postgres", False), CHECKS) == (
        'SELECT COUNT(*) AS m0, COUNT(CASE WHEN "id" IS NULL THEN 1 END) AS m1, '
        'COUNT(CASE WHEN NOT "id" IS NULL AND NOT "day" IS NULL THEN 1 END) AS m2, '
        '(SELECT COUNT(*) FROM (SELECT DISTINCT "id", "day" FROM "raw"."orders" '
        'WHERE NOT "id" IS NULL AND NOT "day" IS NULL) AS _keys) AS m3, '
        '(SELECT COUNT(*) FROM (SELECT DISTINCT "customer_id" FROM "raw"."orders" '
        'WHERE NOT "customer_id" IS NULL) AS _keys) AS m4, '
        'COUNT(CASE WHEN region = \'eu\' AND (NOT "status" IS NULL AND NOT "status" IN '
        "('paid', 'it''s')) THEN 1 END) AS m5, "
        "COUNT(CASE WHEN region = 'eu' THEN 1 END) AS m6 "
        'FROM "raw"."orders"'
    )


def test_identical_aggregates_are_computed_once() -> None:
    sql = _plan_sql(
        _Dialect("duckdb", True),
        [
            {"type": "row_count", "min": 1},
            {"type": "not_null", "column": "a"},
            {"type": "not_null", "column": "b"},
        ],
    )
    assert sql.count("COUNT(*)") == 1


def test_user_values_are_literals_and_names_are_quoted() -> None:
    sql = _plan_sql(
        _Dialect("duckdb", True),
        [
            {"type": "accepted_values", "column": 'we"ird', "values": ["x'); DROP TABLE t; --"]},
        ],
    )
    assert "'x''); DROP TABLE t; --'" in sql
    assert '"we""ird"' in sql


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("orders", '"orders"'),
        ("raw.orders", '"raw"."orders"'),
        ("db.raw.orders", '"db"."raw"."orders"'),
    ],
)
def test_table_names_are_split_and_quoted(name: str, expected: str) -> None:
    assert table_expression(name).sql("duckdb") == expected


def test_path_assets_read_files_relative_to_the_project(tmp_path: Path) -> None:
    from trustwell.engines.duckdb import DuckDBEngine

    with DuckDBEngine() as engine:
        relation = relation_for(Asset(name="events", path="data/*.parquet"), engine, tmp_path)
        assert engine.render(relation) == f"READ_PARQUET('{tmp_path.as_posix()}/data/*.parquet')"
        csv = relation_for(Asset(name="e", path="data/e.csv"), engine, tmp_path)
        assert engine.render(csv).startswith("READ_CSV_AUTO(")


# --- every statement of every type, per dialect ------------------------------------------

#: One table for every registered type: adding a type adds its rows here (and its snapshots).
TYPE_CASES: dict[str, dict[str, object]] = {
    "row_count": {"type": "row_count", "min": 1, "where": "region = 'eu'"},
    "freshness": {"type": "freshness", "column": "loaded_at", "max_age": "26h"},
    "not_null": {"type": "not_null", "columns": ["id", "email"]},
    "unique": {"type": "unique", "columns": ["id", "day"], "where": "region = 'eu'"},
    "unique-column": {"type": "unique", "column": "id"},
    "accepted_values": {"type": "accepted_values", "column": "status", "values": ["paid", 3]},
    "range": {"type": "range", "column": "day", "min": "2026-01-01", "max": date(2026, 12, 31)},
    "regex": {"type": "regex", "column": "email", "pattern": "^[^@]+@[^@]+$"},
    "length": {"type": "length", "column": "country", "min": 2, "max": 2},
    "stat-mean": {"type": "stat", "column": "amount", "stat": "mean", "max": 100},
    "stat-median": {"type": "stat", "column": "amount", "stat": "median", "max": 100},
    "stat-stddev": {"type": "stat", "column": "amount", "stat": "stddev", "max": 100},
    "stat-distinct_count": {"type": "stat", "column": "customer_id", "stat": "distinct_count"},
    "stat-null_fraction": {"type": "stat", "column": "email", "stat": "null_fraction", "max": 0},
    "schema": {"type": "schema", "columns": {"id": "integer"}},
    "references": {
        "type": "references",
        "column": "customer_id",
        "to": "raw.customers.id",
        "where": "region = 'eu'",
    },
    "sql-query": {"type": "sql", "query": "select count(*) from raw.orders", "min": 1},
    "sql-failing_rows": {"type": "sql", "failing_rows": "select * from raw.orders where x < 0"},
    "anomaly-row_count": {"type": "anomaly", "metric": "row_count", "where": "region = 'eu'"},
    "anomaly-freshness": {"type": "anomaly", "metric": "freshness", "column": "loaded_at"},
    # the value of another check, computed by that check's own statements: none of its own
    "anomaly-check": {"type": "anomaly", "metric": "stat:mean(amount)", "seasonality": "weekly"},
    "fairness": {
        "type": "fairness",
        "prediction": "approved",
        "sensitive": "gender",
        "label": "repaid",
        "favorable": "yes",
        "metric": "equalized_odds_ratio",
        "min": 0.8,
        "where": "region = 'eu'",
    },
    "model-f1": {"type": "model", "prediction": "p", "label": "y", "metric": "f1", "min": 0.7},
    "model-rmse-segment": {
        "type": "model",
        "prediction": "p",
        "label": "y",
        "segment": "region",
        "metric": "rmse",
        "max": 3,
    },
    "model-roc_auc": {
        "type": "model",
        "prediction": "p",
        "label": "y",
        "score": "s",
        "positive": "churn",
        "metric": "roc_auc",
        "min": 0.7,
    },
    "drift": {
        "type": "drift",
        "column": "amount",
        "method": "psi",
        "where": "day >= '2026-11-01'",
        "reference": {"where": "day < '2026-11-01'"},
    },
}
#: What a type's follow-up rounds are handed: the values of the rounds before.
FOLLOWUP_VALUES: dict[str, object] = {
    "columns": [Column("amount", "DOUBLE", "float")],
    "profile": [
        {"_side": "current", "rows": 10, "distinct": 10, "low": 0.5, "high": 9.5},
        {"_side": "reference", "rows": 30, "distinct": 30, "low": -1.0, "high": 8.0},
    ],
}
ENGINES = {
    "duckdb": _Dialect("duckdb", True, DuckDBEngine),
    "postgres": _Dialect("postgres", False, PostgresEngine),
}
SNAPSHOTS = Path(__file__).parent / "snapshots"


def type_sql(engine: _Dialect, definition: dict[str, object]) -> str:
    """Every statement a check of this type can send, in order, as one text."""
    from trustwell.checks.outcome import Outcome

    check = _CHECK.validate_python(definition)
    relation = table_expression("raw.orders")
    scope = Scope("orders", relation, parse_where(check.where, engine.dialect), engine.dialect,
                  table_expression)  # fmt: skip
    entry = type_of(check)
    parts: list[str] = []
    sections = [
        ("metrics", entry.metrics(check, scope)),
        # as asked for after the check failed with one offending row
        ("details", entry.detail_metrics(check, scope, Outcome("fail", 1.0, ""))),
    ]
    values = {k: FOLLOWUP_VALUES.get(k, []) for k in sections[0][1]}
    context = EvaluationContext(now=datetime(2026, 11, 22, tzinfo=UTC))
    while more := entry.followup(check, scope, values, context):
        # each round as asked for once the values of the rounds before are in
        sections.append(("follow-up", more))
        values |= {k: FOLLOWUP_VALUES.get(k, []) for k in more}
    for section, metrics in sections:
        needs = [Need(check.display_name, k, m) for k, m in metrics.items()]
        plan = plan_asset(needs, relation, engine)
        parts += [f"-- {section}\n{engine.render(s.query)};" for s in plan.statements]
        parts += [f"-- {section}: describe {engine.render(relation)}" for _ in plan.described]
    samples = entry.samples(check, scope, 5)
    if samples is not None:
        parts.append(f"-- samples\n{engine.render(samples)};")
    return "\n".join(parts) + "\n"


def test_every_registered_type_has_snapshot_cases() -> None:
    from trustwell.checks.registry import CHECK_TYPES

    assert {c["type"] for c in TYPE_CASES.values()} == set(CHECK_TYPES)


@pytest.mark.parametrize("dialect", list(ENGINES))
@pytest.mark.parametrize("case", list(TYPE_CASES))
def test_each_type_sends_exactly_the_snapshot_sql(dialect: str, case: str) -> None:
    """``TRUSTWELL_UPDATE_SNAPSHOTS=1`` rewrites the files; review the diff before committing."""
    import os

    found = type_sql(ENGINES[dialect], TYPE_CASES[case])
    path = SNAPSHOTS / dialect / f"{case}.sql"
    if os.environ.get("TRUSTWELL_UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(found, encoding="utf-8")
    assert found == path.read_text(encoding="utf-8")
