"""The scheduler of ``trustwell serve``: each due slot runs once, however many processes share
the store; tick runs once per period; a failing job never stops the thread."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from trustwell.web.scheduler import Scheduler, due_slot, tick_period


def _open(project_dir: Path) -> tuple[Any, Any]:
    from trustwell.config.loader import load_project
    from trustwell.store import open_store

    project = load_project(project_dir)
    return project, open_store(project.settings.store, project.root)


def _scheduled_runs(store: Any) -> int:
    return int(
        store.read(
            lambda conn: conn.execute(
                sa.text(
                    "SELECT COUNT(*) FROM runs "
                    "WHERE actor = 'scheduler' AND \"trigger\" = 'schedule'"
                )
            ).scalar_one()
        )
    )


def _claims(store: Any) -> list[str]:
    return sorted(
        store.read(lambda conn: conn.execute(sa.text("SELECT job FROM job_claims")).scalars().all())
    )


def test_due_slot_is_the_latest_cron_moment_at_or_before_now() -> None:
    now = datetime(2026, 11, 22, 9, 7, tzinfo=UTC)
    assert due_slot("*/15 * * * *", now, "UTC") == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert due_slot("0 9 * * *", datetime(2026, 11, 22, 9, tzinfo=UTC), "UTC") == datetime(
        2026, 11, 22, 9, 0, tzinfo=UTC
    )
    # read in the project's timezone: 06:00 in Berlin is 05:00 UTC in November
    assert due_slot("0 6 * * *", now, "Europe/Berlin") == datetime(2026, 11, 22, 5, tzinfo=UTC)


def test_tick_period_floors_to_the_interval() -> None:
    moment = datetime(2026, 11, 22, 9, 0, 7, 500, tzinfo=UTC)
    assert tick_period(moment, 5) == datetime(2026, 11, 22, 9, 0, 5, tzinfo=UTC)


def test_two_schedulers_on_one_store_run_each_due_slot_once(project_dir: Path) -> None:
    project, store = _open(project_dir)
    workers = [Scheduler(project, store, interval=0.05, name=f"w{i}") for i in range(2)]
    try:
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 60
        while _scheduled_runs(store) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # many more periods: nobody may run a slot again
        started = time.monotonic()
        for worker in workers:
            worker.stop()
        assert time.monotonic() - started < 5
        # TRUSTWELL_NOW is 09:00: the due slot of both scheduled assets is 09:00
        assert _scheduled_runs(store) == 2
        assert _claims(store) == [
            "schedule:marts.kpi:2026-11-22T09:00:00Z",
            "schedule:raw.feed:2026-11-22T09:00:00Z",
            "tick:2026-11-22T09:00:00Z",
        ]
    finally:
        for worker in workers:
            worker.stop()
        store.close()


def test_racing_schedulers_split_the_slots_without_overlap(project_dir: Path) -> None:
    project, store = _open(project_dir)
    first, second = (Scheduler(project, store, interval=5, name=n) for n in ("a", "b"))
    moments = [datetime(2026, 11, 22, h, m, tzinfo=UTC) for h, m in ((9, 0), (9, 10), (9, 15))]
    ran: dict[str, list[str]] = {"a": [], "b": []}
    try:
        for moment in moments:
            threads = [
                threading.Thread(target=lambda w=w, m=moment: ran[w.name].extend(w.run_once(m)))
                for w in (first, second)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        assert not set(ran["a"]) & set(ran["b"])
        assert sorted(ran["a"] + ran["b"]) == [
            "schedule:marts.kpi:2026-11-22T09:00:00Z",
            "schedule:marts.kpi:2026-11-22T09:15:00Z",
            "schedule:raw.feed:2026-11-22T09:00:00Z",
            "tick:2026-11-22T09:00:00Z",
            "tick:2026-11-22T09:10:00Z",
            "tick:2026-11-22T09:15:00Z",
        ]
        assert _scheduled_runs(store) == 3
    finally:
        store.close()


def test_a_failing_job_is_logged_and_the_rest_still_runs(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import trustwell.checks.service

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("warehouse on fire")

    monkeypatch.setattr(trustwell.checks.service, "run_project", broken)
    project, store = _open(project_dir)
    worker = Scheduler(project, store, interval=0.05, name="w")
    try:
        ran = worker.run_once(datetime(2026, 11, 22, 9, tzinfo=UTC))
        assert ran == ["tick:2026-11-22T09:00:00Z"]
        assert "warehouse on fire" in caplog.text
        worker.start()
        time.sleep(0.3)
        assert worker._thread is not None and worker._thread.is_alive()
    finally:
        worker.stop()
        store.close()
