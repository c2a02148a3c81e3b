"""``incremental:`` in an asset file: good declarations load, bad ones say file, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project

SETTINGS = "name: t\nwarehouses:\n  main: {type: duckdb}\n"


def _project(tmp_path: Path, assets: str) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    (tmp_path / "assets" / "orders.yml").write_text(assets)
    return tmp_path


def test_good_declarations_load(tmp_path: Path) -> None:
    project = load_project(
        _project(
            tmp_path,
            "assets:\n"
            "  - name: orders\n    incremental: {column: loaded_at}\n"
            "  - name: events\n    incremental: {column: id, partition_size: 5000}\n"
            "  - name: clicks\n    incremental: {column: at, partition: hour, verify: checksum}\n"
            "  - name: loads\n    incremental: {column: at, verify: total}\n",
        )
    )
    orders, events, clicks, loads = (a.incremental for a in project.assets)
    assert loads is not None and loads.spec() == "at|day|total"
    assert orders is not None and (orders.grain, orders.verify) == ("day", "count")
    assert events is not None and events.grain == 5000 and events.by_id
    assert clicks is not None and clicks.spec() == "at|hour|checksum"


def test_bad_declarations_name_file_line_and_the_nearest_key(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "assets:\n"
        "  - name: orders\n    incremental:\n      colum: loaded_at\n"
        "  - name: events\n    incremental: {column: id, partition: day, partition_size: 10}\n"
        "  - name: clicks\n    incremental: {column: at, partition: week}\n"
        "  - name: loads\n    incremental: {column: at, verify: totals}\n",
    )
    with pytest.raises(ProjectError) as info:
        load_project(root)
    text = str(info.value)
    assert "unknown key 'incremental.colum'" in text and "did you mean 'column'?" in text
    assert "assets/orders.yml line 4" in text
    assert "not both" in text and "line 6" in text
    assert "incremental.partition" in text and "'day' or 'hour'" in text and "line 8" in text
    assert "incremental.verify" in text and "'count', 'total' or 'checksum'" in text
