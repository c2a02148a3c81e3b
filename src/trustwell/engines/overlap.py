"""Work done while a warehouse statement runs, instead of before it.

A ``trustwell run`` on DuckDB spends most of its time in two places: Python
getting ready (importing SQLAlchemy, opening and verifying the store) and
DuckDB running the shared statement. DuckDB releases the GIL while it
executes, and on a small table it keeps only about one core busy, so the two
can overlap: the caller hands the work to :func:`meanwhile`, and the next
statement that allows it (:func:`run`) executes in a worker thread while the
work runs in the caller's thread. Nothing is pending outside such a block,
and then :func:`run` is a plain call: the web server, the scheduler and the
tests see no thread.

The statement keeps its semantics: its result or its error (a timeout, a
database error) comes back in the caller's thread as if it had run there. When
the work fails, or Ctrl-C arrives while either runs, the statement is
interrupted, the worker is waited for, and the work's error (or the
``KeyboardInterrupt``) is what the caller gets: no thread outlives the call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")

_PENDING: ContextVar[Callable[[], None] | None] = ContextVar("trustwell_overlap", default=None)


@contextmanager
def meanwhile(work: Callable[[], None]) -> Iterator[None]:
    """Within the block, run ``work`` alongside the first statement that allows it.

    ``work`` runs at most once: if no statement runs in the block it does not
    run at all, so the caller must still do it (or check that it was done).
    """
    token = _PENDING.set(work)
    try:
        yield
    finally:
        _PENDING.reset(token)


def pending() -> bool:
    """Whether work waits for the next statement (what :func:`run` would overlap)."""
    return _PENDING.get() is not None


def run(statement: Callable[[], T], interrupt: Callable[[], None]) -> T:
    """``statement()``, in a worker thread while pending work runs here, if any.

    ``interrupt`` stops the statement from another thread (DuckDB's
    ``connection.interrupt``); it is called when the work fails or on Ctrl-C.
    """
    work = _PENDING.get()
    if work is None:
        return statement()
    _PENDING.set(None)  # once: the statements after this one run plainly
    job = _Job(statement)
    thread = threading.Thread(target=job, name="trustwell-statement", daemon=True)
    try:
        try:
            thread.start()  # Ctrl-C may land in here, once the worker already runs
        except RuntimeError:  # no thread could be made: there is nothing to stop
            job.finished.set()
            raise
        work()
        # A timed wait, again and again: Ctrl-C may be delivered to another
        # thread (one of DuckDB's), and then an untimed wait here would never
        # return to let the main thread raise it.
        _finish(job.finished)
    except BaseException:
        _stop(interrupt, job.finished)
        raise
    return job.result()


class _Job(Generic[T]):
    """``call()`` as a thread's target: its value or its error, and an event when it ended."""

    def __init__(self, call: Callable[[], T]) -> None:
        self.call = call
        self.value: list[T] = []
        self.failure: list[BaseException] = []
        self.finished = threading.Event()

    def __call__(self) -> None:
        try:
            self.value.append(self.call())
        except BaseException as exc:  # handed to the caller's thread by result()
            self.failure.append(exc)
        finally:
            self.finished.set()

    def result(self) -> T:
        """The value, or the error raised again in the caller's thread."""
        if self.failure:
            raise self.failure[0]
        return self.value[0]


def _stop(interrupt: Callable[[], None], finished: threading.Event) -> None:
    """Interrupt the statement until the worker is done, whatever Ctrl-C does meanwhile.

    Interrupted again every 50 ms: a worker that had not begun executing yet
    (a busy machine) would miss a single interrupt and run the statement to
    its end. An event, not ``Thread.join``: a join interrupted by Ctrl-C marks
    the thread stopped while it still runs (CPython 3.11), and closing a
    DuckDB connection that is still executing crashes the process.
    """
    while True:
        interrupt()
        try:
            if finished.wait(0.05):
                return
        except KeyboardInterrupt:
            continue


def opened(opening: Callable[[], T], work: Callable[[], None], close: Callable[[T], None]) -> T:
    """What ``opening()`` opened, in a worker thread while ``work()`` runs in the caller's.

    For a connection whose opening releases the GIL (DuckDB reading a file's
    catalog, about 10 ms on a 20M-row file) and work that needs no connection
    (an incremental run reading its stored states). The work's error (or
    Ctrl-C) wins: the worker is waited for and what it opened is closed. Then
    the opening's error, if it failed.
    """
    job = _Job(opening)
    threading.Thread(target=job, name="trustwell-connect", daemon=True).start()
    try:
        work()
    except BaseException:
        _finish(job.finished)
        if job.value:
            close(job.value[0])
        raise
    _finish(job.finished)
    return job.result()


def _finish(finished: threading.Event) -> None:
    """Wait for a worker, in timed waits (Ctrl-C may land in one of DuckDB's threads)."""
    while not finished.wait(0.1):
        pass
