"""A walk through the states, stored: certified, at risk, revoked, certified again."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidents.conftest import Warehouse, write_project
from trustwell.certification.service import current, evaluate
from trustwell.cli.actions import open_project_store
from trustwell.cli.app import create_app
from trustwell.config.loader import load_project
from trustwell.config.models import Project

USE_CASES = """\
use_cases:
  exec_reporting:
    requires: [freshness, unique, owner]
"""


def cli(root: Path, *args: str) -> str:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(root)])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    assets = tmp_path / "assets" / "acme.yml"
    text = assets.read_text().replace(
        "  - name: raw.feed\n", "  - name: raw.feed\n    use_cases: [exec_reporting]\n"
    )
    assets.write_text(text)
    return tmp_path


def project_of(root: Path) -> Project:
    return load_project(root)


def step(root: Path) -> tuple[str, tuple[str, ...], int]:
    cli(root, "run")
    project, store = open_project_store(root)
    try:
        (after_run,) = current(store, project, "raw.feed")  # stored by the run itself
        (decision,) = evaluate(store, project)
        (stored,) = current(store, project, "raw.feed")
        assert stored.id == after_run.id
        assert (stored.state, stored.reasons) == (decision.state, decision.reasons)
        assert stored.rule_version == "1" and stored.run_ids
        return decision.state, decision.reasons, stored.id
    finally:
        store.close()


def test_walk_certified_at_risk_revoked_certified(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = Warehouse(root)
    state, _, first_id = step(root)
    assert state == "certified"
    # Evaluating again with nothing changed stores nothing new.
    assert step(root)[2] == first_id
    warehouse.load(feed_loaded_at="2026-11-21 12:00:00")  # 21h old: a freshness warning
    state, reasons, at_risk_id = step(root)
    assert state == "at_risk" and at_risk_id > first_id
    assert any("freshness" in r and "warned" in r for r in reasons)
    warehouse.load(feed_loaded_at="2026-11-20 08:00:00")  # stale: fails, an incident opens
    state, reasons, _ = step(root)
    assert state == "revoked"
    assert any("INC-1" in r for r in reasons)
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00")  # fixed
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:00:00Z")
    cli(root, "run")
    cli(root, "incident", "resolve", "INC-1", "--cause", "late-data", "--summary", "late load")
    # Resolving re-evaluates at once, without a run.
    _, store = open_project_store(root)
    try:
        assert [d.state for d in current(store, project_of(root), "raw.feed")] == ["certified"]
    finally:
        store.close()
    state, reasons, _ = step(root)
    assert state == "certified", reasons
    _, store = open_project_store(root)
    try:
        import sqlalchemy as sa

        from trustwell.store.certification_tables import certification_decisions as table

        rows = store.read(lambda c: list(c.execute(sa.select(table).order_by(table.c.id))))
        assert [r.state for r in rows] == [
            "certified",
            "at_risk",
            "revoked",
            "revoked",  # the fixed run: freshness passes, INC-1 still open (monitoring)
            "certified",
        ]
        assert rows[2].incident_ids == rows[3].incident_ids == ["INC-1"]
        assert len(rows[3].reasons) == 1 and "INC-1" in rows[3].reasons[0]
    finally:
        store.close()


def test_certify_command_table_json_and_unknown_names(root: Path) -> None:
    import json

    cli(root, "run")
    out = cli(root, "certify", "--format", "json")
    entry, *others = json.loads(out)  # every asset's trust document (see test_trust.py)
    assert entry["asset"] == "raw.feed" and entry["badge"] == "trusted"
    assert entry["use_cases"]["exec_reporting"]["state"] == "certified"
    assert [o["asset"] for o in others] == ["marts.kpi", "other.table"]
    assert all(o["use_cases"] == {} for o in others)
    explained = cli(root, "certify", "raw.feed", "--explain")
    assert "freshness: holds" in explained
    result = CliRunner().invoke(create_app(), ["certify", "raw.fed", "--project", str(root)])
    assert result.exit_code == 2 and "did you mean 'raw.feed'" in result.stderr
    result = CliRunner().invoke(
        create_app(), ["certify", "--use-case", "exec_reportin", "--project", str(root)]
    )
    assert result.exit_code == 2 and "exec_reporting" in result.stderr
