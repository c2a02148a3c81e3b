"""``/badges/NAME.svg``: the badge a dashboard embeds, on public and private status pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from incidents.conftest import Warehouse, write_project
from trustwell.auth.tokens import create_token
from trustwell.certification.trust import trust_document
from trustwell.checks.service import run_project
from trustwell.clock import now
from trustwell.config.models import Project
from trustwell.store import Store
from web_pages.conftest import login, make_client

SVG = "{http://www.w3.org/2000/svg}"
USE_CASES = """\
use_cases:
  exec_reporting:
    requires: [freshness, unique, owner]
  ml_training:
    requires: [unique]
"""


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The pages' project, with raw.feed taking part in exec_reporting."""
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "  - name: raw.feed\n", "  - name: raw.feed\n    use_cases: [exec_reporting]\n"
        )
    )
    return tmp_path


def badge(answer: Any) -> tuple[str, str]:
    """(level text, title) of a badge answer, after checking it is a cacheable SVG."""
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "max-age=60" in answer.headers["cache-control"]
    root = ET.fromstring(answer.text)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert texts[0] == "trust"
    return texts[1], title.text


def test_public_badges_follow_certification_and_the_score(
    project_dir: Path, client: TestClient, project: Project, store: Store
) -> None:
    run_project(project)
    text, title = badge(client.get("/badges/raw.feed.svg"))
    assert text == "Trusted"
    assert title == trust_document(store, project, "raw.feed", now())["reason"]
    assert title.startswith("Certified for exec_reporting; trust score ")
    assert client.get("/badges/raw.feed.svg").headers["cache-control"] == "max-age=60"
    # marts.kpi takes part in no use case: no description, no SLO, no freshness check: 77
    assert badge(client.get("/badges/marts.kpi.svg")) == (
        "Limited",
        "Trust score 77 of 100 is below 80; the asset takes part in no use case.",
    )
    one = client.get("/badges/raw.feed.svg", params={"use_case": "exec_reporting"})
    assert badge(one)[0] == "Trusted"
    outside = badge(client.get("/badges/raw.feed.svg", params={"use_case": "ml_training"}))
    assert outside[0] == "Untrusted" and "does not take part" in outside[1]

    Warehouse(project_dir).load(feed_loaded_at="2026-11-20 06:00:00")  # stale: INC-1 opens
    run_project(project)
    text, title = badge(client.get("/badges/raw.feed.svg"))
    assert text == "Untrusted" and title.startswith("Revoked for exec_reporting: freshness: ")
    assert badge(client.get("/badges/marts.kpi.svg"))[0] == "Untrusted"  # SEV-1 upstream


def test_unknown_asset_or_use_case_is_404(client: TestClient) -> None:
    missing = client.get("/badges/raw.fed.svg")
    assert missing.status_code == 404 and "did you mean 'raw.feed'" in missing.text
    unknown = client.get("/badges/raw.feed.svg", params={"use_case": "exec"})
    assert unknown.status_code == 404 and "unknown use case 'exec'" in unknown.text
    assert client.get("/badges/raw.feed.png").status_code == 404


def test_private_badges_need_a_viewer_token_or_a_session(project_dir: Path) -> None:
    settings = project_dir / "trustwell.yml"
    settings.write_text(settings.read_text() + "status_page: private\n")
    with make_client(project_dir) as client:
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        for path in ("/badges/raw.feed.svg", "/badges/nothing.svg"):
            refused = client.get(path)
            assert refused.status_code == 401 and "<svg" not in refused.text, path
        wrong = client.get("/badges/raw.feed.svg", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        secret = create_token(store, name="dashboard", role="viewer", actor="test")
        query = client.get("/badges/raw.feed.svg", params={"token": secret})
        assert query.status_code == 401  # a token in the URL is not accepted
        bearer = {"Authorization": f"Bearer {secret}"}
        answer = client.get("/badges/raw.feed.svg", headers=bearer)
        assert badge(answer)[0] == "Untrusted"  # never run: freshness has no evidence
        assert answer.headers["cache-control"] == "private, max-age=60"
        assert client.get("/badges/nothing.svg", headers=bearer).status_code == 404
        assert client.get("/api/v1/assets/raw.feed/trust").status_code == 401
        assert client.get("/api/v1/assets/raw.feed/trust", headers=bearer).status_code == 200
        login(client, store, "viewer")
        assert badge(client.get("/badges/raw.feed.svg"))[0] == "Untrusted"
