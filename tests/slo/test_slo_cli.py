"""``trustwell slo``: JSON in the SPEC 5 shape, unknown asset exits 2 with the nearest name."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trustwell.cli.app import create_app


def _project(tmp_path: Path) -> Path:
    (tmp_path / "trustwell.yml").write_text("name: p\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "orders.yml").write_text(
        "assets:\n  - name: orders\n    checks:\n"
        "      - {type: row_count, min: 1, name: has_rows}\n"
        "    slos:\n      - {check: has_rows, objective: 99%}\n"
    )
    return tmp_path


def test_json_and_unknown_asset(tmp_path: Path) -> None:
    root = _project(tmp_path)
    runner = CliRunner()
    bad = runner.invoke(create_app(), ["slo", "order", "--project", str(root)])
    assert bad.exit_code == 2
    assert "orders" in bad.output
    ok = runner.invoke(create_app(), ["slo", "orders", "--format", "json", "--project", str(root)])
    assert ok.exit_code == 0, ok.output
    (item,) = json.loads(ok.output)
    assert {"name", "objective", "attainment", "budget_left", "burn_rate"} <= set(item)
    assert item["objective"] == 0.99 and item["attainment"] is None and item["state"] == "no data"
