"""What an evaluation may read of the past: the same check's stored results (for ``anomaly``),
with or without those recorded inside incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from trustwell.checks.context import EvaluationContext, NoHistory
from trustwell.checks.result import CheckResult, RunReport
from trustwell.checks.service import StoreHistory
from trustwell.store import Store, record_run

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _record(
    store: Store, at: datetime, value: float, check: str = "row_count", run: str = ""
) -> None:
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
    record_run(store, RunReport(run or f"run-{at:%H}-{check}", at, at, [result]), project="acme")


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


def _incident(store: Store, asset: str, **values: object) -> None:
    from trustwell.store.incident_tables import incident_assets, incidents

    row = {
        "title": "t",
        "severity": "SEV-3",
        "status": "investigating",
        "detection_source": "check",
        "root_asset": asset,
        "drill": False,
        "declared_at": T0,
        "escalation_level": 0,
        "updated_at": T0,
        **values,
    }

    def work(conn: sa.Connection) -> None:
        inserted = conn.execute(incidents.insert().values(**row)).inserted_primary_key
        assert inserted is not None
        link = {"incident": inserted[0], "asset": asset, "impact": "root", "added_at": T0}
        conn.execute(incident_assets.insert().values(**link))

    store.write(work)


def test_results_inside_incidents_are_left_out_but_not_drills_or_dismissals(store: Store) -> None:
    from trustwell.store.service import flagged_history

    for hours in range(7):
        _record(store, T0 + hours * HOUR, float(hours))
    # resolved: after occurred_at (the last good moment), before resolved_at
    _incident(store, "orders", occurred_at=T0 + HOUR, resolved_at=T0 + 3 * HOUR, status="resolved")
    _incident(store, "orders", occurred_at=T0 + 3 * HOUR, drill=True)
    _incident(store, "orders", occurred_at=T0 + 3 * HOUR, status="dismissed")
    _incident(store, "customers", occurred_at=T0)  # another asset's
    _incident(store, "orders", declared_at=T0 + 5 * HOUR)  # open, no occurred_at
    context = EvaluationContext(
        now=T0 + 7 * HOUR, asset="orders", check="row_count", source=StoreHistory(store)
    )
    assert [p.value for p in context.history(outside_incidents=True)] == [0, 1, 3, 4, 5]
    assert [p.value for p in context.history(limit=3, outside_incidents=True)] == [3, 4, 5]
    assert [p.value for p in context.history()] == [0, 1, 2, 3, 4, 5, 6]
    flagged = flagged_history(store, "orders", "row_count")
    assert [(e.value, inside) for e, inside in flagged] == [
        (0, False), (1, False), (2, True), (3, False), (4, False), (5, False), (6, True)
    ]  # fmt: skip


def test_the_quick_store_reads_the_same_history_as_the_store(tmp_path: Path) -> None:
    """QuickStore.past_results (sqlite3, the quick run path) against StoreHistory (SQLAlchemy)."""
    from trustwell.store import open_store
    from trustwell.store.quick import QuickStore

    path = tmp_path / "trustwell.db"
    store = open_store(f"sqlite:///{path}", tmp_path)
    try:
        for hours in range(9):
            _record(store, T0 + hours * HOUR + timedelta(microseconds=hours), float(hours))
        _record(store, T0 + 2 * HOUR, 20.0, run="again")  # one moment twice: the later id first
        _record(store, T0 + HOUR, 99.0, check="not_null:id")
        _incident(store, "orders", occurred_at=T0 + HOUR, resolved_at=T0 + 3 * HOUR)
        _incident(store, "orders", occurred_at=T0 + 3 * HOUR, drill=True)
        _incident(store, "orders", occurred_at=T0 + 3 * HOUR, status="dismissed")
        _incident(store, "customers", occurred_at=T0)
        _incident(store, "orders", declared_at=T0 + 7 * HOUR)  # open, no occurred_at
        quick = QuickStore.open(path)
        assert quick is not None
        with quick:
            for now in (
                T0,
                T0 + 2 * HOUR,
                T0 + 4 * HOUR + timedelta(microseconds=4),
                T0 + 9 * HOUR,
            ):
                for limit in (1, 3, 100):
                    for outside in (False, True):
                        want = StoreHistory(store).past_results(
                            "orders",
                            "row_count",
                            before=now,
                            limit=limit,
                            outside_incidents=outside,
                        )
                        got = quick.past_results(
                            "orders",
                            "row_count",
                            before=now,
                            limit=limit,
                            outside_incidents=outside,
                        )
                        expected = [(p.executed_at, p.status, p.value, p.details) for p in want]
                        assert [
                            (p.executed_at, p.status, p.value, p.details) for p in got
                        ] == expected, (now, limit, outside)
            late = quick.past_results("orders", "row_count", before=T0 + 9 * HOUR, limit=100)
            assert len(late) == 10 and late[-1].executed_at.tzinfo is UTC
            inside = quick.past_results(
                "orders", "row_count", before=T0 + 9 * HOUR, limit=100, outside_incidents=True
            )
            assert [p.value for p in inside] == [0, 3, 4, 5, 6]  # 1, 2, 20: resolved; 7, 8: open
    finally:
        store.close()
