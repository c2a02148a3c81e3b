"""The trust document against a real store, and ``trustwell certify --format json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from certification.test_service import cli
from incidents.conftest import Warehouse, write_project
from trustwell.certification.evidence import gather
from trustwell.certification.score import trust_score
from trustwell.certification.trust import trust_document
from trustwell.cli.actions import open_project_store
from trustwell.cli.app import create_app
from trustwell.clock import now
from trustwell.errors import NotFound

USE_CASES = """\
use_cases:
  exec_reporting:
    requires: [freshness, unique, owner]
  ml_training:
    requires: [unique]
"""
SPEC_KEYS = {"asset", "badge", "reason", "use_cases", "score", "slos"}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """raw.feed takes part in exec_reporting and has an SLO; marts.kpi (downstream) in none."""
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T09:00:00Z")
    monkeypatch.delenv("TRUSTWELL_USER", raising=False)
    write_project(tmp_path)
    settings = tmp_path / "trustwell.yml"
    settings.write_text(settings.read_text() + USE_CASES)
    assets = tmp_path / "assets" / "acme.yml"
    assets.write_text(
        assets.read_text().replace(
            "  - name: raw.feed\n",
            "  - name: raw.feed\n    use_cases: [exec_reporting]\n"
            "    slos:\n      - {check: 'unique:id', objective: 60%, window: 28d}\n",
        )
    )
    return tmp_path


def documents(root: Path, *names: str, use_case: str | None = None) -> list[dict[str, object]]:
    project, store = open_project_store(root)
    try:
        return [trust_document(store, project, name, now(), use_case) for name in names]
    finally:
        store.close()


def parts(document: dict[str, object]) -> dict[str, float]:
    score = document["score"]
    assert isinstance(score, dict)
    return {p["signal"]: p["value"] for p in score["parts"]}


def test_healthy_then_broken(root: Path) -> None:
    cli(root, "run")
    feed, kpi = documents(root, "raw.feed", "marts.kpi")
    assert set(feed) >= SPEC_KEYS and feed["asset"] == "raw.feed"
    assert (feed["badge"], feed["reason"]) == (
        "trusted",
        "Certified for exec_reporting; trust score 83 of 100.",
    )
    (entry,) = feed["use_cases"].values()  # type: ignore[attr-defined]
    assert entry["state"] == "certified" and entry["since"] == "2026-11-22T09:00:00Z"
    assert entry["missing"] == [] and [o["verdict"] for o in entry["outcomes"]] == ["holds"] * 3
    # 83: pass rate, latest checks, freshness, SLO, incidents whole (0.8), owner 0.03;
    # no upstream (0 of 0.14) and no description (0 of 0.03)
    score = feed["score"]
    assert isinstance(score, dict) and (score["value"], score["formula_version"]) == (83, "1")
    assert set(score["parts"][0]) == {"signal", "weight", "value", "detail"}
    assert parts(feed) == {
        "pass_rate": 1.0,
        "latest_checks": 1.0,
        "freshness": 1.0,
        "slos": 1.0,
        "incidents": 1.0,
        "upstream_health": 0.0,
        "lineage": 0.0,
        "owner": 1.0,
        "description": 0.0,
    }
    assert feed["slos"] == [
        {
            "name": "unique:id passed",
            "objective": 0.6,
            "attainment": 1.0,
            "budget_left": 1.0,
            "burn_rate": 0.0,
            "window": "28d",
            "met": True,
            "burning_fast": False,
        }
    ]
    # marts.kpi takes part in no use case: its score decides (77: no freshness check,
    # no SLO, no description)
    assert (kpi["badge"], kpi["use_cases"], kpi["slos"]) == ("limited", {}, [])
    assert kpi["reason"] == (
        "Trust score 77 of 100 is below 80; the asset takes part in no use case."
    )

    Warehouse(root).load(feed_loaded_at="2026-11-20 08:00:00")  # stale: fails, INC-1 opens
    cli(root, "run")
    feed, kpi = documents(root, "raw.feed", "marts.kpi")
    (entry,) = feed["use_cases"].values()  # type: ignore[attr-defined]
    assert feed["badge"] == "untrusted" and entry["state"] == "revoked"
    assert str(feed["reason"]).startswith("Revoked for exec_reporting: freshness: ")
    assert "freshness" in entry["missing"]
    assert parts(feed)["incidents"] == 0.0 and parts(feed)["freshness"] == 0.0
    assert parts(feed)["pass_rate"] == 0.75  # 3 of 4 results
    # 38: pass rate 0.15, latest checks 0.5 · 0.2, SLO still met 0.10, owner 0.03;
    # freshness failed (0) and SEV-1 INC-1 on the asset (0)
    assert feed["score"]["value"] == 38  # type: ignore[index]
    assert str(feed["reason"]).endswith("(and 1 more).")
    project, store = open_project_store(root)
    try:
        asset = project.asset("marts.kpi")
        assert asset is not None
        evidence = gather(store, project, asset, now())
        (incident,) = evidence.open_incidents
        assert incident.upstream and incident.id == "INC-1"
        assert kpi["score"]["value"] == trust_score(evidence).value  # type: ignore[index]
    finally:
        store.close()
    assert parts(kpi)["upstream_health"] < 1.0 and parts(kpi)["incidents"] == 1.0
    # 67: 77 less upstream health (0.10): INC-1 is SEV-1 (marts.kpi is tier 1)
    assert incident.severity == "SEV-1" and kpi["score"]["value"] == 67  # type: ignore[index]
    assert (kpi["badge"], kpi["reason"]) == (
        "untrusted",
        "INC-1 (SEV-1) is open upstream (raw.feed); the asset takes part in no use case.",
    )


def test_one_use_case(root: Path) -> None:
    cli(root, "run")
    (only,) = documents(root, "raw.feed", use_case="exec_reporting")
    assert list(only["use_cases"]) == ["exec_reporting"]  # type: ignore[call-overload]
    assert only["badge"] == "trusted"
    (other,) = documents(root, "raw.feed", use_case="ml_training")
    assert (other["badge"], other["use_cases"]) == ("untrusted", {})
    assert "does not take part in use case ml_training" in str(other["reason"])
    with pytest.raises(NotFound, match="did you mean 'exec_reporting'"):
        documents(root, "raw.feed", use_case="exec_reportin")
    with pytest.raises(NotFound, match=r"did you mean 'raw\.feed'"):
        documents(root, "raw.fed")


def test_certify_json_is_the_trust_document(root: Path) -> None:
    cli(root, "run")
    one = json.loads(cli(root, "certify", "raw.feed", "--format", "json"))
    (expected,) = documents(root, "raw.feed")
    assert one == expected
    every = json.loads(cli(root, "certify", "--format", "json"))
    assert [d["asset"] for d in every] == ["raw.feed", "marts.kpi", "other.table"]
    assert every[0] == expected
    taking_part = json.loads(
        cli(root, "certify", "--use-case", "exec_reporting", "--format", "json")
    )
    assert [d["asset"] for d in taking_part] == ["raw.feed"]
    result = CliRunner().invoke(
        create_app(),
        ["certify", "raw.feed", "--use-case", "exec_reportng", "-f", "json", "-p", str(root)],
    )
    assert result.exit_code == 2 and "did you mean 'exec_reporting'" in result.stderr
