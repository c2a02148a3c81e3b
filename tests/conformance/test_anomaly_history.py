"""``anomaly`` judges the value each engine computes against the same stored past."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from conformance.data import NOW
from trustwell.checks.context import PastResult
from trustwell.checks.run import AssetRun, check_asset
from trustwell.clock import parse_timestamp
from trustwell.config.models import Asset
from trustwell.engines.base import Engine
from trustwell.store import HistoryEntry


class Past:
    """A fixed history: the values given, one a day before the run, oldest first."""

    def __init__(self, metric: str, values: list[float]) -> None:
        now = parse_timestamp(NOW)
        self.entries = [
            HistoryEntry(
                run_id=f"r{i}",
                executed_at=now - timedelta(days=len(values) - i),
                asset="orders",
                check="anomaly",
                type="anomaly",
                status="pass",
                value=v,
                failing_fraction=None,
                message="m",
                details={"metric": metric},
            )
            for i, v in enumerate(values)
        ]

    def past_results(
        self,
        asset: str,
        check: str,
        *,
        before: datetime,
        limit: int,
        outside_incidents: bool = False,
    ) -> Sequence[PastResult]:
        return [e for e in self.entries if e.executed_at < before][-limit:]

    def baseline(self, asset: str, name: str) -> None:
        return None


def _run(engine: Engine, checks: list[dict[str, Any]], past: Past) -> dict[str, Any]:
    subject = Asset.model_validate({"name": "orders", "checks": checks})
    run = AssetRun(engine=engine, asset=subject, now=parse_timestamp(NOW), history=past)
    return {r.check: r for r in check_asset(run)}


@pytest.mark.parametrize(
    ("past", "status", "direction"),
    [([10, 11, 9, 10, 10, 12, 10], "pass", None), ([20, 21, 19, 20, 20, 22, 20], "fail", "down")],
)
def test_the_row_count_is_judged_against_the_band(
    engine: Engine, past: list[float], status: str, direction: str | None
) -> None:
    results = _run(engine, [{"type": "anomaly", "metric": "row_count"}], Past("row_count", past))
    result = results["anomaly:row_count"]
    assert (result.status, result.value) == (status, 10)
    assert result.details is not None
    assert result.details["expected"] == 10 if status == "pass" else 20
    assert result.details.get("direction") == direction
    assert result.details["baseline"] == 7


def test_another_checks_value_and_a_changed_metric(engine: Engine) -> None:
    checks = [
        {"type": "stat", "column": "amount", "stat": "max", "min": 0},
        {"type": "anomaly", "metric": "stat:max(amount)", "direction": "up", "min_history": 3},
    ]
    results = _run(engine, checks, Past("stat:max(amount)", [100, 101, 99]))
    found = results["anomaly:stat:max(amount)"]
    assert (found.status, found.value) == ("fail", 1000)  # MAX(amount), as the stat check said
    assert found.details is not None
    assert found.details["high"] == pytest.approx(100 + 3 * 1.4826)  # median 100, MAD 1
    assert found.details["direction"] == "up"
    # Past results of another metric (the check was edited) are not this metric's history.
    results = _run(engine, checks, Past("row_count", [100, 101, 99]))
    assert results["anomaly:stat:max(amount)"].message == "learning: 0 of 3 runs"
