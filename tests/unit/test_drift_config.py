"""A ``drift`` check's parameters as the user reads their problems: file, line, nearest name."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project

ASSETS = """\
assets:
  - name: features
    table: ml.features
    checks:
{checks}
  - name: features_train
    table: ml.features_train
"""


def _write(root: Path, checks: str) -> None:
    (root / "trustwell.yml").write_text("warehouses:\n  main: {type: duckdb}\n", encoding="utf-8")
    (root / "assets").mkdir(exist_ok=True)
    body = textwrap.indent(textwrap.dedent(checks), "      ")
    (root / "assets" / "f.yml").write_text(ASSETS.format(checks=body), encoding="utf-8")


def problems(root: Path, checks: str) -> list[str]:
    _write(root, checks)
    with pytest.raises(ProjectError) as info:
        load_project(root)
    return [str(p) for p in info.value.problems]


def test_a_good_drift_check_loads(tmp_path: Path) -> None:
    _write(tmp_path, "- {type: drift, column: age, reference: {where: \"day < '2026-01-01'\"}}")
    (check,) = load_project(tmp_path).assets[0].checks
    assert (check.display_name, check.threshold()) == ("drift:age", {"method": "auto"})


def test_an_unknown_reference_asset_names_the_nearest(tmp_path: Path) -> None:
    found = problems(tmp_path, "- {type: drift, column: age, reference: {asset: features_trian}}")
    assert found == [
        "drift reference asset 'features_trian' does not exist in assets/f.yml line 5:"
        " did you mean 'features_train'?"
    ]


def test_a_reference_filter_that_writes_is_refused_on_its_line(tmp_path: Path) -> None:
    checks = """\
        - type: drift
          column: age
          reference:
            where: "1 = 1; drop table ml.features"
        """
    assert problems(tmp_path, checks) == [
        "reference.where must be one SQL statement, got 2 in assets/f.yml line 8"
    ]


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        (
            "- {type: drift, column: age, reference: {}}",
            "reference takes exactly one of asset, where or baseline",
        ),
        (
            "- {type: drift, column: age, reference: {asset: features_train, baseline: b}}",
            "reference takes exactly one of asset, where or baseline",
        ),
        (
            "- {type: drift, column: age, method: kss, reference: {baseline: b}}",
            "'ks'",
        ),
        (
            "- {type: drift, column: age, reference: {baselin: b}}",
            "did you mean 'baseline'?",
        ),
        (
            "- {type: drift, column: age, method: psi, threshold: 0.2, warn: {threshold: 0.3},"
            " reference: {baseline: b}}",
            "warn.threshold 0.3 is above threshold 0.2",
        ),
    ],
)
def test_bad_parameters_are_refused(tmp_path: Path, checks: str, expected: str) -> None:
    (found,) = problems(tmp_path, checks)
    assert expected in found and "assets/f.yml line 5" in found
