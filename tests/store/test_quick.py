"""The quick store writes exactly what record_run writes, and reads what the services read.

The oracle: the same reports recorded through SQLAlchemy (``record_run``) into
one store and through :class:`QuickStore` into another, both starting from the
same contents, must leave every row of ``runs``, ``checks`` and ``results``
identical, column types included.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from trustwell.checks.result import CheckResult, RunReport
from trustwell.store import Store, open_store, record_run
from trustwell.store.quick import QuickStore, stamp

T0 = datetime(2026, 11, 22, 9, 0, 0, 123456, tzinfo=UTC)
PLUS_ONE = timezone(timedelta(hours=1))
DEFINITIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("orders", "row_count"): {"type": "row_count", "min": 1},
    ("orders", "not_null:email"): {"type": "not_null", "column": "email", "max_failing": 0},
}


def _store(path: Path) -> Store:
    return open_store("sqlite:///" + str(path), path.parent)


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    """Store A (written by record_run) and the path of store B, with the same contents.

    Both have an older run: its checks exist with an older first_seen and a definition.
    """
    a, b = _store(tmp_path / "a.db"), _store(tmp_path / "b.db")
    older = _report(
        [_result("row_count", value=100.0), _result("not_null:email"), _result("volume")],
        at=T0 - timedelta(days=3),
        run_id="00000000-0000-4000-8000-000000000000",
    )
    for store in (a, b):
        record_run(store, older, project="acme", actor="alice", definitions=DEFINITIONS)
    b.close()
    try:
        yield a, tmp_path / "b.db"
    finally:
        a.close()


def _result(check: str, asset: str = "orders", **fields: Any) -> CheckResult:
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


def _report(results: list[CheckResult], *, at: datetime, run_id: str) -> RunReport:
    return RunReport(
        run_id=run_id, started_at=at, finished_at=at + timedelta(seconds=3.5), results=results
    )


def _first_report() -> RunReport:
    leaked = _result(
        "custom_sql:late_refunds",
        asset="payments",
        status="error",
        value=None,
        threshold={},
        message="cannot connect",
        queries=0,
    )
    # Extended after it was made (so after CheckResult scrubbed it): record must scrub it.
    leaked.message += ": connection to postgresql://u:secret@h/db refused"
    results = [
        _result("row_count", value=120.0, message="120 rows"),
        _result(
            "not_null:email",
            status="fail",
            value=3,
            failing_fraction=0.025,
            threshold={"max_failing": 0, "nested": {"a": [1, 2.5, None]}},
            message="3 rows where email is NULL — é",
            samples=[{"id": 7, "email": None}, {"id": 8, "email": "zoë@exämple.com"}],
            details={"columns": {"email": {"nulls": 3, "ratio": 1 / 3}}, "names": ["Ærø", "東京"]},
        ),
        _result(
            "freshness",
            asset="payments",
            status="warn",
            value=7200.5,
            threshold={"max_age": "2h", "warn_after": 3600},
            details={"flag": True, "none": None, "big": 10**18, "tiny": 1e-300},
        ),
        leaked,
    ]
    return _report(
        results,
        at=datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=PLUS_ONE),  # = T0, given in +01:00
        run_id="11111111-1111-4111-8111-111111111111",
    )


def _definitions() -> dict[tuple[str, str], dict[str, Any]]:
    # row_count: none given this time (keeps the stored one); not_null: edited; new ones.
    return {
        ("orders", "not_null:email"): {"type": "not_null", "column": "email", "max_failing": 5},
        ("payments", "freshness"): {"type": "freshness", "max_age": "2h", "ratio": 0.1},
        ("payments", "custom_sql:late_refunds"): {"sql": "select 1 -- ünïcode"},
    }


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the three tables, each value with its SQLite storage class."""
    conn = sqlite3.connect(path)
    try:
        found: dict[str, list[tuple[Any, ...]]] = {}
        for table, order in (("runs", "id"), ("checks", "id"), ("results", "id")):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            types = ", ".join(f"typeof({column})" for column in columns)
            query = f"SELECT *, {types} FROM {table} ORDER BY {order}"
            found[table] = conn.execute(query).fetchall()
        return found
    finally:
        conn.close()


def _open(path: Path) -> QuickStore:
    quick = QuickStore.open(path)
    assert quick is not None
    return quick


def _record_both(a: Store, b: Path, report: RunReport, **kwargs: Any) -> None:
    record_run(a, report, **kwargs)
    with _open(b) as quick:
        quick.record(report, **kwargs)


def test_a_run_recorded_quickly_leaves_exactly_the_rows_record_run_leaves(
    stores: tuple[Store, Path],
) -> None:
    a, b = stores
    path_a = Path(a.engine.url.database or "")
    kwargs: dict[str, Any] = {"project": "acme", "actor": None, "trigger": "schedule"}
    _record_both(a, b, _first_report(), definitions=_definitions(), **kwargs)
    rows = _rows(path_a)
    assert _rows(b) == rows
    assert len(rows["runs"]) == 2 and len(rows["checks"]) == 5 and len(rows["results"]) == 7
    messages = [row[11] for row in rows["results"]]
    assert not any("secret" in m for m in messages) and any("u:***@h" in m for m in messages)
    row_count = next(row for row in rows["checks"] if row[2] == "row_count")
    assert row_count[6] == stamp(T0 - timedelta(days=3))  # first_seen kept
    assert row_count[7] == stamp(T0)  # last_seen refreshed
    assert row_count[4] == '{"type": "row_count", "min": 1}'  # no new definition: kept

    # A later run, then a backfill from before the first: last_seen, then first_seen, move.
    later = _report(
        [_result("row_count", value=float("inf")), _result("freshness", asset="payments")],
        at=T0 + timedelta(hours=1),
        run_id="22222222-2222-4222-8222-222222222222",
    )
    _record_both(a, b, later, definitions={}, project="acme", actor="bob", trigger="cli")
    backfill = _report(
        [_result("row_count", value=90.0, type="row_count_v2")],
        at=T0 - timedelta(days=9),
        run_id="33333333-3333-4333-8333-333333333333",
    )
    _record_both(a, b, backfill, definitions=DEFINITIONS, project="acme", actor=None, trigger="api")
    rows = _rows(path_a)
    assert _rows(b) == rows
    row_count = next(row for row in rows["checks"] if row[2] == "row_count")
    assert (row_count[3], row_count[6], row_count[7]) == (
        "row_count_v2",
        stamp(T0 - timedelta(days=9)),
        stamp(T0 + timedelta(hours=1)),
    )


def test_a_report_without_results_is_recorded_alike(stores: tuple[Store, Path]) -> None:
    a, b = stores
    empty = _report([], at=T0, run_id="44444444-4444-4444-8444-444444444444")
    _record_both(a, b, empty, definitions={}, project="acme", actor=None, trigger="cli")
    assert _rows(b) == _rows(Path(a.engine.url.database or ""))


def test_a_naive_time_is_refused_and_nothing_is_written(stores: tuple[Store, Path]) -> None:
    _, b = stores
    before = _rows(b)
    naive = _report([_result("row_count")], at=datetime(2026, 11, 22), run_id="r-naive")
    with _open(b) as quick, pytest.raises(ValueError, match="naive"):
        quick.record(naive, project="acme", actor=None, definitions={}, trigger="cli")
    assert _rows(b) == before


def test_a_failed_write_rolls_back_the_whole_run(stores: tuple[Store, Path]) -> None:
    _, b = stores
    before = _rows(b)
    again = _report([_result("row_count")], at=T0, run_id="00000000-0000-4000-8000-000000000000")
    with _open(b) as quick:
        with pytest.raises(sqlite3.IntegrityError):  # the run id exists already
            quick.record(again, project="acme", actor=None, definitions={}, trigger="cli")
        # The connection is usable afterwards: no transaction left open.
        assert quick.open_incident_keys() == set()
    assert _rows(b) == before
