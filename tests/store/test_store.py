"""Recording runs and reading history, on every store backend."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from trustwell.checks.result import CheckResult, RunReport
from trustwell.store import (
    HistoryEntry,
    Store,
    check_history,
    check_id,
    history,
    last_results,
    open_store,
    record_run,
)
from trustwell.store.migrate import SCHEMA_HEAD, current_revision, script_head
from trustwell.store.tables import checks, metadata, results, runs

MakeReport = Callable[..., RunReport]
HOUR = timedelta(hours=1)
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def make_result(asset: str = "orders", check: str = "row_count", **fields: Any) -> CheckResult:
    """A CheckResult with plausible defaults; any field can be given."""
    values: dict[str, Any] = {
        "type": check.split(":")[0],
        "status": "pass",
        "value": 10.0,
        "threshold": {"min": 1},
        "failing_fraction": None,
        "message": "ok",
        "samples": [],
        "queries": 1,
    }
    values.update(fields)
    return CheckResult(asset=asset, check=check, **values)


@pytest.fixture
def make_report() -> Callable[..., RunReport]:
    """Build a RunReport: ``make_report(results, at=T0 + 1h, run_id=...)``."""

    def build(
        results: list[CheckResult],
        *,
        at: datetime = T0,
        run_id: str | None = None,
    ) -> RunReport:
        return RunReport(
            run_id=run_id or str(uuid.uuid4()),
            started_at=at,
            finished_at=at + timedelta(seconds=3),
            results=results,
        )

    return build


def test_schema_head_constant_matches_the_newest_migration() -> None:
    assert script_head() == SCHEMA_HEAD


def test_opening_a_fresh_sqlite_store_creates_the_file_in_the_project(project_root: Path) -> None:
    store = open_store("sqlite:///.trustwell/trustwell.db", project_root)
    try:
        assert (project_root / ".trustwell" / "trustwell.db").is_file()
        with store.engine.connect() as conn:
            assert current_revision(conn) == SCHEMA_HEAD
            tables = set(sa.inspect(conn).get_table_names())
            assert {"runs", "checks", "results", "alembic_version"} <= tables
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        store.close()


def test_migrations_build_exactly_the_tables_the_code_uses(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_reopening_a_migrated_store_keeps_its_data(
    store_url: str, project_root: Path, store: Store, make_report: MakeReport
) -> None:
    record_run(store, make_report([make_result()]), project="acme")
    again = open_store(store_url, project_root)
    try:
        assert len(history(again, "orders")) == 1
    finally:
        again.close()


def test_recorded_results_come_back_with_every_field(store: Store, make_report: MakeReport) -> None:
    report = make_report(
        [
            make_result(check="row_count", value=120.0, message="120 rows"),
            make_result(
                check="not_null:email",
                status="fail",
                value=3.0,
                failing_fraction=0.025,
                threshold={"max_failing": 0},
                message="3 rows where email is NULL",
                samples=[{"id": 7, "email": None}],
            ),
        ],
        run_id="run-1",
    )
    record_run(store, report, project="acme", actor="alice")

    assert history(store, "orders") == [
        HistoryEntry("run-1", T0, "orders", "row_count", "row_count", "pass", 120.0, None,
                     "120 rows"),
        HistoryEntry("run-1", T0, "orders", "not_null:email", "not_null", "fail", 3.0, 0.025,
                     "3 rows where email is NULL"),
    ]  # fmt: skip
    with store.engine.connect() as conn:
        run = conn.execute(sa.select(runs)).mappings().one()
        stored = conn.execute(
            sa.select(results.c.threshold, results.c.samples, results.c.queries).where(
                results.c.check_name == "not_null:email"
            )
        ).one()
    assert dict(run) == {
        "id": "run-1",
        "project": "acme",
        "started_at": T0,
        "finished_at": T0 + timedelta(seconds=3),
        "status": "fail",
        "trigger": "cli",
        "actor": "alice",
    }
    assert tuple(stored) == ({"max_failing": 0}, [{"id": 7, "email": None}], 1)


def test_history_json_has_stable_keys_and_utc_times(store: Store, make_report: MakeReport) -> None:
    record_run(store, make_report([make_result()], run_id="r"), project="acme")
    assert history(store, "orders")[0].to_json() == {
        "run_id": "r",
        "executed_at": "2026-11-22T09:00:00Z",
        "asset": "orders",
        "check": "row_count",
        "type": "row_count",
        "status": "pass",
        "value": 10.0,
        "failing_fraction": None,
        "message": "ok",
        "details": None,
    }


def test_a_check_keeps_its_identity_across_runs(store: Store, make_report: MakeReport) -> None:
    definition = {"type": "row_count", "min": 1}
    for hour in range(2):
        record_run(
            store,
            make_report([make_result()], at=T0 + hour * HOUR),
            project="acme",
            definitions={("orders", "row_count"): definition} if hour == 0 else None,
        )
    with store.engine.connect() as conn:
        identities = conn.execute(sa.select(checks)).mappings().all()
        used = conn.execute(sa.select(results.c.check_id).distinct()).scalars().all()
    assert used == [check_id("orders", "row_count")]
    assert len(identities) == 1
    only = identities[0]
    assert (only["id"], only["asset"], only["name"], only["type"]) == (
        check_id("orders", "row_count"), "orders", "row_count", "row_count"
    )  # fmt: skip
    assert only["definition"] == definition  # kept although the second run gave none
    assert (only["first_seen"], only["last_seen"]) == (T0, T0 + HOUR)


def test_check_ids_differ_per_asset_and_name() -> None:
    ids = {check_id("orders", "row_count"), check_id("users", "row_count"),
           check_id("orders", "unique:id")}  # fmt: skip
    assert len(ids) == 3
    # Stored ids must never change: pin one.
    assert check_id("orders", "row_count") == "65075e0b-1f63-573e-878a-cde36f058845"


def test_history_is_newest_first_and_filters_by_check(
    store: Store, make_report: MakeReport
) -> None:
    # Recorded out of order on purpose: order comes from the run time, not insertion.
    for hour in (1, 0, 2):
        record_run(
            store,
            make_report(
                [make_result(value=float(hour)), make_result(check="unique:id", value=0.0)],
                at=T0 + hour * HOUR,
                run_id=f"run-{hour}",
            ),
            project="acme",
        )
    record_run(store, make_report([make_result(asset="users")]), project="acme")

    everything = history(store, "orders")
    assert [(e.run_id, e.check) for e in everything] == [
        ("run-2", "row_count"), ("run-2", "unique:id"),
        ("run-1", "row_count"), ("run-1", "unique:id"),
        ("run-0", "row_count"), ("run-0", "unique:id"),
    ]  # fmt: skip
    only_counts = history(store, "orders", check="row_count")
    assert [e.value for e in only_counts] == [2.0, 1.0, 0.0]
    assert [e.run_id for e in history(store, "orders", check="row_count", limit=2)] == [
        "run-2", "run-1"
    ]  # fmt: skip
    assert history(store, "orders", check="nope") == []
    assert history(store, "nowhere") == []


def test_runs_at_the_same_moment_are_ordered_by_recording(
    store: Store, make_report: MakeReport
) -> None:
    for n in range(3):  # TRUSTWELL_NOW pinned: every run starts at the same instant
        record_run(
            store,
            make_report([make_result(), make_result(check="unique:id")], run_id=f"run-{n}"),
            project="acme",
        )
    assert [(e.run_id, e.check) for e in history(store, "orders", limit=4)] == [
        ("run-2", "row_count"), ("run-2", "unique:id"),
        ("run-1", "row_count"), ("run-1", "unique:id"),
    ]  # fmt: skip


def test_times_come_back_timezone_aware_in_utc(store: Store, make_report: MakeReport) -> None:
    berlin_morning = datetime(2026, 11, 22, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    record_run(store, make_report([make_result()], at=berlin_morning), project="acme")
    (entry,) = history(store, "orders")
    assert entry.executed_at == T0
    assert entry.executed_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(store: Store, make_report: MakeReport) -> None:
    naive = make_report([make_result()], at=datetime(2026, 11, 22, 9, 0))
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        record_run(store, naive, project="acme")
    assert history(store, "orders") == []  # nothing half-written


def test_last_results_gives_the_newest_result_of_each_check(
    store: Store, make_report: MakeReport
) -> None:
    record_run(store, make_report([make_result(value=1.0), make_result(check="unique:id")],
                                  run_id="old"), project="acme")  # fmt: skip
    record_run(store, make_report([make_result(value=2.0, status="fail")], at=T0 + HOUR,
                                  run_id="new"), project="acme")  # fmt: skip
    latest = last_results(store, "orders")
    assert list(latest) == ["row_count", "unique:id"]
    assert (latest["row_count"].run_id, latest["row_count"].status) == ("new", "fail")
    assert latest["unique:id"].run_id == "old"
    assert last_results(store, "users") == {}


def test_check_history_is_oldest_first_and_can_stop_before_a_run(
    store: Store, make_report: MakeReport
) -> None:
    for hour in range(5):
        record_run(store, make_report([make_result(value=100.0 + hour)], at=T0 + hour * HOUR),
                   project="acme")  # fmt: skip
    values = [e.value for e in check_history(store, "orders", "row_count", limit=3)]
    assert values == [102.0, 103.0, 104.0]
    baseline = check_history(store, "orders", "row_count", before=T0 + 4 * HOUR)
    assert [e.value for e in baseline] == [100.0, 101.0, 102.0, 103.0]
