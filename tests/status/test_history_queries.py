"""The trust history bars' grouped queries on SQLite and PostgreSQL: results counted
per UTC day (midnight on the right side), incidents open in the window by asset."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from incidents.conftest import write_project
from trustwell.checks.result import CheckResult, RunReport
from trustwell.config.loader import load_project
from trustwell.incidents.service import acknowledge, declare, dismiss, resolve, set_status
from trustwell.lineage.service import project_graph
from trustwell.status.history import day_results, history_bars, incident_spans
from trustwell.status.history_bar import DayResults, window
from trustwell.store import open_store
from trustwell.store.service import record_run

TODAY = date(2026, 11, 22)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_day_counts_and_incident_spans_for_all_assets(
    tmp_path: Path, store_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, store=store_url)
    project = load_project(tmp_path)
    store = open_store(project.settings.store, project.root)
    try:
        for n, (moment, status) in enumerate(
            [
                ("2026-08-24 23:59:59", "fail"),  # the day before the window
                ("2026-08-25 00:00:00", "pass"),  # its first moment
                ("2026-11-20 12:00:00", "warn"),
                ("2026-11-21 23:59:59", "fail"),
                ("2026-11-22 00:00:00", "pass"),
                ("2026-11-22 08:30:00", "error"),
            ]
        ):
            result = CheckResult("raw.feed", "unique:id", "unique", status, 0.0, {}, None, "m")  # type: ignore[arg-type]
            record_run(store, RunReport(f"r{n}", at(moment), at(moment), [result]), project="acme")

        def now(text: str) -> None:
            monkeypatch.setenv("TRUSTWELL_NOW", text)

        now("2026-11-10T10:00:00Z")
        real = declare(store, project, asset="raw.feed", title="late", actor="alice")
        acknowledge(store, project, real.id, actor="alice")
        set_status(store, project, real.id, "identified", actor="alice")
        now("2026-11-11T08:00:00Z")
        resolve(store, project, real.id, cause="upstream-source", summary="ok", actor="alice")
        now("2026-11-15T10:00:00Z")
        drill = declare(store, project, asset="other.table", title="d", actor="alice", drill=True)
        false_alarm = declare(store, project, asset="other.table", title="no", actor="alice")
        dismiss(store, project, false_alarm.id, reason="expected", actor="alice")
        now("2026-11-22T09:00:00Z")
        still_open = declare(store, project, asset="marts.kpi", title="kpi", actor="alice")

        start, end = window(TODAY)
        counts = store.read(lambda conn: day_results(conn, start, end))
        assert counts == {
            "raw.feed": {
                date(2026, 8, 25): DayResults(1),
                date(2026, 11, 20): DayResults(1, warned=1),
                date(2026, 11, 21): DayResults(1, failed=1),
                date(2026, 11, 22): DayResults(2, failed=1),
            }
        }
        graph = project_graph(store, project)
        spans = store.read(lambda conn: incident_spans(conn, graph, start, end))
        assert set(spans) == {"raw.feed", "marts.kpi"}  # not the drill, not the dismissed
        (feed,) = spans["raw.feed"]
        assert (feed.id, feed.start, feed.end) == (
            real.id,
            at("2026-11-10 10:00"),
            at("2026-11-11 08:00"),
        )
        # the mart is downstream of the feed: the feed's incident reached it
        assert {(s.id, s.end is None) for s in spans["marts.kpi"]} == {
            (real.id, False),
            (still_open.id, True),
        }
        assert drill.id not in {s.id for found in spans.values() for s in found}

        bars = store.read(lambda conn: history_bars(conn, project, graph, TODAY))
        assert set(bars) == {"raw.feed", "marts.kpi", "other.table"}
        feed_days = {c.day: c.state for c in bars["raw.feed"]}
        assert [feed_days[date(2026, 11, d)] for d in (9, 10, 11, 12, 20, 21, 22)] == [
            "no_data",
            "incident",
            "incident",
            "no_data",
            "warning",
            "warning",
            "warning",
        ]
        assert bars["marts.kpi"][-1].reason == f"{still_open.id} was open"
        assert {c.state for c in bars["other.table"]} == {"no_data"}
    finally:
        store.close()
