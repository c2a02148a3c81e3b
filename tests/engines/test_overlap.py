"""Pending work runs while a DuckDB statement executes, and the statement keeps its semantics.

A real DuckDB engine throughout: the statement's result, its database error and
its timeout come back as without the overlap; work that fails (the store did
not open) or a Ctrl-C interrupts the statement, and no worker thread is left.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import duckdb
import pytest

from trustwell.engines import EngineError, QueryTimeout, overlap
from trustwell.engines.duckdb import DuckDBEngine

T = TypeVar("T")

# Runs for minutes unless interrupted (DuckDB has no sleep).
SLOW = "select count(*) from range(1000000000) a, range(1000000) b where a.range + b.range = -1"


class StoreDown(Exception):
    """Stands for the StoreError of a store that does not open."""


def workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "trustwell-statement"]


def test_without_pending_work_the_statement_runs_in_the_callers_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    original = overlap.run

    def spy(statement: Callable[[], T], interrupt: Callable[[], None]) -> T:
        def where() -> T:
            seen.append(threading.current_thread().name)
            return statement()

        return original(where, interrupt)

    monkeypatch.setattr(overlap, "run", spy)
    with DuckDBEngine() as engine:
        assert engine.execute("select 42 as answer").rows == [(42,)]
    assert seen == [threading.current_thread().name] and workers() == []


def test_the_work_runs_here_while_the_statement_runs_in_a_worker() -> None:
    ran: list[tuple[str, bool]] = []
    running = threading.Event()

    def statement() -> int:
        running.set()
        time.sleep(0.2)
        return 7

    def work() -> None:
        # Waits for the statement to have started: sequential would stall here.
        assert running.wait(5), "the statement did not start before the work"
        ran.append((threading.current_thread().name, overlap.pending()))

    with overlap.meanwhile(work):
        assert overlap.pending()
        assert overlap.run(statement, lambda: None) == 7
        assert not overlap.pending()  # once: the next statement runs plainly
        assert overlap.run(lambda: 8, lambda: None) == 8
    assert ran == [(threading.current_thread().name, False)]
    assert workers() == []


def test_a_real_query_gives_its_rows_and_the_describe_leaves_the_work_pending() -> None:
    calls: list[str] = []
    with DuckDBEngine() as engine:
        engine.execute("select 1")  # warm
        with overlap.meanwhile(lambda: calls.append("work")):
            from sqlglot import exp

            engine.describe(exp.select(exp.Literal.number(1).as_("x")).subquery())
            assert calls == [] and overlap.pending()
            result = engine.execute("select sum(range) as total from range(1000)")
        assert result.columns == ["total"] and result.rows == [(499500,)]
    assert calls == ["work"]


def test_a_database_error_comes_back_as_without_the_overlap() -> None:
    with (
        DuckDBEngine() as engine,
        overlap.meanwhile(lambda: None),
        pytest.raises(EngineError) as raised,
    ):
        engine.execute("select * from missing_table")
    assert "missing_table" in str(raised.value) and workers() == []


def test_a_timeout_still_stops_the_statement_under_the_overlap() -> None:
    with DuckDBEngine(timeout_seconds=0.2) as engine, overlap.meanwhile(lambda: None):
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as raised:
            engine.execute(SLOW)
        assert str(raised.value) == "query ran longer than 0.2s"
        assert time.monotonic() - started < 3
        assert engine.execute("select 1 as one").rows == [(1,)]  # still usable


def test_work_that_fails_interrupts_the_statement_and_its_error_wins() -> None:
    def store_down() -> None:
        time.sleep(0.1)  # the statement is running by now
        raise StoreDown("the store x is not a SQLite database")

    with DuckDBEngine() as engine:
        started = time.monotonic()
        with overlap.meanwhile(store_down), pytest.raises(StoreDown):
            engine.execute(SLOW)
        assert time.monotonic() - started < 5  # interrupted, not run for minutes
        assert workers() == []
        assert engine.execute("select 2 as two").rows == [(2,)]


def test_ctrl_c_during_the_work_interrupts_the_statement_and_is_raised() -> None:
    def interrupted() -> None:
        time.sleep(0.1)
        raise KeyboardInterrupt

    with DuckDBEngine() as engine:
        started = time.monotonic()
        with overlap.meanwhile(interrupted), pytest.raises(KeyboardInterrupt):
            engine.execute(SLOW)
        assert time.monotonic() - started < 5 and workers() == []


def test_ctrl_c_while_the_statement_runs_interrupts_it_and_the_engine_closes() -> None:
    engine = DuckDBEngine()
    # SIGINT lands in this thread while it waits for the worker's statement.
    ctrl_c = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    ctrl_c.start()
    try:
        with overlap.meanwhile(lambda: None), pytest.raises(KeyboardInterrupt):
            engine.execute(SLOW)
    finally:
        ctrl_c.cancel()
    assert time.monotonic() - started < 5 and workers() == []
    assert engine.execute("select 3 as three").rows == [(3,)]
    engine.close()  # not "connection is busy": the statement really ended


def test_ctrl_c_delivered_to_another_thread_still_interrupts_the_statement() -> None:
    """The kernel may hand SIGINT to any thread (one of DuckDB's): the wait must still end.

    A real process, so that a wait that never wakes fails the test by its
    timeout instead of hanging the suite.
    """
    script = f"""
import signal, threading, time
from trustwell.engines import overlap
from trustwell.engines.duckdb import DuckDBEngine
engine = DuckDBEngine()
# Not the main thread: the timer's own thread takes the signal.
ctrl_c = threading.Timer(0.3, lambda: signal.pthread_kill(threading.get_ident(), signal.SIGINT))
ctrl_c.start()
try:
    with overlap.meanwhile(lambda: None):
        engine.execute({SLOW!r})
except KeyboardInterrupt:
    print("interrupted")
engine.close()
"""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=False
    )
    assert (done.returncode, done.stdout) == (0, "interrupted\n"), done.stderr


def test_work_that_fails_before_the_statement_began_still_stops_it() -> None:
    connection = duckdb.connect()

    def late_statement() -> object:
        time.sleep(0.3)  # the worker is slow to begin (a busy machine): one interrupt misses
        return connection.execute(SLOW).fetchall()

    def store_down() -> None:
        raise StoreDown("the store x is not a SQLite database")

    started = time.monotonic()
    with overlap.meanwhile(store_down), pytest.raises(StoreDown):
        overlap.run(late_statement, connection.interrupt)
    assert time.monotonic() - started < 5 and workers() == []
    connection.close()


# --- a connection opened while other work runs (overlap.opened) ---------------------


def test_a_duckdb_file_opens_in_a_worker_while_the_work_runs_here(tmp_path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select range as i from range(10)")
    work_ran = threading.Event()
    where: list[str] = []

    def opening() -> DuckDBEngine:
        where.append(threading.current_thread().name)
        # The work runs meanwhile: it has signalled before the opening returns.
        assert work_ran.wait(10)
        return DuckDBEngine(path)

    engine = overlap.opened(opening, work_ran.set, lambda e: e.close())
    try:
        assert where == ["trustwell-connect"]
        assert engine.execute("select count(*) from t").rows == [(10,)]
    finally:
        engine.close()


def test_work_that_fails_wins_and_what_was_opened_is_closed() -> None:
    closed: list[str] = []

    def fail() -> None:
        raise StoreDown("the store did not open")

    with pytest.raises(StoreDown):
        overlap.opened(lambda: "engine", fail, closed.append)
    assert closed == ["engine"]


def test_an_opening_that_fails_raises_its_error_after_the_work() -> None:
    done: list[str] = []

    def opening() -> str:
        raise EngineError("DuckDB file not found: nowhere.duckdb")

    with pytest.raises(EngineError, match="not found"):
        overlap.opened(opening, lambda: done.append("work"), lambda e: None)
    assert done == ["work"]
