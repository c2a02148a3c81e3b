"""The kept plan's file and what says whether it still holds (trustwell.quickrun.plan)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from trustwell.quickrun import plan as kept


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    (folder / "assets" / "sub").mkdir(parents=True)
    (folder / "trustwell.yml").write_text("name: shop\n")
    (folder / "assets" / "a.yml").write_text("assets: []\n")
    return folder


def test_the_digest_moves_with_every_file_the_plan_depends_on(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("x = 1\n")
    monkeypatch.setattr(kept, "_PACKAGE", code)
    first = kept.digest(root, "1.0")
    assert first is not None and first == kept.digest(root, "1.0")

    seen = {first}
    changes = [
        lambda: (root / "assets" / "a.yml").write_text("assets: [] \n"),
        lambda: (root / "assets" / "sub" / "b.yaml").write_text("assets: []\n"),
        lambda: (root / "assets" / "sub" / "b.yaml").rename(root / "assets" / "c.yaml"),
        lambda: (root / "trustwell.yml").write_text("name: shop2\n"),
        lambda: (code / "module.py").write_text("x = 22\n"),
        lambda: (code / "new.py").write_text(""),
    ]
    for change in changes:
        change()
        now = kept.digest(root, "1.0")
        assert now is not None and now not in seen
        seen.add(now)
    assert kept.digest(root, "1.1") not in seen  # another DuckDB
    (root / "assets" / "notes.txt").write_text("not an asset file")
    assert kept.digest(root, "1.0") in seen


def test_a_project_naming_a_variable_or_without_settings_has_no_digest(root: Path) -> None:
    (root / "assets" / "a.yml").write_text("assets:\n  - name: '${TABLE}'\n")
    assert kept.digest(root, "1.0") is None
    (root / "assets" / "a.yml").write_text("assets: []\n")
    (root / "trustwell.yml").unlink()
    assert kept.digest(root, "1.0") is None


def test_a_plan_round_trips_and_is_written_owner_only(root: Path) -> None:
    plan = kept.Plan(
        digest="d",
        project="shop",
        store="/p/.trustwell/trustwell.db",
        schema="0012",
        warehouses={"main": {"path": "/p/w.duckdb", "threads": 2}},
        assets=[
            kept.AssetPlan(
                name="shop.orders",
                warehouse="main",
                timezone=None,
                statements=[
                    kept.Statement("SELECT COUNT(*) AS m0 FROM t", {"m0": [["rc", "rows"]]})
                ],
                checks=[
                    kept.Check(
                        name="rc",
                        type="row_count",
                        spec={"shape": "row_count", "min": 1},
                        threshold={"min": 1},
                        unit="rows",
                        shown_unit="rows",
                        definition={"type": "row_count", "min": 1},
                    )
                ],
                guards=[kept.Guard("SELECT 1", "SELECT 2", ["id"], {"id": [0, 15]})],
            )
        ],
    )
    path = kept.plan_file(root, ["b", "a"], [])
    assert path == kept.plan_file(root, ["a", "b", "a"], [])  # the selection, not its order
    assert path != kept.plan_file(root, [], ["a", "b"])
    kept.write(path, plan)
    assert kept.read(path) == plan
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left

    path.write_text(path.read_text().replace(f'"format": {kept.FORMAT}', '"format": 99'))
    assert kept.read(path) is None  # another format: planned again
    path.write_text("{not json")
    assert kept.read(path) is None
    assert kept.read(root / "missing.json") is None
