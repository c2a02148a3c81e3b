"""``trustwell run`` opens its store while DuckDB runs the first statement.

Importing SQLAlchemy and opening and verifying the store cost a run about
0.15 s of CPU before any check could start. When every selected asset is on
a DuckDB warehouse, :func:`store_alongside` hands that work to
:func:`trustwell.engines.overlap.meanwhile`: it runs while DuckDB executes the
run's first statement (DuckDB releases the GIL). Otherwise the store is
opened first, as it always was: a PostgreSQL or Spark warehouse is a server,
and a store that cannot take the run must stop it before the server is
contacted (tests/security/test_nothing_lost_store.py).

Either way nothing is lost: a store that fails to open interrupts the
statement and stops the run with its own error (exit code 2) before any
result is recorded or printed; a run in which no statement ran opens the
store when it first needs it (to read history, or to record).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from trustwell.engines import overlap

if TYPE_CHECKING:
    from trustwell.config.models import Asset, Project
    from trustwell.store.database import Store


class StoreOpening:
    """The store, opened once on first use (or by the overlap); callable for the store.

    A failure is kept and raised again on every later use, so the run stops
    with the same error wherever it next needs the store.
    """

    def __init__(self, opener: Callable[[], Store]) -> None:
        self._opener = opener
        self._store: Store | None = None
        self._error: BaseException | None = None

    def __call__(self) -> Store:
        """The open store, opening it now if that has not happened yet."""
        if self._store is None:
            if self._error is not None:
                raise self._error
            try:
                self._store = self._opener()
            except Exception as exc:
                self._error = exc
                raise
        return self._store

    def open(self) -> None:
        """Open the store now (what the overlap runs alongside the statement)."""
        self()

    @property
    def opened(self) -> bool:
        """Whether the store is open (so the run has it to read and to record)."""
        return self._store is not None

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()


def overlappable(project: Project, assets: Sequence[Asset]) -> bool:
    """Whether every asset of the run is on a DuckDB warehouse (embedded, never a server).

    Not when an asset is ``incremental:``: its stored states and watermark are
    read from the store before its first statement is planned.
    """
    if any(asset.incremental is not None for asset in assets):
        return False
    warehouses = {project.warehouse_of(asset) for asset in assets}
    configs = project.settings.warehouses
    return bool(warehouses) and all(
        w in configs and configs[w].type == "duckdb" for w in warehouses
    )


@contextmanager
def store_alongside(
    project: Project, assets: Sequence[Asset], *, dry_run: bool = False
) -> Iterator[StoreOpening]:
    """The run's store, opened alongside the first DuckDB statement when it can be.

    Not overlappable: opened (and verified) here, before the block runs, as
    before. A dry run records nothing: its store is opened, read-only, only to
    show incremental assets' statements past their watermark. Closed at the
    end of the block if it was opened.
    """

    def opener() -> Store:
        from trustwell.store import open_store  # SQLAlchemy: imported by whoever opens

        return open_store(project.settings.store, project.root, writable=not dry_run)

    opening = StoreOpening(opener)
    try:
        if dry_run:
            if any(asset.incremental is not None for asset in assets):
                opening.open()
            yield opening
            return
        if not overlappable(project, assets):
            opening.open()
            yield opening
            return
        with overlap.meanwhile(_warm(opening)):
            yield opening
    finally:
        opening.close()


def _warm(opening: StoreOpening) -> Callable[[], None]:
    """The store opened, and what recording the run imports, while the statement runs."""

    def work() -> None:
        opening.open()
        import trustwell.incidents.quiet
        import trustwell.notify.outbox  # noqa: F401  (imported for the record that follows)

    return work
