"""Details from grouped metrics: the offending values of ``accepted_values``, on every engine.

The value of the check stays what SPEC section 1 says (failing rows); the
details list which values offend and how often, from one small ``GROUP BY``
asked for only when the check fails or warns.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import trustwell
from conformance.data import NOW
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset
from trustwell.engines.base import Engine


def _run(engine: Engine, checks: list[dict[str, Any]], **asset: Any) -> tuple[list[Any], list[str]]:
    statements: list[str] = []
    subject = Asset.model_validate({"name": "orders", "checks": checks, **asset})
    run = AssetRun(
        engine=engine,
        asset=subject,
        now=parse_timestamp(NOW),
        on_sql=lambda statement: statements.append(statement.sql),
    )
    return check_asset(run), statements


def test_failing_accepted_values_list_the_offending_values_most_frequent_first(
    engine: Engine,
) -> None:
    results, statements = _run(
        engine,
        [
            {"type": "accepted_values", "column": "id", "values": [1], "samples": 0},
            {"type": "accepted_values", "column": "status", "values": ["paid", "refunded"]},
            {"type": "freshness", "column": "created_at", "max_age": "26h"},
        ],
    )
    ids, status, freshness = results
    # ids 2..7 offend (4 and 7 twice); ties in the order of the value.
    assert (ids.status, ids.value) == ("fail", 8.0)
    assert ids.details == {
        "unexpected_values": [
            {"value": 4, "rows": 2},
            {"value": 7, "rows": 2},
            {"value": 2, "rows": 1},
            {"value": 3, "rows": 1},
            {"value": 5, "rows": 1},
            {"value": 6, "rows": 1},
        ]
    }
    assert (status.value, status.details) == (
        2.0,
        {"unexpected_values": [{"value": "lost", "rows": 1}, {"value": "pending", "rows": 1}]},
    )
    assert (ids.queries, status.queries) == (2, 3)  # shared, details (+ samples for status)
    assert freshness.details == {"latest": "2026-11-22T06:00:00Z"}
    assert sum("GROUP BY" in s for s in statements) == 2


def test_passing_accepted_values_cost_no_statement_and_have_no_details(engine: Engine) -> None:
    results, statements = _run(
        engine,
        [{"type": "accepted_values", "column": "status", "values": ["paid"], "max_failing": 9}],
    )
    assert (results[0].status, results[0].value, results[0].details) == ("pass", 3.0, None)
    assert len(statements) == 1


def test_pii_columns_are_never_listed_in_details(engine: Engine) -> None:
    results, statements = _run(
        engine,
        [{"type": "accepted_values", "column": "email", "values": ["ann@example.com"]}],
        pii=["email"],
    )
    assert results[0].status == "fail" and results[0].details is None
    assert not any("GROUP BY" in s for s in statements)


def test_more_than_ten_offending_values_are_cut_with_more_values() -> None:
    frame = pd.DataFrame({"n": [*range(25), 24, 24, 13]})
    (result,) = trustwell.validate(
        frame, checks=[{"type": "accepted_values", "column": "n", "values": [0]}]
    ).results
    assert result.value == 27.0
    assert result.details == {
        "unexpected_values": [
            {"value": 24, "rows": 3},
            {"value": 13, "rows": 2},
            *({"value": n, "rows": 1} for n in range(1, 9)),
        ],
        "more_values": True,
    }
