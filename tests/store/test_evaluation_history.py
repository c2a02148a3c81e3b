"""What an evaluation may read of the past: the same check's stored results (for ``anomaly``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trustwell.checks.context import EvaluationContext, NoHistory
from trustwell.checks.result import CheckResult, RunReport
from trustwell.checks.service import StoreHistory
from trustwell.store import Store, record_run

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _record(store: Store, at: datetime, value: float, check: str = "row_count") -> None:
    result = CheckResult(
        asset="orders",
        check=check,
        type=check.split(":")[0],
        status="pass",
        value=value,
        threshold={"min": 1},
        failing_fraction=None,
        message="ok",
        queries=1,
        details={"seen": value},
    )
    record_run(store, RunReport(f"run-{at:%H}-{check}", at, at, [result]), project="acme")


def test_the_context_gives_past_results_of_the_same_check_oldest_first(store: Store) -> None:
    for hours, value in ((0, 10.0), (1, 11.0), (2, 12.0), (3, 13.0)):
        _record(store, T0 + hours * HOUR, value)
    _record(store, T0 + HOUR, 99.0, check="not_null:id")  # another check: never in its history
    # Evaluating the run of T0+3h: its own result is not part of its history.
    context = EvaluationContext(
        now=T0 + 3 * HOUR, asset="orders", check="row_count", source=StoreHistory(store)
    )
    past = context.history(limit=2)
    assert [(p.executed_at, p.value, p.details) for p in past] == [
        (T0 + HOUR, 11.0, {"seen": 11.0}),
        (T0 + 2 * HOUR, 12.0, {"seen": 12.0}),
    ]
    assert [p.value for p in context.history()] == [10.0, 11.0, 12.0]
    assert context.baseline("orders_2026") is None  # no baselines are stored yet


def test_without_a_store_there_is_no_past() -> None:
    context = EvaluationContext(now=T0, asset="orders", check="row_count", source=NoHistory())
    assert list(context.history()) == []
