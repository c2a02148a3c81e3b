"""From a failing check to one well-run incident, through the CLI as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from incidents.conftest import Warehouse
from trustwell.cli.app import create_app


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(create_app(), [*args, "--project", str(project)])
    return result.exit_code, result.stdout, result.stderr


def run_json(project: Path) -> dict[str, Any]:
    _, stdout, _ = cli(project, "run", "--format", "json")
    return json.loads(stdout)  # type: ignore[no-any-return]


def incidents(project: Path) -> list[dict[str, Any]]:
    code, stdout, stderr = cli(project, "incident", "list", "--format", "json")
    assert code == 0, stderr
    return json.loads(stdout)  # type: ignore[no-any-return]


def test_healthy_run_opens_nothing(project_dir: Path) -> None:
    assert run_json(project_dir)["incidents"] == []
    assert incidents(project_dir) == []


def test_stale_feed_opens_one_incident_with_roles_severity_and_impact(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    document = run_json(project_dir)
    assert document["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    (incident,) = incidents(project_dir)
    assert incident["title"] == "freshness:loaded_at failed on raw.feed"
    assert (incident["severity"], incident["status"], incident["detection_source"]) == (
        "SEV-1",
        "declared",
        "check",
    )  # tier 1 mart downstream
    assert incident["root_asset"] == "raw.feed"
    assert incident["assets"] == [
        {"asset": "raw.feed", "impact": "root"},
        {"asset": "marts.kpi", "impact": "downstream"},
    ]
    assert incident["commander"] == "carol"  # third week of the rotation
    assert incident["smes"] == ["alice", "bob", "carol", "erin"]
    # freshness: the data went bad when MAX(loaded_at) + max_age passed
    assert incident["occurred_at"] == "2026-11-21T08:00:00Z"
    assert incident["declared_at"] == "2026-11-22T09:00:00Z"
    assert incident["drill"] is False
    assert incident["timeline"][0]["kind"] == "declared"


def test_second_failure_of_same_check_joins_open_incident(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    document = run_json(project_dir)
    assert document["incidents"] == [{"id": "INC-1", "action": "joined", "severity": "SEV-1"}]
    (incident,) = incidents(project_dir)
    assert [e["kind"] for e in incident["timeline"]] == ["declared", "still_failing"]


def test_failure_of_another_check_on_the_asset_joins_the_same_incident(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00", duplicate=True)
    run_json(project_dir)
    (incident,) = incidents(project_dir)
    assert len(incident["fingerprints"]) == 2


def test_downstream_failure_joins_the_upstream_incident(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00", kpi_rows=1)
    document = run_json(project_dir)
    assert document["incidents"] == [{"id": "INC-1", "action": "opened", "severity": "SEV-1"}]
    (incident,) = incidents(project_dir)
    assert incident["root_asset"] == "raw.feed"
    assert len(incident["fingerprints"]) == 2
    assert any(e["kind"] == "joined" and "marts.kpi" in e["text"] for e in incident["timeline"])


def test_unrelated_failure_opens_its_own_incident(project_dir: Path, warehouse: Warehouse) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    (project_dir / "assets" / "acme.yml").write_text(
        (project_dir / "assets" / "acme.yml")
        .read_text()
        .replace("      - {type: row_count, min: 1}", "      - {type: row_count, min: 5}")
    )
    document = run_json(project_dir)
    # Roots open in a stable order: upstream first, then by name.
    assert [(i["id"], i["severity"]) for i in document["incidents"]] == [
        ("INC-1", "SEV-2"),
        ("INC-2", "SEV-1"),
    ]
    assert len(incidents(project_dir)) == 2


def test_warnings_never_open_incidents(project_dir: Path, warehouse: Warehouse) -> None:
    warehouse.load(feed_loaded_at="2026-11-21 10:00:00")  # 23h: warns at 20h, fails at 26h
    document = run_json(project_dir)
    assert {r["status"] for r in document["results"]} == {"pass", "warn"}
    assert document["incidents"] == []


def test_passing_rerun_moves_to_monitoring_never_to_resolved(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    warehouse.load(feed_loaded_at="2026-11-22 08:30:00")
    document = run_json(project_dir)
    assert document["incidents"] == [{"id": "INC-1", "action": "monitoring", "severity": "SEV-1"}]
    (incident,) = incidents(project_dir)
    assert incident["status"] == "monitoring" and incident["resolved_at"] is None


def test_lifecycle_through_the_cli_with_attribution(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    assert cli(project_dir, "incident", "ack", "INC-1", "--as", "carol")[0] == 0
    code, _, stderr = cli(project_dir, "incident", "status", "INC-1", "closed", "--as", "carol")
    assert code == 2
    assert stderr.strip() == (
        "error: INC-1 is acknowledged: it cannot move to closed; allowed: dismissed, "
        "identified, investigating, monitoring, resolved"
    )
    assert (
        cli(
            project_dir,
            "incident",
            "update",
            "INC-1",
            "-m",
            "Feed vendor down",
            "--public",
            "KPI figures are delayed",
            "--as",
            "carol",
        )[0]
        == 0
    )
    assert (
        cli(project_dir, "incident", "assign", "INC-1", "--commander", "alice", "--as", "carol")[0]
        == 0
    )
    code, stdout, _ = cli(
        project_dir,
        "incident",
        "resolve",
        "INC-1",
        "--cause",
        "third-party",
        "--summary",
        "Vendor fixed the export; backfilled.",
        "--as",
        "alice",
        "--format",
        "json",
    )
    resolved = json.loads(stdout)
    assert (resolved["status"], resolved["commander"], resolved["cause"]) == (
        "resolved",
        "alice",
        "third-party",
    )
    kinds = [(e["kind"], e["actor"]) for e in resolved["timeline"]]
    assert kinds == [
        ("declared", "trustwell"),
        ("status", "carol"),
        ("update", "carol"),
        ("assign", "carol"),
        ("status", "alice"),
    ]
    public = [e["public_text"] for e in resolved["timeline"] if e["public_text"]]
    assert public == [
        "We are investigating a problem with raw.feed.",
        "KPI figures are delayed",
        "Resolved: raw.feed can be trusted again.",
    ]
    assert resolved["latest_public_update"] == "Resolved: raw.feed can be trusted again."
    code, _, stderr = cli(project_dir, "incident", "status", "INC-1", "closed", "--as", "alice")
    assert code == 2 and "closing needs a completed post-mortem" in stderr


def test_resolved_problem_that_fails_again_opens_a_new_incident(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    cli(project_dir, "incident", "ack", "INC-1", "--as", "carol")
    cli(
        project_dir,
        "incident",
        "resolve",
        "INC-1",
        "--cause",
        "late-data",
        "--summary",
        "x",
        "--as",
        "carol",
    )
    document = run_json(project_dir)
    assert document["incidents"] == [{"id": "INC-2", "action": "opened", "severity": "SEV-1"}]


def test_manual_declaration_and_unknown_ids(project_dir: Path) -> None:
    code, stdout, _ = cli(
        project_dir,
        "incident",
        "declare",
        "--asset",
        "other.table",
        "--title",
        "Numbers look off",
        "--as",
        "erin",
        "--format",
        "json",
    )
    declared = json.loads(stdout)
    assert code == 0
    assert (declared["id"], declared["severity"], declared["detection_source"]) == (
        "INC-1",
        "SEV-2",
        "manual",
    )
    code, _, stderr = cli(project_dir, "incident", "show", "INC-9")
    assert code == 2 and stderr.strip() == "error: no incident INC-9"
    code, _, stderr = cli(
        project_dir, "incident", "declare", "--asset", "other.tabel", "--title", "x"
    )
    assert code == 2 and "did you mean 'other.table'?" in stderr


@pytest.mark.parametrize("severity", ["SEV-2"])
def test_drill_runs_the_whole_workflow_marked_as_drill(project_dir: Path, severity: str) -> None:
    code, stdout, stderr = cli(
        project_dir, "drill", "--severity", severity, "--asset", "raw.feed", "--format", "json"
    )
    assert code == 0, stderr
    drill = json.loads(stdout)
    assert (drill["drill"], drill["status"], drill["severity"]) == (True, "closed", severity)
    assert drill["timeline"][0]["text"].startswith("[DRILL]")


def test_closing_a_sev1_needs_its_postmortem_completed(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    cli(project_dir, "incident", "ack", "INC-1", "--as", "carol")
    cli(
        project_dir,
        "incident",
        "resolve",
        "INC-1",
        "--cause",
        "third-party",
        "--summary",
        "Vendor fixed the export.",
        "--as",
        "carol",
    )
    code, stdout, _ = cli(project_dir, "postmortem", "INC-1", "--as", "carol")
    assert code == 0
    path = Path(stdout.strip())
    assert path == project_dir / "postmortems" / "INC-1.md"
    code, _, stderr = cli(project_dir, "postmortem", "INC-1", "--complete", "--as", "carol")
    assert code == 2 and "TODO:" in stderr
    path.write_text(
        "\n".join(line for line in path.read_text().splitlines() if "TODO:" not in line) + "\n"
    )
    assert cli(project_dir, "postmortem", "INC-1", "--complete", "--as", "carol")[0] == 0
    code, stdout, stderr = cli(
        project_dir, "incident", "status", "INC-1", "closed", "--as", "carol", "--format", "json"
    )
    assert code == 0, stderr
    assert json.loads(stdout)["status"] == "closed"


def test_severity_change_is_attributed_on_the_timeline(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    code, stdout, _ = cli(
        project_dir,
        "incident",
        "severity",
        "INC-1",
        "SEV-2",
        "--reason",
        "only an internal KPI",
        "--as",
        "dave",
        "--format",
        "json",
    )
    assert code == 0
    changed = json.loads(stdout)
    assert changed["severity"] == "SEV-2"
    last = changed["timeline"][-1]
    assert (last["kind"], last["actor"], last["text"]) == (
        "severity",
        "dave",
        "Severity SEV-1 → SEV-2: only an internal KPI",
    )


def test_a_reopened_incident_takes_its_failures_back(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    cli(project_dir, "incident", "ack", "INC-1", "--as", "carol")
    cli(
        project_dir,
        "incident",
        "resolve",
        "INC-1",
        "--cause",
        "late-data",
        "--summary",
        "x",
        "--as",
        "carol",
    )
    assert cli(project_dir, "incident", "status", "INC-1", "investigating", "--as", "carol")[0] == 0
    document = run_json(project_dir)
    assert document["incidents"] == [{"id": "INC-1", "action": "joined", "severity": "SEV-1"}]
    assert len(incidents(project_dir)) == 1


def test_occurred_at_is_editable_and_on_the_timeline(project_dir: Path) -> None:
    cli(
        project_dir,
        "incident",
        "declare",
        "--asset",
        "other.table",
        "--title",
        "off",
        "--as",
        "erin",
    )
    code, stdout, _ = cli(
        project_dir,
        "incident",
        "occurred",
        "INC-1",
        "--at",
        "2026-11-22T06:00:00Z",
        "--as",
        "erin",
        "--format",
        "json",
    )
    assert code == 0
    changed = json.loads(stdout)
    assert changed["occurred_at"] == "2026-11-22T06:00:00Z"
    assert changed["timeline"][-1]["text"] == (
        "Data went bad at 2026-11-22T06:00:00Z (was 2026-11-22T09:00:00Z)"
    )
    code, _, stderr = cli(
        project_dir, "incident", "occurred", "INC-1", "--at", "2026-11-23T06:00:00Z"
    )
    assert code == 2 and "is after the declaration" in stderr


def test_experts_can_be_added_and_removed_on_the_timeline(
    project_dir: Path, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    code, stdout, _ = cli(
        project_dir,
        "incident",
        "assign",
        "INC-1",
        "--add-sme",
        "dave",
        "--remove-sme",
        "erin",
        "--as",
        "carol",
        "--format",
        "json",
    )
    assert code == 0
    changed = json.loads(stdout)
    assert changed["smes"] == ["alice", "bob", "carol", "dave"]
    assert changed["timeline"][-1]["text"] == "Experts added dave and removed erin"
    code, _, stderr = cli(project_dir, "incident", "assign", "INC-1", "--as", "carol")
    assert code == 2 and "give --commander, --add-sme or --remove-sme" in stderr


def test_a_check_failing_again_while_monitoring_does_not_count_as_acknowledged(
    project_dir: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_json(project_dir)
    warehouse.load(feed_loaded_at="2026-11-22 08:30:00")
    run_json(project_dir)  # passes again: monitoring, nobody has acknowledged
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-23T09:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-21 06:00:00")
    run_json(project_dir)  # fails again: back to investigating, by trustwell
    (incident,) = incidents(project_dir)
    assert (incident["status"], incident["acknowledged_at"]) == ("investigating", None)
    _, stdout, _ = cli(project_dir, "tick", "--format", "json")
    assert json.loads(stdout)["escalated"] == ["INC-1"]  # still nobody has taken it on
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-23T09:05:00Z")
    cli(project_dir, "incident", "status", "INC-1", "identified", "--as", "carol")
    (incident,) = incidents(project_dir)
    assert incident["acknowledged_at"] == "2026-11-23T09:05:00Z"


def test_a_person_moving_a_declared_incident_to_monitoring_acknowledges_it(
    project_dir: Path,
) -> None:
    cli(project_dir, "incident", "declare", "--asset", "raw.feed", "--title", "t", "--as", "bob")
    code, _, stderr = cli(project_dir, "incident", "status", "INC-1", "monitoring", "--as", "bob")
    assert code == 0, stderr
    (incident,) = incidents(project_dir)
    assert incident["acknowledged_at"] == "2026-11-22T09:00:00Z"


def test_an_upstream_failure_joining_later_brings_its_team_in_as_experts(
    project_dir: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00", kpi_rows=1)
    run_json(project_dir)  # the mart fails first: its team are the experts
    (incident,) = incidents(project_dir)
    assert (incident["root_asset"], incident["smes"]) == ("marts.kpi", ["erin"])
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-22 09:30:00", duplicate=True, kpi_rows=1)
    run_json(project_dir)  # then the feed upstream of it: the probable cause joins
    (incident,) = incidents(project_dir)
    assert {"asset": "raw.feed", "impact": "upstream"} in incident["assets"]
    assert incident["smes"] == ["erin", "alice", "bob", "carol"]


def test_occurred_at_of_a_row_check_is_its_last_passing_run(
    project_dir: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_json(project_dir)  # 09:00: everything passes
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-22T10:00:00Z")
    warehouse.load(feed_loaded_at="2026-11-22 08:00:00", duplicate=True)
    document = run_json(project_dir)
    assert [i["action"] for i in document["incidents"]] == ["opened"]
    (incident,) = incidents(project_dir)
    assert incident["title"] == "unique:id failed on raw.feed"
    assert (incident["occurred_at"], incident["declared_at"]) == (
        "2026-11-22T09:00:00Z",
        "2026-11-22T10:00:00Z",
    )
