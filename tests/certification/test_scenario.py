"""Issue 10's scenario: one asset walks certified → at risk → revoked → certified.

``marts.kpi`` (downstream of ``raw.feed``) takes part in ``exec_reporting``.
At each step, with ``TRUSTWELL_NOW`` fixed, the test checks what a user relies
on: the stored decisions, the notice delivered to the asset's subscriber by a
real SMTP server, the badge SVG a dashboard embeds and the trust JSON of
``GET /api/v1/assets/marts.kpi/trust``, all from the same real app and store.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from incidents.conftest import Warehouse, write_project
from notify.notify_servers import SMTPSink
from trustwell.checks.service import run_project
from trustwell.config.models import Project
from trustwell.incidents.service import resolve
from trustwell.notify.outbox import deliver_due
from trustwell.store import Store
from trustwell.store.certification_tables import certification_decisions
from web_pages.conftest import make_client, token

SVG = "{http://www.w3.org/2000/svg}"
SETTINGS = """\
channels:
  mail: {{type: email, smtp: "smtp://127.0.0.1:{port}", from: trustwell@acme.test}}
use_cases:
  exec_reporting:
    requires: [row_count, owner, "lineage: known"]
    max_open_severity: none
"""


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_sink: SMTPSink) -> Path:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + SETTINGS.format(port=smtp_sink.port))
    assets = tmp_path / "assets" / "acme.yml"
    text = assets.read_text().replace(
        "    upstream: [raw.feed]\n",
        "    upstream: [raw.feed]\n    use_cases: [exec_reporting]\n",
    )
    text = text.replace("{type: row_count, min: 3}", "{type: row_count, min: 3, warn: {min: 5}}")
    assert "use_cases: [exec_reporting]" in text and "warn: {min: 5}" in text
    assets.write_text(text)
    Warehouse(tmp_path).load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=6)
    return tmp_path


@pytest.fixture
def client(project_dir: Path) -> Iterator[TestClient]:
    with make_client(project_dir) as opened:
        yield opened


class Scenario:
    """The app's project and store, and what a user sees after each step."""

    def __init__(self, client: TestClient, sink: SMTPSink) -> None:
        self.client = client
        self.sink = sink
        self.project: Project = client.app.state.project  # type: ignore[attr-defined]
        self.store: Store = client.app.state.store  # type: ignore[attr-defined]
        self.viewer = {"Authorization": f"Bearer {token(self.store, 'viewer')}"}

    def run(self) -> None:
        run_project(self.project)

    def states(self) -> list[str]:
        table = certification_decisions
        query = sa.select(table.c.state).where(table.c.asset == "marts.kpi").order_by(table.c.id)
        return self.store.read(lambda conn: [r.state for r in conn.execute(query)])

    def mail_to_subscriber(self) -> list[str]:
        """The certification notices finance@acme.test received since the last call."""
        deliver_due(self.store, self.project.settings)
        found = [
            str(m.get_payload())
            for m in self.sink.messages
            if m["To"] == "finance@acme.test" and "exec_reporting" in str(m["Subject"])
        ]
        self.sink.messages.clear()
        return found

    def badge(self) -> tuple[str, str]:
        answer = self.client.get("/badges/marts.kpi.svg")
        assert answer.status_code == 200 and answer.headers["content-type"] == "image/svg+xml"
        root = ET.fromstring(answer.text)
        title = root.find(f"{SVG}title")
        assert title is not None and title.text
        return [t.text or "" for t in root.iter(f"{SVG}text")][1], title.text

    def trust(self) -> dict[str, Any]:
        answer = self.client.get("/api/v1/assets/marts.kpi/trust", headers=self.viewer)
        assert answer.status_code == 200, answer.text
        document: dict[str, Any] = answer.json()
        return document


def test_certified_at_risk_revoked_certified(
    client: TestClient, smtp_sink: SMTPSink, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Scenario(client, smtp_sink)
    warehouse = Warehouse(project_dir)

    # 1. A healthy run: certified; the subscriber hears it; the badge says Trusted.
    s.run()
    assert s.states() == ["certified"]
    (mail,) = s.mail_to_subscriber()
    assert "marts.kpi is certified for exec_reporting" in mail
    assert s.badge()[0] == "Trusted"
    trust = s.trust()
    assert trust["badge"] == "trusted"
    assert trust["use_cases"]["exec_reporting"]["state"] == "certified"
    assert trust["score"]["formula_version"] == "1" and trust["score"]["parts"]
    certified_score = trust["score"]["value"]

    # 2. Four rows: row_count warns (min 5), so the certificate is at risk.
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=4)
    s.run()
    assert s.states() == ["certified", "at_risk"]
    (mail,) = s.mail_to_subscriber()
    assert "marts.kpi is at risk for exec_reporting" in mail and "row_count" in mail
    level, title = s.badge()
    assert level == "Limited" and "exec_reporting" in title
    trust = s.trust()
    assert (trust["badge"], trust["use_cases"]["exec_reporting"]["state"]) == (
        "limited",
        "at_risk",
    )
    assert trust["score"]["value"] < certified_score

    # 3. raw.feed upstream goes stale: INC-1 opens on it and revokes marts.kpi's certificate,
    #    although marts.kpi's own check passes again.
    warehouse.load(feed_loaded_at="2026-11-20 08:00:00", kpi_rows=6)
    s.run()
    assert s.states() == ["certified", "at_risk", "revoked"]
    (mail,) = s.mail_to_subscriber()
    assert "marts.kpi is no longer certified for exec_reporting" in mail
    assert "INC-1" in mail and "upstream (raw.feed)" in mail
    level, title = s.badge()
    assert level == "Untrusted" and "INC-1" in title
    trust = s.trust()
    revoked = trust["use_cases"]["exec_reporting"]
    assert (trust["badge"], revoked["state"]) == ("untrusted", "revoked")
    assert any("INC-1" in r and "upstream (raw.feed)" in r for r in revoked["reasons"])
    assert revoked["since"] == "2026-11-22T09:00:00Z"

    # 4. Fixed an hour later: a fresh run, INC-1 resolved; certified again.
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-22 09:30:00", kpi_rows=6)
    s.run()
    assert s.states()[-1] == "revoked"  # INC-1 is still open (monitoring): same reasons, no row
    assert s.mail_to_subscriber() == []  # no change of state, no notice
    resolve(s.store, s.project, "INC-1", cause="late-data", summary="late load", actor="alice")
    assert s.states() == ["certified", "at_risk", "revoked", "certified"]
    (mail,) = s.mail_to_subscriber()
    assert "marts.kpi is certified for exec_reporting again" in mail
    assert s.badge()[0] == "Trusted"
    trust = s.trust()
    assert trust["badge"] == "trusted"
    assert trust["use_cases"]["exec_reporting"] == {
        **trust["use_cases"]["exec_reporting"],
        "state": "certified",
        "since": "2026-11-22T10:00:00Z",
        "missing": [],
    }
