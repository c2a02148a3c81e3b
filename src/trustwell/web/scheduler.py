"""The scheduler of ``trustwell serve``: scheduled checks and ``tick`` in a background thread.

Every ``TRUSTWELL_TICK_SECONDS`` (default 5) the thread

- runs each asset whose cron ``schedule:`` (read in the project's ``timezone``)
  has a due slot, the latest one before now, that nobody has run yet, and
- calls :func:`trustwell.incidents.tick.tick` once per period.

Several ``serve`` processes may share one store, so every job is claimed in
the database first: a claim is a row of ``job_claims`` whose primary key
names the job (``schedule:marts.kpi:2026-11-22T09:00:00Z``,
``tick:2026-11-22T09:00:05Z``). The process whose INSERT succeeds runs the
job; a duplicate key means another process has it. A slot missed while no
server was running is run once at the next start (only the latest one: a
server down for a week does not replay a week of hourly runs).

>>> worker = Scheduler(project, store)
>>> worker.start()
>>> worker.stop()
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

import sqlalchemy as sa

from trustwell import clock
from trustwell.store.web_tables import job_claims

if TYPE_CHECKING:
    from collections.abc import Callable

    from trustwell.config.models import Asset, Project
    from trustwell.store import Store

log = logging.getLogger(__name__)

DEFAULT_TICK_SECONDS = 5.0
SCHEDULER_ACTOR = "scheduler"
#: Tick claims are only needed while two processes could race for the same
#: period; older ones are deleted so the table does not grow by 17,000 rows a day.
TICK_CLAIMS_KEPT = timedelta(hours=1)


def tick_seconds() -> float:
    """``TRUSTWELL_TICK_SECONDS`` (default 5); a bad value falls back to the default."""
    raw = os.environ.get("TRUSTWELL_TICK_SECONDS", "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_TICK_SECONDS
    except ValueError:
        log.warning(
            "TRUSTWELL_TICK_SECONDS=%r is not a number: using %s", raw, DEFAULT_TICK_SECONDS
        )
        return DEFAULT_TICK_SECONDS
    return value if value > 0 else DEFAULT_TICK_SECONDS


def due_slot(schedule: str, now: datetime, timezone: str) -> datetime:
    """The latest moment at or before ``now`` that ``schedule`` names, in UTC.

    >>> due_slot("0 6 * * *", datetime(2026, 11, 22, 9, tzinfo=UTC), "UTC")
    datetime.datetime(2026, 11, 22, 6, 0, tzinfo=datetime.timezone.utc)
    """
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from croniter import croniter

    local = now.astimezone(ZoneInfo(timezone))
    # croniter's get_prev is strictly before its start: start a second later so
    # that a slot exactly at ``now`` counts as due.
    slot: datetime = croniter(schedule, local + timedelta(seconds=1)).get_prev(datetime)
    return slot.astimezone(UTC)


def tick_period(now: datetime, seconds: float) -> datetime:
    """``now`` floored to the tick period: every process computes the same claim name."""
    step = max(1, int(seconds))
    stamp = int(now.timestamp()) // step * step
    return datetime.fromtimestamp(stamp, tz=now.tzinfo)


class Scheduler:
    """Runs scheduled checks and ``tick`` in a daemon thread; safe to run in many processes."""

    def __init__(
        self,
        project: Project,
        store: Store,
        *,
        interval: float | None = None,
        name: str | None = None,
    ) -> None:
        self.project, self.store = project, store
        self.interval = interval if interval is not None else tick_seconds()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the background thread (once)."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._loop, name=f"trustwell-scheduler-{self.name}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread and wait for the job it is running, if any."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("scheduler %s still busy after %.0fs; leaving it", self.name, timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self.run_once()
            self._stopping.wait(self.interval)

    def run_once(self, now: datetime | None = None) -> list[str]:
        """Do what is due at ``now`` (default: the clock); return the jobs this process ran.

        Never raises: a failing job is logged and the next one still runs.
        """
        moment = now or clock.now()
        done: list[str] = []
        for asset in self.project.assets:
            if self._stopping.is_set():
                return done
            if asset.schedule:
                job = self._guard(f"schedule {asset.name}", partial(self._scheduled, asset, moment))
                if job:
                    done.append(job)
        if not self._stopping.is_set():
            job = self._guard("tick", lambda: self._tick(moment))
            if job:
                done.append(job)
        return done

    def _guard(self, what: str, job: Callable[[], str | None]) -> str | None:
        try:
            return job()
        except Exception:
            log.exception("scheduler %s: %s failed", self.name, what)
            return None

    def _scheduled(self, asset: Asset, now: datetime) -> str | None:
        from trustwell.checks.service import run_project

        assert asset.schedule is not None
        slot = due_slot(asset.schedule, now, self.project.settings.timezone)
        job = f"schedule:{asset.name}:{clock.isoformat(slot)}"
        if not self.claim(job, now):
            return None
        report = run_project(self.project, [asset], actor=SCHEDULER_ACTOR, trigger="schedule")
        log.info("scheduler %s: ran %s (%s)", self.name, job, report.status)
        return job

    def _tick(self, now: datetime) -> str | None:
        from trustwell.incidents.tick import tick

        job = f"tick:{clock.isoformat(tick_period(now, self.interval))}"
        if not self.claim(job, now, prune_before=now - TICK_CLAIMS_KEPT):
            return None
        tick(self.store, self.project, now)
        return job

    def claim(self, job: str, now: datetime, *, prune_before: datetime | None = None) -> bool:
        """Insert the claim of ``job``; False when another process holds it already."""

        def work(conn: sa.Connection) -> None:
            conn.execute(job_claims.insert().values(job=job, claimed_at=now, claimed_by=self.name))
            if prune_before is not None:
                conn.execute(
                    job_claims.delete().where(
                        job_claims.c.job.like("tick:%"), job_claims.c.claimed_at < prune_before
                    )
                )

        try:
            self.store.write(work)
        except sa.exc.IntegrityError:
            return False
        return True
