"""The asset page draws a bar per group (``fairness``) and per segment (``model``)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.test_run_fairness_model import project  # noqa: F401  (the credit.loans project)
from trustwell.cli.app import create_app as create_cli
from trustwell.web.app import create_app
from web_pages.conftest import login


def breakdown(page: str, check: str) -> str | None:
    row = page.split(f">{check}<", 1)[1].split("</tr>", 1)[0]
    found = re.search(r'<figure class="breakdown">(.*?)</figure>', row, re.S)
    return found.group(1) if found else None


def test_groups_and_segments_are_charted_for_signed_in_viewers_only(
    project: Path,  # noqa: F811
) -> None:
    result = CliRunner().invoke(create_cli(), ["run", "--project", str(project)])
    assert result.exit_code in (0, 1), result.stderr
    with TestClient(create_app(project, scheduler=False)) as client:
        anonymous = client.get("/assets/credit.loans").text
        login(client, client.app.state.store, "viewer")  # type: ignore[attr-defined]
        page = client.get("/assets/credit.loans").text
    fairness = breakdown(page, "fairness:demographic_parity_difference(approved,band)")
    assert fairness is not None and "selection rate per group" in fairness
    # young 4/5, mid 2/3, old 1/5 approved (the NULL band left out): a bar per group
    titles = re.findall(r"<title>([a-z]+: [0-9.]+)</title>", fairness)
    assert sorted(titles) == ["mid: 0.7", "old: 0.2", "young: 0.8"]  # the chart rounds
    model = breakdown(page, "model:f1(approved,repaid)")
    assert model is not None and "f1 per segment" in model
    assert "young" in model and "old" in model
    # group names are values of the data: not for anonymous visitors
    assert 'class="breakdown"' not in anonymous
