"""``trustwell anomaly backtest``: stored history replayed, each result against those before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from anomaly.conftest import cli, run


def test_backtest_reports_what_would_have_fired(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day, rows in enumerate([100, 103, 98, 101, 102, 100, 30, 101], start=1):
        run(project, monkeypatch, day, rows)
    code, stdout, stderr = cli(
        project, "anomaly", "backtest", "shop.orders", "--check", "anomaly:row_count",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, stderr
    document = json.loads(stdout)
    (replayed,) = document["checks"]
    assert (replayed["results"], replayed["learning"], replayed["judged"]) == (8, 5, 3)
    (fired,) = replayed["fired"]
    # What the run of day 7 said, from only the six results before it.
    assert fired["executed_at"] == "2026-11-07T09:00:00Z"
    assert (fired["value"], fired["expected"], fired["direction"]) == (30, 100.5, "down")
    assert fired["low"] == pytest.approx(100.5 - 3 * 1.4826)

    code, stdout, _ = cli(project, "anomaly", "backtest", "shop.orders")
    assert code == 0
    assert "shop.orders anomaly:row_count: 1 of 3 judged results would have fired" in stdout
    assert "2026-11-07T09:00:00Z  30 below [96.0522, 104.948] (expected 100.5)" in stdout
    assert "shop.orders mean_moves: 0 of 3 judged results would have fired" in stdout


def test_backtest_with_a_more_sensitive_band_fires_more(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day, rows in enumerate([100, 103, 98, 101, 102, 100, 30, 104], start=1):
        run(project, monkeypatch, day, rows)
    assets = project / "assets" / "shop.yml"
    assets.write_text(
        assets.read_text().replace("min_history: 5}", "min_history: 5, sensitivity: 1}", 1)
    )
    _, stdout, _ = cli(project, "anomaly", "backtest", "shop.orders", "--format", "json")
    fired = json.loads(stdout)["checks"][0]["fired"]
    assert [f["executed_at"][:10] for f in fired] == ["2026-11-07", "2026-11-08"]


def test_backtest_refuses_unknown_names_with_the_nearest(project: Path) -> None:
    code, _, stderr = cli(project, "anomaly", "backtest", "shop.order")
    assert code == 2
    assert "unknown asset 'shop.order': did you mean 'shop.orders'?" in stderr
    code, _, stderr = cli(project, "anomaly", "backtest", "shop.orders", "--check", "mean_move")
    assert code == 2
    assert (
        "'mean_move' is not an anomaly check of 'shop.orders': did you mean 'mean_moves'?" in stderr
    )
    code, _, stderr = cli(
        project, "anomaly", "backtest", "shop.orders", "--check", "stat:mean(amount)"
    )
    assert code == 2 and "is not an anomaly check" in stderr
