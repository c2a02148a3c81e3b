"""Builds a suite and validates a pandas table with the real Great Expectations 1.x.

GX is the oracle of test_gx_real.py: its verdicts on the table are compared with
what trustwell computes from the converted suite on the same rows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

ORDERS = pd.DataFrame(
    {
        "id": [1, 2, 2, 4, 5],
        "email": ["a@x.io", "b@x.io", None, "d@x.io", "e@x.io"],
        "channel": ["search", "social", "search", "tv", "search"],
        "amount": [10.0, 20.0, 30.0, 40.0, 400.0],
        "code": ["A1", "B22", "C3", "D4", "E5"],
    }
)


@dataclass
class GxRun:
    """What GX wrote: the suite and the validation result, as JSON-ready dicts."""

    suite: dict[str, Any]
    validation: dict[str, Any]
    #: per expectation, in suite order: True (passed), False (failed) or None (GX could not run it)
    verdicts: list[bool | None]


def expectations() -> list[Any]:
    """The suite: passing and failing expectations, one GX cannot run, one not converted."""
    import great_expectations as gx

    e = gx.expectations
    return [
        e.ExpectColumnValuesToNotBeNull(column="email", mostly=0.7),
        e.ExpectColumnValuesToNotBeNull(column="email"),
        e.ExpectColumnValuesToBeUnique(column="id"),
        e.ExpectColumnValuesToBeInSet(column="channel", value_set=["search", "social"]),
        e.ExpectColumnValuesToBeInSet(column="channel", value_set=["search", "social", "tv"]),
        e.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=500),
        e.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=100),
        e.ExpectColumnValuesToMatchRegex(column="email", regex=r"@x\.io$"),
        e.ExpectColumnValueLengthsToBeBetween(column="code", min_value=1, max_value=2),
        e.ExpectTableRowCountToBeBetween(min_value=1, max_value=10),
        e.ExpectColumnMeanToBeBetween(column="amount", min_value=0, max_value=100),
        e.ExpectColumnMedianToBeBetween(column="amount", max_value=20),
        e.ExpectColumnMinToBeBetween(column="amount", min_value=10),
        e.ExpectColumnMaxToBeBetween(column="amount", max_value=100),
        e.ExpectColumnUniqueValueCountToBeBetween(column="id", min_value=5),
        e.ExpectTableColumnsToMatchSet(column_set=["id", "amount"], exact_match=False),
        e.ExpectColumnValuesToBeOfType(column="id", type_="int64"),
        e.ExpectColumnValuesToBeOfType(column="amount", type_="float64"),
        e.ExpectColumnValuesToNotBeNull(column="nope"),  # GX cannot run it: no such column
        e.ExpectColumnValuesToBeIncreasing(column="id"),  # trustwell has no such check
    ]


def validate_with_gx(asset: str = "shop.orders") -> GxRun:
    """Run the suite on :data:`ORDERS` with GX, as a data team's pipeline would.

    GX's own deprecation warnings (``sre_constants``, its pydantic v1 models)
    are not ours to fix: they are silenced here, and only here, where GX runs.
    """
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        patch.setenv("GX_ANALYTICS_ENABLED", "False")  # never call home from a test
        warnings.simplefilter("ignore")
        return _validate(asset)


def _validate(asset: str) -> GxRun:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("warehouse")
    batch = source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name="orders"))
    for expectation in expectations():
        suite.add_expectation(expectation)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="orders", data=batch, suite=suite)
    )
    result = definition.run(batch_parameters={"dataframe": ORDERS})
    validation = result.to_json_dict()
    by_id = {r["expectation_config"]["id"]: r for r in validation["results"]}
    verdicts: list[bool | None] = []
    for expectation in suite.expectations:
        found = by_id[expectation.id]
        raised = any(
            isinstance(v, dict) and v.get("raised_exception") in (True, "True")
            for v in [found["exception_info"], *found["exception_info"].values()]
        )
        verdicts.append(None if raised else bool(found["success"]))
    return GxRun(suite.to_json_dict(), validation, verdicts)
