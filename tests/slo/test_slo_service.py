"""asset_slos over results really recorded in a SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from trustwell.checks.result import CheckResult, RunReport
from trustwell.config.loader import load_project
from trustwell.errors import NotFound
from trustwell.slo.service import asset_slos, to_slo_evidence
from trustwell.store import Store
from trustwell.store.service import record_run

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_check_slo_from_stored_results(tmp_path: Path, sqlite_store: Store) -> None:
    (tmp_path / "trustwell.yml").write_text("name: p\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "orders.yml").write_text(
        "assets:\n  - name: orders\n    checks:\n"
        "      - {type: row_count, min: 1, name: has_rows}\n"
        "    slos:\n      - {check: has_rows, objective: 80%, window: 28d}\n"
    )
    project = load_project(tmp_path)
    for day in range(10):
        at = NOW - timedelta(days=day, hours=1)
        status = "fail" if day == 5 else "pass"
        result = CheckResult(
            asset="orders",
            check="has_rows",
            type="row_count",
            status=status,
            value=0.0 if status == "fail" else 5.0,
            threshold={"min": 1},
            failing_fraction=None,
            message="m",
        )
        record_run(sqlite_store, RunReport(f"r{day}", at, at, [result]), project="p")
    (report,) = asset_slos(sqlite_store, project, "orders", NOW)
    assert report.samples == 10
    assert report.attainment == pytest.approx(0.9)
    assert report.budget_left == pytest.approx(0.5)
    assert report.met and not report.burning_fast
    evidence = to_slo_evidence(report)
    assert (evidence.attainment, evidence.objective, evidence.met) == (report.attainment, 0.8, True)
    with pytest.raises(NotFound):
        asset_slos(sqlite_store, project, "order", NOW)


def test_freshness_slo_from_stored_results(tmp_path: Path, sqlite_store: Store) -> None:
    (tmp_path / "trustwell.yml").write_text("name: p\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "orders.yml").write_text(
        "assets:\n  - name: orders\n    checks:\n"
        "      - {type: freshness, column: loaded_at, max_age: 26h}\n"
        "    slos:\n      - {freshness: 26h, objective: 99%, window: 2d}\n"
    )
    project = load_project(tmp_path)
    check = project.asset("orders").checks[0].display_name  # type: ignore[union-attr]
    # at -48h the data is 20h old (fresh 6h, stale 18h); a load at -24h: fresh to now
    for i, (hours, age) in enumerate([(48, 20 * 3600.0), (24, 0.0)]):
        at = NOW - timedelta(hours=hours)
        result = CheckResult(
            asset="orders",
            check=check,
            type="freshness",
            status="pass",
            value=age,
            threshold={"max_age": "26h"},
            failing_fraction=None,
            message="m",
        )
        record_run(sqlite_store, RunReport(f"f{i}", at, at, [result]), project="p")
    (report,) = asset_slos(sqlite_store, project, "orders", NOW)
    assert report.attainment == pytest.approx(30 / 48)
    assert not report.met and report.samples == 1  # the one at the window start carries in
