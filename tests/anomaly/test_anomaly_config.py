"""An ``anomaly`` check written wrong: file, line, what is wrong and the nearest valid name."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustwell.checks.types.anomaly import Anomaly
from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project

HEADER = "assets:\n  - name: shop.orders\n    checks:\n"  # checks from line 4


def problems(root: Path, checks: list[str]) -> list[str]:
    (root / "assets").mkdir(exist_ok=True)
    body = "".join(f"      - {c}\n" for c in checks)
    (root / "assets" / "shop.yml").write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        load_project(root)
    return [str(p) for p in info.value.problems]


def test_a_good_declaration_loads_with_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "shop.yml").write_text(
        HEADER
        + "      - {type: stat, column: amount, stat: mean, min: 0}\n"
        + "      - {type: anomaly, metric: 'stat:mean(amount)'}\n"
        + "      - {type: anomaly, metric: freshness, column: loaded_at, seasonality: daily}\n"
    )
    _, on_stat, on_freshness = load_project(tmp_path).assets[0].checks
    assert isinstance(on_stat, Anomaly) and isinstance(on_freshness, Anomaly)
    assert (on_stat.sensitivity, on_stat.min_history, on_stat.seasonality, on_stat.direction) == (
        3.0,
        7,
        "none",
        "both",
    )
    assert (on_stat.display_name, on_freshness.display_name) == (
        "anomaly:stat:mean(amount)",
        "anomaly:freshness:loaded_at",
    )


def test_a_metric_naming_no_check_suggests_the_nearest(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        [
            "{type: stat, column: amount, stat: mean, min: 0}",
            "{type: anomaly,\n         metric: 'stat:mean(amont)'}",
        ],
    )
    assert found == [
        "anomaly metric 'stat:mean(amont)' is not row_count, freshness or a check of this asset"
        " in assets/shop.yml line 6: did you mean 'stat:mean(amount)'?"
    ]


def test_a_metric_naming_itself_or_another_anomaly_check_is_refused(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        [
            "{type: anomaly, metric: row_count, name: rows_move}",
            "{type: anomaly, metric: rows_move}",
            "{type: anomaly, metric: me, name: me}",
        ],
    )
    assert found == [
        "anomaly metric 'rows_move' is another anomaly check (judge its metric instead)"
        " in assets/shop.yml line 5",
        "anomaly metric 'me' is this check itself in assets/shop.yml line 6",
    ]


def test_freshness_needs_its_column_and_values_are_checked(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        [
            "{type: anomaly, metric: freshness}",
            "{type: anomaly, metric: row_count, column: id}",
            "{type: anomaly, metric: row_count, sensitivity: 0}",
            "{type: anomaly, metric: row_count, seasonality: hourly}",
            "{type: anomaly, metric: row_count, direction: sideways, name: d}",
        ],
    )
    assert len(found) == 5, found
    assert "metric freshness needs column" in found[0] and "line 4" in found[0]
    assert "column is only read with metric freshness" in found[1] and "line 5" in found[1]
    assert "sensitivity" in found[2] and "line 6" in found[2]
    assert "seasonality" in found[3] and "'none', 'daily' or 'weekly'" in found[3]
    assert "direction" in found[4] and "line 8" in found[4]
