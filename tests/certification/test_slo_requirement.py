"""``slo: met`` reads the asset's trust SLOs: met after healthy runs, broken after failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from certification.test_service import cli
from incidents.conftest import Warehouse, write_project
from trustwell.certification.service import current
from trustwell.cli.actions import open_project_store


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(
        settings.read_text() + "use_cases:\n  weekly:\n    requires: [unique, slo: met]\n"
    )
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "  - name: raw.feed\n",
            "  - name: raw.feed\n    use_cases: [weekly]\n"
            "    slos:\n      - {check: 'unique:id', objective: 60%, window: 28d}\n",
        )
    )
    return tmp_path


def state_after_run(root: Path) -> tuple[str, tuple[str, ...]]:
    cli(root, "run")
    project, store = open_project_store(root)
    try:
        (decision,) = current(store, project, "raw.feed")
        return decision.state, decision.reasons
    finally:
        store.close()


def test_slo_met_then_missed(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = Warehouse(root)
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00")
    assert state_after_run(root)[0] == "certified"
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00", duplicate=True)
    for hour in ("10", "11"):  # 1 of 3 unique results passed: 33% < 60%
        monkeypatch.setenv("TRUSTWELL_NOW", f"2026-11-22T{hour}:00:00Z")
        state, reasons = state_after_run(root)
    assert state == "revoked"
    assert any(r.startswith("slo: met: missed") for r in reasons), reasons
