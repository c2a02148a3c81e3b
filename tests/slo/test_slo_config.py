"""``slos:`` on an asset: read from assets/*.yml, errors name file, line and nearest name."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustwell.config.loader import load_project

ASSET = """\
assets:
  - name: orders
    checks:
      - {{type: row_count, min: 1, name: has_rows}}
    slos:
{slos}
"""


def _project(tmp_path: Path, slos: str) -> Path:
    (tmp_path / "trustwell.yml").write_text("name: p\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "orders.yml").write_text(ASSET.format(slos=slos))
    return tmp_path


def test_slos_are_read(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        "      - {check: has_rows, objective: 99%}\n"
        "      - {freshness: 26h, objective: 99.5%, window: 7d, name: fresh}",
    )
    asset = next(a for a in load_project(root).assets if a.name == "orders")
    first, second = asset.slos
    assert (first.check, first.objective, first.window) == ("has_rows", 0.99, "28d")
    assert (second.freshness, second.objective, second.label) == ("26h", 0.995, "fresh")


@pytest.mark.parametrize(
    ("slo", "expected"),
    [
        ("{check: has_row, objective: 99%}", "did you mean 'has_rows'"),
        ("{check: has_rows, objective: 120%}", "between 0% and 100%"),
        ("{check: has_rows, objective: lots}", "not a percentage"),
        ("{check: has_rows, objective: 99%, window: 3 weeks}", "3 weeks"),
        ("{check: has_rows, objective: 99%, windw: 7d}", "windw"),
    ],
)
def test_bad_slos_name_file_and_line(tmp_path: Path, slo: str, expected: str) -> None:
    root = _project(tmp_path, f"      - {slo}")
    with pytest.raises(Exception) as caught:
        load_project(root)
    text = str(caught.value)
    assert expected in text
    assert "orders.yml" in text and "line 6" in text
