"""The status page's certification chips: the latest decision of every asset and use
case in one grouped query, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.conftest import Warehouse, write_project
from trustwell.certification.service import current
from trustwell.checks.service import run_project
from trustwell.config.loader import load_project
from trustwell.status.certified import NOT_EVALUATED, certifications
from trustwell.store import open_store

USE_CASES = """\
use_cases:
  exec_reporting:
    requires: [freshness, unique, owner]
  weekly_kpis:
    requires: [row_count]
"""


def test_latest_decision_per_asset_and_use_case_in_declaration_order(
    tmp_path: Path, store_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    write_project(tmp_path, store=store_url)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    assets = tmp_path / "assets" / "acme.yml"
    text = assets.read_text().replace(
        "  - name: raw.feed\n", "  - name: raw.feed\n    use_cases: [exec_reporting]\n"
    )
    text = text.replace(
        "  - name: marts.kpi\n",
        "  - name: marts.kpi\n    use_cases: [weekly_kpis, exec_reporting]\n",
    )
    assets.write_text(text)
    project = load_project(tmp_path)
    store = open_store(project.settings.store, project.root)
    try:
        before = store.read(lambda conn: certifications(conn, project))
        assert {a: [(c.use_case, c.state, c.reason) for c in cs] for a, cs in before.items()} == {
            "raw.feed": [("exec_reporting", "uncertified", NOT_EVALUATED)],
            "marts.kpi": [
                ("weekly_kpis", "uncertified", NOT_EVALUATED),
                ("exec_reporting", "uncertified", NOT_EVALUATED),
            ],
        }
        run_project(project)  # healthy: the feed is certified
        monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-23T09:00:00Z")
        Warehouse(tmp_path).load(feed_loaded_at="2026-11-20 06:00:00")
        run_project(project)  # stale: an incident revokes the feed's and the mart's
        found = store.read(lambda conn: certifications(conn, project))
        # the same as certification.service.current, asset by asset
        for asset, chips in found.items():
            stored = {d.use_case: d for d in current(store, project, asset)}
            for chip in chips:
                d = stored[chip.use_case]
                assert (chip.state, chip.since, chip.reasons) == (d.state, d.since, d.reasons)
        assert [c.state for c in found["raw.feed"]] == ["revoked"]
        assert [(c.use_case, c.state) for c in found["marts.kpi"]] == [
            ("weekly_kpis", "revoked"),
            ("exec_reporting", "uncertified"),
        ]
        assert "other.table" not in found
    finally:
        store.close()
