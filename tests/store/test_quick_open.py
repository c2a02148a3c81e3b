"""The quick store opens only current SQLite stores, sets the engine's PRAGMAs, reads what
the services read (open incident keys, a due outbox row) and imports no SQLAlchemy."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_migration_0007 import migrate
from test_quick import PLUS_ONE, T0, _open, _report, _result, _store

from trustwell.incidents.quiet import needs_incidents
from trustwell.notify.outbox import _claim
from trustwell.store.incident_tables import incident_fingerprints, incidents, outbox
from trustwell.store.quick import QuickStore


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
