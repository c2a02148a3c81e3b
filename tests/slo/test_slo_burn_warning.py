"""A trust SLO burning fast warns the asset's owners through the outbox, once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from trustwell.certification.announce import BURN_EVENT
from trustwell.certification.service import evaluate, history
from trustwell.checks.result import CheckResult, RunReport
from trustwell.config.loader import load_project
from trustwell.config.models import Project
from trustwell.slo.service import asset_slos
from trustwell.store import Store
from trustwell.store.incident_tables import outbox
from trustwell.store.service import record_run

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
SETTINGS = """\
name: p
people:
  dave: {email: dave@acme.test}
  erin: {email: erin@acme.test}
teams:
  platform: {members: [dave], channel: platform-alerts}
  analytics: {members: [erin], lead: dave}
channels:
  mail: {type: email, smtp: "smtp://127.0.0.1:1025", from: trustwell@acme.test}
  platform-alerts: {type: webhook, url: "http://127.0.0.1:9/hook"}
"""
ASSET = """\
  - name: {name}
    owner: {owner}
    subscribers: [finance@acme.test]
    checks:
      - {{type: row_count, min: 1, name: has_rows}}
    slos:
      - {{check: has_rows, objective: 95%, window: 28d}}
"""


def project_at(root: Path) -> Project:
    (root / "trustwell.yml").write_text(SETTINGS)
    (root / "assets").mkdir()
    assets = "assets:\n" + "".join(
        ASSET.format(name=n, owner=o) for n, o in (("orders", "platform"), ("kpi", "analytics"))
    )
    (root / "assets" / "all.yml").write_text(assets)
    return load_project(root)


def record(store: Store, asset: str, at: datetime, status: str) -> None:
    result = CheckResult(asset, "has_rows", "row_count", status, 1.0, {"min": 1}, None, "m")
    record_run(store, RunReport(f"{asset}-{at.isoformat()}", at, at, [result]), project="p")


def warnings(store: Store) -> list[sa.Row[Any]]:
    query = sa.select(outbox).where(outbox.c.event == BURN_EVENT).order_by(outbox.c.id)
    return store.read(lambda c: list(c.execute(query)))


def test_fast_burn_warns_owners_once_a_day(tmp_path: Path, sqlite_store: Store) -> None:
    project = project_at(tmp_path)
    for day in range(1, 21):
        record(sqlite_store, "orders", NOW - timedelta(days=day), "pass")
    evaluate(sqlite_store, project, now=NOW)
    assert warnings(sqlite_store) == []  # 20 good results: no burn
    record(sqlite_store, "orders", NOW + timedelta(minutes=1), "fail")
    later = NOW + timedelta(minutes=2)
    (slo,) = asset_slos(sqlite_store, project, "orders", later)
    assert slo.met and slo.burning_fast  # 20 of 21: still met, but burning fast
    evaluate(sqlite_store, project, now=later)
    (warning,) = warnings(sqlite_store)
    assert (warning.channel, warning.channel_type, warning.recipient) == (
        "platform-alerts",
        "webhook",
        None,
    )
    assert warning.payload["text"] == (
        "orders is burning the error budget of its SLO has_rows passed fast"
        " (95.24% attained, objective 95%): at this pace the objective will be missed"
    )
    assert (warning.payload["asset"], warning.payload["slo"]) == ("orders", "has_rows passed")
    evaluate(sqlite_store, project, now=later + timedelta(minutes=1))  # the next run: same burn
    assert len(warnings(sqlite_store)) == 1
    assert history(sqlite_store, project, "orders") == []  # no use case: nothing decided

    tomorrow = NOW + timedelta(days=1)
    record(sqlite_store, "orders", tomorrow, "fail")
    evaluate(sqlite_store, project, now=tomorrow + timedelta(minutes=1))
    assert len(warnings(sqlite_store)) == 2  # burning on another day: told again


def test_a_team_without_channel_is_warned_by_mail_subscribers_are_not(
    tmp_path: Path, sqlite_store: Store
) -> None:
    project = project_at(tmp_path)
    for day in range(1, 21):
        record(sqlite_store, "kpi", NOW - timedelta(days=day), "pass")
    record(sqlite_store, "kpi", NOW, "fail")
    evaluate(sqlite_store, project, now=NOW + timedelta(minutes=1))
    found = warnings(sqlite_store)
    assert sorted(w.recipient for w in found) == ["dave@acme.test", "erin@acme.test"]
    assert {w.payload["subject"] for w in found} == {
        "kpi: SLO has_rows passed is burning its error budget fast"
    }
    assert all("headers" not in w.payload for w in found)  # to responders: no unsubscribe
