"""Evidence packs: a real project walked through two incidents, its pack written and checked.

The story (raw.feed, use case exec_reporting, a 30-day window ending 2026-11-22 12:00):
certified on 10-01, revoked on 10-10 (duplicate ids, INC-1), certified again on 10-11
(before the window), revoked on 11-20 (stale data, INC-2, with an action item and a
completed post-mortem), resolved on 11-21 and certified on 11-22.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from certification.test_service import cli
from incidents.conftest import Warehouse, write_project
from trustwell.certification.evidence_pack import SCHEMA_FILE, schema
from trustwell.cli.actions import open_project_store
from trustwell.cli.app import create_app
from trustwell.incidents.actions import add_action
from trustwell.incidents.postmortem import (
    complete_postmortem,
    create_or_update_draft,
    postmortem_path,
)
from trustwell.incidents.service import acknowledge, resolve

SETTINGS = """\
use_cases:
  exec_reporting:
    description: Numbers the executive team decides on.
    requires: [freshness, unique, owner]
"""
SLO = "    slos:\n      - {check: 'unique:id', objective: 60%, window: 90d}\n"
END = "2026-11-22T12:00:00Z"
POSTMORTEM = """\
# Post-mortem INC-2: raw.feed is stale

## Summary

The nightly load of raw.feed stopped for two days; a rerun fixed it.

## Root cause

The loader's credentials expired.

## Action items

| # | action | owner | due | status |
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + SETTINGS)
    assets = tmp_path / "assets" / "acme.yml"
    head = "  - name: raw.feed\n"
    assets.write_text(
        assets.read_text().replace(head, head + "    use_cases: [exec_reporting]\n" + SLO)
    )
    return tmp_path


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", moment)


def run(root: Path, monkeypatch: pytest.MonkeyPatch, day: str, **load: Any) -> None:
    """Load the feed at 08:00 of ``day`` (unless told otherwise) and run at 09:00."""
    Warehouse(root).load(feed_loaded_at=load.pop("loaded", f"{day} 08:00:00"), **load)
    at(monkeypatch, f"{day}T09:00:00Z")
    cli(root, "run")


def walk(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(root, monkeypatch, "2026-10-01")
    run(root, monkeypatch, "2026-10-10", duplicate=True)  # unique fails: INC-1
    run(root, monkeypatch, "2026-10-11")
    project, store = open_project_store(root)
    try:
        resolve(store, project, "INC-1", cause="duplicate-data", summary="dedup", actor="bob")
        run(root, monkeypatch, "2026-11-20", loaded="2026-11-18 08:00:00")  # stale: INC-2
        add_action(store, 2, "Alert on expiring loader credentials", "alice", None, "bob")
        at(monkeypatch, "2026-11-21T10:00:00Z")
        acknowledge(store, project, "INC-2", actor="bob")
        resolve(store, project, "INC-2", cause="late-data", summary="rerun", actor="bob")
        create_or_update_draft(store, project, "INC-2", actor="bob")
        postmortem_path(project, "INC-2").write_text(POSTMORTEM)
        complete_postmortem(store, project, "INC-2", actor="bob")
    finally:
        store.close()
    run(root, monkeypatch, "2026-11-22")
    at(monkeypatch, END)


def certify(root: Path, *args: str) -> Any:
    return CliRunner().invoke(create_app(), ["certify", *args, "--project", str(root)])


def validator() -> jsonschema.Draft202012Validator:
    published = schema()
    jsonschema.Draft202012Validator.check_schema(published)
    return jsonschema.Draft202012Validator(published, format_checker=jsonschema.FormatChecker())


def test_pack_of_a_30_day_window(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    walk(root, monkeypatch)
    out = root / "audit" / "raw.feed"
    result = certify(root, "raw.feed", "--evidence", str(out), "--window", "30d")
    assert result.exit_code == 0, result.stderr
    data = (out / "evidence.json").read_bytes()
    pack = json.loads(data)
    assert list(validator().iter_errors(pack)) == []
    assert (pack["pack_version"], pack["asset"], pack["generated_at"]) == ("1", "raw.feed", END)
    assert pack["window"] == {"start": "2026-10-23T12:00:00Z", "end": END}
    policy = pack["policies"]["exec_reporting"]
    assert policy["requires"] == ["freshness", "unique", "owner"] and policy["rule_version"]

    # Decisions: the one in force when the window opened (10-11), then each one taken in it.
    decisions = pack["decisions"]
    assert [(d["decided_at"][:10], d["state"]) for d in decisions] == [
        ("2026-10-11", "certified"),
        ("2026-11-20", "revoked"),
        ("2026-11-21", "revoked"),
        ("2026-11-22", "certified"),
    ]
    assert [d["in_force_at_start"] for d in decisions] == [True, False, False, False]
    assert decisions[1]["incident_ids"] == ["INC-2"] and decisions[2]["incident_ids"] == []
    assert any("freshness" in r and "failed" in r for r in decisions[1]["reasons"])

    # Checks: only the results of the runs in the window, each cited by its id.
    checks = {c["check"]: c for c in pack["checks"]}
    assert set(checks) == {"freshness:loaded_at", "unique:id"}
    fresh = checks["freshness:loaded_at"]
    assert fresh["type"] == "freshness" and fresh["params"]["max_age"] == "26h"
    assert [(r["executed_at"], r["status"]) for r in fresh["results"]] == [
        ("2026-11-20T09:00:00Z", "fail"),
        ("2026-11-22T09:00:00Z", "pass"),
    ]
    assert fresh["counts"] == {"pass": 1, "warn": 0, "fail": 1, "error": 0}
    cited = {i for d in decisions[1:] for i in d["result_ids"]}
    listed = {r["result_id"] for c in pack["checks"] for r in c["results"]}
    assert cited and cited <= listed

    # SLO over its own 90 days ending now: 4 of the 5 unique results passed (10-10 failed).
    (slo,) = pack["slos"]
    assert (slo["name"], slo["samples"], slo["met"]) == ("unique:id passed", 5, True)
    assert slo["attainment"] == pytest.approx(4 / 5)
    assert pack["lineage"] == {"upstream": [], "downstream": ["marts.kpi"]}

    # INC-1 was resolved before the window: only INC-2 is in it.
    (incident,) = pack["incidents"]
    assert (incident["id"], incident["status"]) == ("INC-2", "resolved")
    assert incident["cause"] == "late-data" and incident["acknowledged_at"] is not None
    assert incident["on_asset"] and incident["resolved_at"] == "2026-11-21T10:00:00Z"
    postmortem = incident["postmortem"]
    assert postmortem["status"] == "complete" and postmortem["completed_by"] == "bob"
    assert postmortem["summary"].startswith("The nightly load of raw.feed stopped")
    assert postmortem["root_cause"] == "The loader's credentials expired."
    (item,) = incident["action_items"]
    assert (item["title"], item["owner"], item["status"]) == (
        "Alert on expiring loader credentials",
        "alice",
        "open",
    )

    # The page: the digest of the JSON bytes, the evidence in words, nothing from elsewhere.
    page = (out / "evidence.html").read_text()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    shown = re.search(r"SHA-256 of evidence\.json:\s*([0-9a-f]{64})", text)
    assert shown is not None and shown.group(1) == hashlib.sha256(data).hexdigest()
    assert "freshness: broken (freshness:loaded_at failed in run" in text
    for words in ("raw.feed", "INC-2", "The loader's credentials expired.", "late-data"):
        assert words in text
    assert "Alert on expiring loader credentials" in text and "INC-1" not in text
    assert "@media print" in page and "page-break-before" in page and "<table>" in page
    assert not re.search(r"<script|<link|<img|src=|url\(|https?://", page)


def test_default_window_of_90_days_keeps_every_decision(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk(root, monkeypatch)
    result = certify(root, "raw.feed", "--evidence", str(root / "pack"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)  # stdout stays the certify report; the pack is on stderr
    assert "evidence pack written" in result.stderr
    pack = json.loads((root / "pack" / "evidence.json").read_text())
    assert list(validator().iter_errors(pack)) == []
    assert pack["window"]["start"] == "2026-08-24T12:00:00Z"
    states = [d["state"] for d in pack["decisions"]]
    assert states[:2] == ["certified", "revoked"] and len(states) == 7
    assert not any(d["in_force_at_start"] for d in pack["decisions"])
    assert [i["id"] for i in pack["incidents"]] == ["INC-1", "INC-2"]
    assert pack["incidents"][0]["postmortem"] is None
    unique = next(c for c in pack["checks"] if c["check"] == "unique:id")
    assert len(unique["results"]) == 5 and unique["counts"]["fail"] == 1


def test_upstream_incident_in_the_pack_of_a_downstream_asset(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walk(root, monkeypatch)
    result = certify(root, "marts.kpi", "--evidence", str(root / "kpi"), "--window", "30d")
    assert result.exit_code == 0, result.stderr
    pack = json.loads((root / "kpi" / "evidence.json").read_text())
    assert list(validator().iter_errors(pack)) == []
    assert pack["lineage"] == {"upstream": ["raw.feed"], "downstream": []}
    assert pack["policies"] == {} and pack["decisions"] == [] and pack["slos"] == []
    assert [(i["id"], i["root_asset"]) for i in pack["incidents"]] == [("INC-2", "raw.feed")]


def test_broken_packs_fail_the_schema(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(root, monkeypatch, "2026-11-22")
    at(monkeypatch, END)
    assert certify(root, "raw.feed", "--evidence", str(root / "p")).exit_code == 0
    good = json.loads((root / "p" / "evidence.json").read_text())
    check = validator()
    assert check.is_valid(good) and good["decisions"]

    def broken(change: Any) -> dict[str, Any]:
        pack = json.loads(json.dumps(good))
        change(pack)
        return pack

    cases = [
        lambda p: p.pop("decisions"),
        lambda p: p.update(pack_version="2"),
        lambda p: p["decisions"][0].update(state="approved"),
        lambda p: p["decisions"][0].update(decided_at="2026-11-22 09:00"),
        lambda p: p["checks"][0]["results"][0].update(status="passed"),
        lambda p: p["window"].pop("start"),
        lambda p: p["slos"][0].update(attainment=1.5),
        lambda p: p.update(unexpected=True),
    ]
    for change in cases:
        assert not check.is_valid(broken(change))
    messages = [e.message for e in check.iter_errors(broken(cases[2]))]
    assert any("approved" in m for m in messages)


def test_published_schema_is_the_packaged_file() -> None:
    import trustwell.certification as package

    on_disk = Path(package.__file__).parent / SCHEMA_FILE
    assert json.loads(on_disk.read_text()) == schema()
    assert schema()["$id"].endswith(":1") and schema()["properties"]["pack_version"]["const"] == "1"


def test_bad_evidence_options_exit_2(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, END)
    result = certify(root, "--evidence", str(root / "p"))
    assert result.exit_code == 2 and "--evidence needs an asset" in result.stderr
    result = certify(root, "raw.feed", "--evidence", str(root / "p"), "--window", "90x")
    assert result.exit_code == 2 and "'90x' is not a duration" in result.stderr
    result = certify(root, "raw.feed", "--window", "30d")
    assert result.exit_code == 2 and "add --evidence DIR" in result.stderr
    (root / "a-file").write_text("")
    result = certify(root, "raw.feed", "--evidence", str(root / "a-file"))
    assert result.exit_code == 2 and "is a file, not a directory" in result.stderr
    result = certify(root, "raw.fed", "--evidence", str(root / "p"))
    assert result.exit_code == 2 and "did you mean 'raw.feed'" in result.stderr
    assert not (root / "p").exists()
