"""The quick store writes exactly what record_run writes, and reads what the services read.

The oracle: the same reports recorded through SQLAlchemy (``record_run``) into
one store and through :class:`QuickStore` into another, both starting from the
same contents, must leave every row of ``runs``, ``checks`` and ``results``
identical, column types included.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_migration_0007 import migrate

from trustwell.checks.result import CheckResult, RunReport
from trustwell.incidents.quiet import needs_incidents
from trustwell.notify.outbox import _claim
from trustwell.store import Store, open_store, record_run
from trustwell.store.incident_tables import incident_fingerprints, incidents, outbox
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


def test_open_refuses_what_the_fast_path_cannot_serve(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "store.db"
    assert QuickStore.open(missing) is None
    assert not missing.parent.exists()

    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert QuickStore.open(garbage) is None

    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert QuickStore.open(empty) is None

    older = tmp_path / "older.db"
    engine = sa.create_engine("sqlite:///" + str(older))
    try:
        with engine.begin() as conn:
            migrate(conn, "0011")
    finally:
        engine.dispose()
    assert QuickStore.open(older) is None


def test_open_sets_the_pragmas_of_the_sqlalchemy_engine(tmp_path: Path) -> None:
    _store(tmp_path / "head.db").close()
    with _open(tmp_path / "head.db") as quick:
        conn = quick._conn
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (30_000,)
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL


def _incident(conn: sa.Connection, fingerprint: str, *, open_: bool) -> None:
    row = {
        "title": "t",
        "severity": "SEV-3",
        "status": "investigating" if open_ else "closed",
        "detection_source": "check",
        "root_asset": "orders",
        "drill": False,
        "declared_at": T0,
        "escalation_level": 0,
        "updated_at": T0,
    }
    number = conn.execute(incidents.insert().values(**row)).inserted_primary_key[0]
    conn.execute(
        incident_fingerprints.insert().values(
            incident=number,
            fingerprint=fingerprint,
            asset="orders",
            check_name="row_count",
            open_key=fingerprint if open_ else None,
            first_failed_at=T0,
            last_failed_at=T0,
        )
    )


def test_open_incident_keys_are_the_ones_needs_incidents_reads(tmp_path: Path) -> None:
    from trustwell.incidents.model import fingerprint

    store = _store(tmp_path / "s.db")
    try:
        key = fingerprint("orders", "row_count")
        passing = _report([_result("row_count")], at=T0, run_id="r1")
        other = _report([_result("volume")], at=T0, run_id="r2")
        with _open(tmp_path / "s.db") as quick:
            assert quick.open_incident_keys() == set()
            store.write(lambda conn: _incident(conn, "f" * 24, open_=False))
            store.write(lambda conn: _incident(conn, key, open_=True))
            query = sa.select(incident_fingerprints.c.open_key).where(
                incident_fingerprints.c.open_key.is_not(None)
            )
            expected = set(store.read(lambda conn: conn.execute(query).scalars().all()))
            assert quick.open_incident_keys() == expected == {key}
            for report in (passing, other):
                ran = {fingerprint(r.asset, r.check) for r in report.results}
                quick_says = not ran.isdisjoint(quick.open_incident_keys())
                assert quick_says == needs_incidents(store, report)
            assert needs_incidents(store, passing) and not needs_incidents(store, other)
    finally:
        store.close()


NOW = datetime(2026, 11, 22, 10, 0, 0, 500, tzinfo=PLUS_ONE)
SECOND = timedelta(seconds=1)
MICRO = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("rows", "due"),
    [
        ([], False),
        ([{"next_attempt_at": NOW + MICRO}], False),  # not yet due
        ([{"next_attempt_at": NOW}], True),  # due this very moment
        ([{"next_attempt_at": NOW - SECOND, "claimed_until": NOW + SECOND}], False),  # leased
        ([{"next_attempt_at": NOW - SECOND, "claimed_until": NOW}], False),  # lease ends now
        ([{"next_attempt_at": NOW - SECOND, "claimed_until": NOW - MICRO}], True),  # expired
        ([{"next_attempt_at": NOW - SECOND, "status": "sent"}], False),
        ([{"next_attempt_at": NOW - SECOND, "status": "dead"}, {"next_attempt_at": NOW}], True),
    ],
)
def test_outbox_due_agrees_with_what_deliver_due_would_claim(
    tmp_path: Path, rows: list[dict[str, Any]], due: bool
) -> None:
    store = _store(tmp_path / "s.db")
    try:
        for number, values in enumerate(rows):
            row = {
                "created_at": T0 - timedelta(days=1),
                "channel": "ops",
                "channel_type": "webhook",
                "event": "incident.declared",
                "payload": {"n": number},
                "dedupe_key": f"k{number}",
                "status": "pending",
                "attempts": 0,
                **values,
            }
            store.write(lambda conn, row=row: conn.execute(outbox.insert().values(**row)))
        claim = partial(_claim, now=NOW, until=NOW + 60 * SECOND, batch=10, exclude=())
        claimed = store.read(claim)  # read: the claim is rolled back
        with _open(tmp_path / "s.db") as quick:
            assert quick.outbox_due(NOW) == bool(claimed) == due
    finally:
        store.close()


def test_importing_the_quick_store_imports_no_sqlalchemy_pydantic_or_sqlglot() -> None:
    import trustwell

    code = (
        "import sys\n"
        "import trustwell.store.quick\n"
        "heavy = {'sqlalchemy', 'pydantic', 'sqlglot', 'alembic'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    src = str(Path(trustwell.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": src}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_the_package_still_gives_its_names_lazily() -> None:
    import trustwell.store as package
    from trustwell.store import check_id, history
    from trustwell.store.identity import check_id as light_check_id
    from trustwell.store.migrate import SCHEMA_HEAD
    from trustwell.store.schema_head import SCHEMA_HEAD as LIGHT_HEAD
    from trustwell.store.service import check_id as service_check_id
    from trustwell.store.service import history as service_history

    assert check_id is light_check_id is service_check_id and history is service_history
    assert SCHEMA_HEAD == LIGHT_HEAD
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = package.nothing
