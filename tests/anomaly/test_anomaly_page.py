"""The asset page charts an anomaly check's metric with the band it learned."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from anomaly.conftest import result, run
from trustwell.web.app import create_app


def chart_of(page: str, check: str) -> str:
    """The history chart (SVG) of ``check``'s row on the asset page."""
    row = page.split(f">{check}<", 1)[1].split("</tr>", 1)[0]
    return row.split('<svg class="spark"', 1)[1].split("</svg>", 1)[0]


def test_the_chart_shades_the_band_and_the_run_outside_it_is_marked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    for day, rows in enumerate([100, 103, 98, 101, 102, 100], start=1):
        run(project, monkeypatch, day, rows)
    fired = result(run(project, monkeypatch, 7, 30), "anomaly:row_count")  # far below: fires
    low, high = fired["details"]["low"], fired["details"]["high"]
    with TestClient(create_app(project, scheduler=False)) as client:
        page = client.get("/assets/shop.orders").text  # anonymous, public status page
    chart = chart_of(page, "anomaly:row_count")
    bands = re.findall(r'<polygon class="spark-band" points="([^"]+)"', chart)
    # runs 1-5 learned (no band); runs 6 and 7 had one: one shaded stretch of two runs
    assert len(bands) == 1 and len(bands[0].split()) == 4
    assert chart.count('class="spark-fail"') == 1  # the seventh run, outside the band
    alt = unescape(re.search(r'aria-label="([^"]+)"', chart).group(1))  # type: ignore[union-attr]
    assert alt.startswith("anomaly:row_count on shop.orders, last 7 runs: 7 runs, from 30")
    assert alt.endswith(f"latest 30 rows (fail), expected {low:.6g} rows to {high:.6g} rows")
    # the chart of a check that is no anomaly has no band
    assert "spark-band" not in chart_of(page, "stat:mean(amount)")
