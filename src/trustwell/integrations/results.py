"""External check results: what another tool reported, as trustwell stores it (pure).

An importer (Great Expectations today, dbt and OpenLineage later) turns the
tool's own document into a list of :class:`ExternalResult` and hands it to
:func:`trustwell.integrations.external.record_external`. Nothing here reads a
file or the store.

>>> r = ExternalResult(asset="shop.orders", check="gx:expect_column_values_to_not_be_null(email)",
...     type="expect_column_values_to_not_be_null", status="fail", value=3.0, column="email")
>>> to_check_result(r, "gx").details["origin"]
'gx'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from trustwell.checks.result import CheckResult, Status

#: The tools an external result may come from (the run's ``trigger`` is ``import:ORIGIN``).
Origin = Literal["gx", "dbt", "openlineage"]
ORIGINS: tuple[Origin, ...] = ("gx", "dbt", "openlineage")
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "error")


@dataclass(frozen=True)
class ExternalResult:
    """One result another tool computed, for one asset of the project.

    ``check`` is the stable name the result is stored under (its fingerprint is
    asset + check, as for a declared check: the same name in a later import
    joins the same history and incident); ``type`` the tool's label for what
    was checked (a GX expectation type, a dbt test name); ``value`` the number
    the tool measured (failing rows, an observed statistic), when it has one;
    ``failing_fraction`` the share of rows that failed (0–1), when it says;
    ``details`` any JSON-ready facts worth keeping (observed value, unexpected
    count and percent, the tool's own ids).
    """

    asset: str
    check: str
    type: str
    status: Status
    value: float | None = None
    message: str = ""
    column: str | None = None
    failing_fraction: float | None = None
    unit: str = "number"
    details: Mapping[str, Any] = field(default_factory=dict)


def problems_of(result: ExternalResult) -> list[str]:
    """What is wrong with one result's own fields (empty when it can be stored)."""
    found = []
    if not result.asset.strip():
        found.append("the asset name is empty")
    if not result.check.strip():
        found.append("the check name is empty")
    if result.status not in STATUSES:
        found.append(f"status {result.status!r} is not one of {', '.join(STATUSES)}")
    if result.failing_fraction is not None and not 0 <= result.failing_fraction <= 1:
        found.append(f"failing fraction {result.failing_fraction} is not between 0 and 1")
    return found


def to_check_result(result: ExternalResult, origin: Origin) -> CheckResult:
    """The stored form: a :class:`CheckResult` whose details say where it came from."""
    details: dict[str, Any] = {"origin": origin}
    if result.column is not None:
        details["column"] = result.column
    details.update(result.details)
    return CheckResult(
        asset=result.asset,
        check=result.check,
        type=result.type,
        status=result.status,
        value=result.value,
        threshold={},
        failing_fraction=result.failing_fraction,
        message=result.message or _default_message(result, origin),
        unit=result.unit,
        details=details,
    )


def _default_message(result: ExternalResult, origin: Origin) -> str:
    where = f" on {result.column}" if result.column else ""
    return f"{result.type}{where}: {result.status} (reported by {origin})"


def duplicate_checks(results: Sequence[ExternalResult]) -> list[tuple[str, str]]:
    """(asset, check) pairs given more than once: one import stores one result per check."""
    seen: set[tuple[str, str]] = set()
    twice: list[tuple[str, str]] = []
    for result in results:
        key = (result.asset, result.check)
        if key in seen and key not in twice:
            twice.append(key)
        seen.add(key)
    return twice
