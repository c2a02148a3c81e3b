"""``trustwell demo`` as a user runs it: a real project on disk, three recorded runs, the
feed's incident worked from detection to resolution, the churn scores' drift caught and
fixed, the post-mortem draft and the metrics."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from trustwell.cli.app import create_app
from trustwell.clock import parse_timestamp
from trustwell.config.loader import load_project
from trustwell.store import HistoryEntry, history, open_store

# The story ends at TRUSTWELL_NOW and starts 3h30 earlier: the warehouse is built and
# broken, and the incident declared, on Thursday 09:00; the feed's last good load is
# Tuesday 07:00, the replay 10 minutes later. Acknowledged 09:10, resolved 12:20.
NOW = "2026-11-19T12:30:00Z"
DECLARED = "2026-11-19T09:00:00Z"
CERTIFICATION = "certification.changed"
FRESHNESS_CAUGHT = "  FAIL freshness:loaded_at: last row loaded 2d 1h ago (allowed 26h)"
DRIFT = "drift:tenure_days"
DUPLICATES_CAUGHT = (
    "  FAIL unique:date,channel,campaign_id: 9 rows duplicating another row's"
    " date,channel,campaign_id (1.12% of 801); allowed 0"
)


@dataclass(frozen=True)
class Played:
    root: Path
    result: Result


def play(*args: str) -> Result:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRUSTWELL_NOW", NOW)
        return CliRunner().invoke(create_app(), ["demo", "--no-serve", *args])


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """One demo, played once for the tests that only read what it left behind."""
    root = tmp_path_factory.mktemp("demo") / "trustwell-demo"
    return Played(root, play(str(root)))


def section(output: str, title: str, until: str) -> list[str]:
    """The printed lines between the heading ``title`` and the next heading ``until``."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if title in line)
    end = next(i for i, line in enumerate(lines) if i > start and until in line)
    return lines[start + 1 : end]


def cli_json(root: Path, *args: str) -> Any:
    """What ``trustwell ARGS --format json --project ROOT`` prints, parsed."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRUSTWELL_NOW", NOW)
        result = CliRunner().invoke(
            create_app(), [*args, "--format", "json", "--project", str(root)]
        )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def on_call(root: Path, team: str, moment: str) -> str:
    """Who the demo's weekly rotation puts on call at ``moment``, computed by hand."""
    rotation = load_project(root).settings.oncall[team]
    assert rotation.rotation == "weekly" and not rotation.overrides
    weeks = (parse_timestamp(moment) - parse_timestamp(rotation.start)) // timedelta(weeks=1)
    return rotation.members[weeks % len(rotation.members)]


def stored(root: Path, asset: str, check: str | None = None) -> list[HistoryEntry]:
    project = load_project(root)
    store = open_store(project.settings.store, project.root)
    try:
        return history(store, asset, check=check, limit=500)
    finally:
        store.close()


def test_demo_plays_the_story_and_exits_0(played: Played) -> None:
    assert played.result.exit_code == 0, played.result.output
    headings = [
        "1. Build the pilot warehouse",
        "2. Run every check on the healthy warehouse",
        "3. The ad-spend feed fails silently",
        "4. Run the checks again",
        "5. What trustwell caught",
        "6. The incident trustwell opened",
        "7. The response",
        "8. The fix",
        "9. The drafted post-mortem",
        "10. The metrics",
        "11. Where to go next",
    ]
    positions = [played.result.stdout.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_demo_folder_is_a_project_that_loads(played: Played) -> None:
    project = load_project(played.root)
    assert (played.root / "warehouse.duckdb").is_file()
    assert sorted(a.name for a in project.assets) == [
        "marts.weekly_cac",
        "ml.churn_scores",
        "raw.ad_spend",
        "raw.new_customers",
    ]
    mart = project.asset("marts.weekly_cac")
    assert mart is not None
    assert (mart.tier, mart.owner, mart.use_cases) == (1, "growth-analytics", ["exec_reporting"])
    # Its lineage is not declared: the orchestrator's OpenLineage events report it.
    assert mart.upstream == []
    upstream = cli_json(played.root, "lineage", "marts.weekly_cac", "--upstream")
    reported = {n["name"]: n for n in upstream["nodes"] if n["distance"] == 1}
    assert sorted(reported) == ["raw.ad_spend", "raw.new_customers"]
    assert {tuple(e["origins"]) for e in upstream["edges"]} == {("openlineage",)}
    assert mart.consumers == ["dashboard.weekly_business_review"]
    customers = project.asset("raw.new_customers")
    assert customers is not None and customers.pii == ["email"]
    assert project.settings.oncall["data-platform"].members == ["alice", "bob", "carol"]
    scores = project.asset("ml.churn_scores")
    assert scores is not None
    assert (scores.owner, scores.use_cases, scores.upstream) == (
        "growth-analytics",
        ["churn_model"],
        ["raw.new_customers"],
    )
    churn_model = project.settings.use_cases["churn_model"]
    assert churn_model.max_open_severity == "SEV-3"


def test_healthy_warehouse_passes_every_check(played: Played) -> None:
    runs: dict[str, list[HistoryEntry]] = {}
    for asset in ("raw.ad_spend", "raw.new_customers", "marts.weekly_cac"):
        for entry in stored(played.root, asset):
            runs.setdefault(entry.run_id, []).append(entry)
    # history lists newest first: the run after the fix, the broken one, the healthy one.
    assert len(runs) == 3
    first = runs[list(runs)[-1]]
    assert len(first) == 24
    assert [(e.asset, e.check) for e in first if e.status in ("fail", "error")] == []
    assert "All good: the weekly business review can trust its numbers." in played.result.stdout


def test_broken_feed_fails_freshness_and_unique_on_ad_spend(played: Played) -> None:
    freshness = stored(played.root, "raw.ad_spend", "freshness:loaded_at")
    unique = stored(played.root, "raw.ad_spend", "unique:date,channel,campaign_id")
    # Newest first: the run after the fix, the one after the breakage, the healthy one.
    assert [e.status for e in freshness] == ["pass", "fail", "pass"]
    assert freshness[1].message == "last row loaded 2d 1h ago (allowed 26h)"
    assert [e.status for e in unique] == ["pass", "fail", "pass"]
    assert [e.value for e in unique] == [0, 9, 0]


def test_summary_says_what_was_caught_and_where_to_go_next(played: Played) -> None:
    caught = section(played.result.stdout, "5. What trustwell caught", "In plain words")
    assert caught[0] == "raw.ad_spend (owner data-platform; tier 2)"
    assert FRESHNESS_CAUGHT in caught
    assert DUPLICATES_CAUGHT in caught
    assert (
        "marts.weekly_cac (owner growth-analytics; tier 1; feeds"
        " dashboard.weekly_business_review; subscribers finance@acme.test)"
    ) in caught
    assert "  WARN freshness:loaded_at: last row loaded 2d 1h ago (warning after 26h)" in caught
    scores = caught.index(
        "ml.churn_scores (owner growth-analytics; tier 3; feeds crm.retention_campaigns)"
    )
    assert caught[scores + 1].startswith(f"  FAIL {DRIFT}: ")
    # Thursday: of this week's three days of sign-ups, only Monday's spend arrived.
    cac_moved = "  FAIL cac_vs_previous_4_weeks: query result is 0.688756, expected at most 0.15"
    assert cac_moved in caught
    plain = section(played.result.stdout, "In plain words", "6. The incident trustwell opened")
    # The feed first: its trouble reaches the mart. The drift is a problem of its own.
    assert plain[:2] == [
        "The trouble starts at raw.ad_spend, owned by data-platform: that is where to fix it.",
        "The trouble starts at ml.churn_scores, owned by growth-analytics:"
        " that is where to fix it.",
    ]
    after = played.result.stdout.split("Where to go next", 1)[1]
    commands = [
        "incident show INC-1",
        "outbox",
        "metrics",
        "postmortem INC-1",
        "run",
        "certify --explain",
    ]
    for command in [*commands, "history raw.ad_spend"]:
        assert f"  trustwell {command} --project {played.root}" in after


def test_the_failure_opens_one_sev1_incident_led_by_whoever_is_on_call(played: Played) -> None:
    incidents = {i["id"]: i for i in cli_json(played.root, "incident", "list")}
    assert sorted(incidents) == ["INC-1", "INC-2"]  # the feed's, and the churn scores' drift
    incident = incidents["INC-1"]
    kept = ("id", "severity", "detection_source", "declared_at")
    assert [incident[key] for key in kept] == ["INC-1", "SEV-1", "check", DECLARED]
    # The root is the feed; the tier-1 mart downstream makes it SEV-1.
    assert incident["root_asset"] == "raw.ad_spend"
    assert incident["assets"] == [
        {"asset": "raw.ad_spend", "impact": "root"},
        {"asset": "marts.weekly_cac", "impact": "downstream"},
    ]
    assert incident["commander"] == on_call(played.root, "data-platform", DECLARED)
    assert incident["smes"] == ["alice", "bob", "carol", "erin", "farid"]
    assert incident["runbook"] == "third-party-api-failure"
    shown = section(played.result.stdout, "6. The incident trustwell opened", "Notices:")
    assert shown[0] == "INC-1 SEV-1 declared: freshness:loaded_at failed on raw.ad_spend"
    commander = incident["commander"]
    name = load_project(played.root).settings.people[commander].name
    assert f"  Commander  {commander} ({name}), on call for data-platform" in "\n".join(shown)
    assert "  Runbook    third-party-api-failure: Third-Party API Failure" in shown
    # The run's own report names the same commander, as `trustwell run` does.
    opened = [line for line in played.result.stdout.splitlines() if line.startswith("INC-1 opened")]
    assert len(opened) == 1
    assert opened[0].startswith(f"INC-1 opened, SEV-1, commander {commander}: ")
    assert opened[0].endswith(
        "freshness:loaded_at, unique:date,channel,campaign_id on raw.ad_spend"
    )


def test_the_drift_opens_an_incident_of_its_own_worked_by_the_scores_owners(
    played: Played,
) -> None:
    incident = cli_json(played.root, "incident", "show", "INC-2")
    # Tier 3 and nothing downstream: SEV-3. growth-analytics has no rotation: its first member.
    kept = ("severity", "root_asset", "commander", "smes", "declared_at", "status", "cause")
    assert [incident[key] for key in kept] == [
        "SEV-3",
        "ml.churn_scores",
        "erin",
        ["erin", "farid"],
        DECLARED,
        "resolved",
        "upstream-source",
    ]
    assert incident["assets"] == [{"asset": "ml.churn_scores", "impact": "root"}]
    assert incident["runbook"] == "distribution-drift"
    moves = [(e["actor"], e["data"]["to"]) for e in incident["timeline"] if e["kind"] == "status"]
    assert moves == [
        ("erin", "acknowledged"),
        ("trustwell", "monitoring"),
        ("erin", "resolved"),
    ]
    assert incident["acknowledged_at"] == "2026-11-19T09:10:00Z"
    assert incident["resolved_at"] == "2026-11-19T12:20:00Z"
    shown = section(played.result.stdout, "Notices:", "7. The response")
    assert (
        "A second problem, unrelated to the feed, has its own incident: INC-2 SEV-3 on"
        f" ml.churn_scores ({DRIFT} failed on ml.churn_scores), Commander erin."
    ) in shown
    rows = [r for r in cli_json(played.root, "outbox") if r["incident"] == "INC-2"]
    # The owning team only (the scores have no subscriber); its lead hears of the resolution.
    declared = {r["recipient"] for r in rows if r["event"] == "incident.declared"}
    assert declared == {"erin@acme.test", "farid@acme.test"}
    assert {r["recipient"] for r in rows} == {"dave@acme.test", *declared}


def test_notices_wait_in_the_outbox_for_the_finance_subscriber(played: Played) -> None:
    rows = cli_json(played.root, "outbox")
    declared = [r for r in rows if r["event"] == "incident.declared" and r["incident"] == "INC-1"]
    # The Commander and the experts (members of both owning teams), and the mart's subscriber.
    told = ("alice", "bob", "carol", "erin", "farid", "finance")
    assert {r["recipient"] for r in declared} == {f"{who}@acme.test" for who in told}
    to_finance = [
        r for r in rows if r["recipient"] == "finance@acme.test" and r["event"] != CERTIFICATION
    ]
    assert {r["event"] for r in to_finance} >= {"incident.declared", "incident.resolved"}
    assert all(r["status"] == "pending" and r["incident"] == "INC-1" for r in to_finance)
    out = played.result.stdout
    assert (
        "Notices: queued: 6 messages (nobody listens on 127.0.0.1:1025 in the demo;"
        " `trustwell outbox` shows them"
    ) in out
    assert (
        "  Weekly customer acquisition cost (ad spend / new customers) per channel may be wrong"
        " since Wednesday 09:10. We are investigating; next update by 09:30."
    ) in out


def test_the_incident_is_worked_to_resolved_through_monitoring(played: Played) -> None:
    incident = cli_json(played.root, "incident", "show", "INC-1")
    moves = [e for e in incident["timeline"] if e["kind"] == "status"]
    path = ["declared", *(e["data"]["to"] for e in moves)]
    assert path == ["declared", "acknowledged", "identified", "monitoring", "resolved"]
    commander = incident["commander"]
    # trustwell moves it to monitoring when the checks pass; only a person resolves it.
    assert [e["actor"] for e in moves] == [commander, commander, "trustwell", commander]
    assert incident["status"] == "resolved"
    assert incident["cause"] == "third-party"
    assert incident["acknowledged_at"] == "2026-11-19T09:10:00Z"
    assert incident["resolved_at"] == "2026-11-19T12:20:00Z"
    public = [e["public_text"] for e in incident["timeline"] if e["public_text"]]
    assert any("correct figures expected by 13:00" in text for text in public)
    assert incident["latest_public_update"] == "Resolved: raw.ad_spend can be trusted again."
    assert "Status path: declared → acknowledged → identified → monitoring → resolved" in (
        played.result.stdout
    )


def test_the_mart_is_certified_revoked_and_certified_again_with_a_notice_each_time(
    played: Played,
) -> None:
    out = played.result.stdout
    lines = [
        line for line in out.splitlines() if line.startswith("Certification: marts.weekly_cac")
    ]
    assert lines == [
        "Certification: marts.weekly_cac is certified for exec_reporting",
        "Certification: marts.weekly_cac is no longer certified for exec_reporting: INC-1 (SEV-1)"
        " upstream (raw.ad_spend): no open incident is allowed",
        "Certification: marts.weekly_cac is certified for exec_reporting again",
    ]
    # After the healthy run, after the broken one, and at the end, once INC-1 is resolved.
    assert out.index(lines[0]) < out.index("3. The ad-spend feed fails silently")
    assert out.index("4. Run the checks again") < out.index(lines[1])
    assert out.index("Status path: ") < out.index(lines[2]) < out.index("9. The drafted")
    document = cli_json(played.root, "history", "marts.weekly_cac", "--certification")
    changes = [c for c in document["certification"] if c["use_case"] == "exec_reporting"]
    # Newest first; the orchestrator's lineage events decided it first, before any run.
    assert [c["state"] for c in changes] == ["certified", "revoked", "certified", "uncertified"]
    assert changes[0]["decided_at"] == "2026-11-19T12:20:00Z" and changes[0]["incident_ids"] == []
    assert changes[1]["incident_ids"] == ["INC-1"]
    notices = [r for r in cli_json(played.root, "outbox") if r["event"] == CERTIFICATION]
    by_time: dict[str, list[str]] = {}
    for row in notices:
        by_time.setdefault(row["created_at"], []).append(row["recipient"])
    # growth-analytics has no channel: its lead and members by mail, and the subscriber.
    # The mart's go to growth-analytics (no channel: its lead and members by mail) and the
    # subscriber; the churn scores' to the same team only (they have no subscriber).
    team = [f"{who}@acme.test" for who in ("dave", "erin", "farid")]
    everyone = sorted([*team, "finance@acme.test"])
    assert sorted(by_time) == [DECLARED, "2026-11-19T12:00:00Z", "2026-11-19T12:20:00Z"]
    # Both certified, then both revoked; uncertified (before any run) told nobody.
    assert sorted(by_time[DECLARED]) == sorted(everyone * 2 + team * 2)
    assert sorted(by_time["2026-11-19T12:00:00Z"]) == sorted(team)  # the scores at risk
    assert sorted(by_time["2026-11-19T12:20:00Z"]) == sorted(everyone + team)  # both again


def test_the_healthy_run_certifies_the_churn_scores_for_the_model_use_case(
    played: Played,
) -> None:
    entries = stored(played.root, "ml.churn_scores")
    first_run = [e for e in entries if e.run_id == entries[-1].run_id]  # newest first
    assert len(first_run) == 9
    by_type = {e.check: (e.type, e.status) for e in first_run}
    assert by_type["fairness:demographic_parity_difference(churn_predicted,region)"] == (
        "fairness",
        "pass",
    )
    assert by_type["roc_auc"] == ("model", "pass")
    assert by_type["f1_per_region"] == ("model", "pass")
    assert by_type[DRIFT] == ("drift", "pass")
    assert all(status == "pass" for _, status in by_type.values())
    healthy = section(played.result.stdout, "2. Run every check", "3. The ad-spend feed")
    assert "Certification: ml.churn_scores is certified for churn_model" in healthy
    assert "  notice queued for dave@acme.test, erin@acme.test, farid@acme.test" in healthy
    document = cli_json(played.root, "history", "ml.churn_scores", "--certification")
    changes = [c for c in document["certification"] if c["use_case"] == "churn_model"]
    # Newest first: certified by the healthy run, uncertified before any run.
    assert [c["state"] for c in changes[-2:]] == ["certified", "uncertified"]
    certified = changes[-2]
    assert certified["decided_at"] == DECLARED and certified["missing"] == []
    assert certified["incident_ids"] == []


def test_the_drift_alone_fails_on_the_scores_and_costs_them_their_certificate(
    played: Played,
) -> None:
    runs: dict[str, dict[str, str]] = {}
    for entry in stored(played.root, "ml.churn_scores"):
        runs.setdefault(entry.run_id, {})[entry.check] = entry.status
    healthy, broken, fixed = reversed(list(runs.values()))  # history lists newest first
    assert all(status == "pass" for status in [*healthy.values(), *fixed.values()])
    # Fairness and model metrics still pass on the broken morning: only the input moved.
    assert {check for check, status in broken.items() if status != "pass"} == {DRIFT}
    assert broken[DRIFT] == "fail"
    fixed_drift, broken_drift, _ = stored(played.root, "ml.churn_scores", DRIFT)
    details = broken_drift.details or {}
    # This morning's 250 customers against the 2,750 scored before, on Sturges bins.
    assert (details["method"], details["current_rows"], details["reference_rows"]) == (
        "wasserstein",
        250,
        2750,
    )
    assert broken_drift.value is not None and broken_drift.value > 0.2
    assert fixed_drift.value is not None and fixed_drift.value <= 0.2
    bins = len(details["bins"])
    shown = section(played.result.stdout, "4. Run the checks again", "5. What trustwell caught")
    assert (
        f"ml.churn_scores: tenure_days drifted (wasserstein {broken_drift.value:.2f} > 0.2) —"
        f" computed in DuckDB from {2 * bins} aggregates ({bins} bins × 2 sides, 3,000 rows),"
        " no rows pulled"
    ) in shown
    out = played.result.stdout
    lines = [line for line in out.splitlines() if line.startswith("Certification: ml.churn")]
    assert lines[0] == "Certification: ml.churn_scores is certified for churn_model"
    assert lines[1].startswith(
        f"Certification: ml.churn_scores is no longer certified for churn_model: drift: {DRIFT}"
        " failed in run "
    )
    assert lines[2] == "Certification: ml.churn_scores is certified for churn_model again"
    assert len(lines) == 3
    assert out.index("4. Run the checks again") < out.index(lines[1]) < out.index("5. What")
    assert out.index("Status path: ") < out.index(lines[2]) < out.index("9. The drafted")
    document = cli_json(played.root, "history", "ml.churn_scores", "--certification")
    changes = [c for c in document["certification"] if c["use_case"] == "churn_model"]
    # Newest first: the fix run left INC-2 open (in monitoring, tolerated): at risk until resolved.
    states = [(c["state"], c["decided_at"], c["incident_ids"]) for c in changes]
    assert states == [
        ("certified", "2026-11-19T12:20:00Z", []),
        ("at_risk", "2026-11-19T12:00:00Z", ["INC-2"]),
        ("revoked", DECLARED, ["INC-2"]),
        ("certified", DECLARED, []),
        ("uncertified", DECLARED, []),
    ]
    assert changes[2]["missing"] == ["drift"]


def test_the_postmortem_is_drafted_with_its_sections(played: Played) -> None:
    draft = played.root / "postmortems" / "INC-1.md"
    body = draft.read_text(encoding="utf-8")
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings[:4] == ["## Summary", "## Impact", "## Detection", "## Response"]
    assert "## Root cause" in headings and "## Action items" in headings
    for figure in (
        "- Time to detection (TTD): 23h 50m",
        "- Time to acknowledge (TTA): 10m",
        "- Time to resolve (TTR): 3h 20m",
        "Category: **third-party**.",
    ):
        assert figure in body
    shown = section(played.result.stdout, "9. The drafted post-mortem", "10. The metrics")
    assert f"Drafted {draft} from the timeline" in shown[0]
    assert "  │ - Time to resolve (TTR): 3h 20m" in shown


def test_the_metrics_count_the_incident_and_its_times(played: Played) -> None:
    figures = cli_json(played.root, "metrics")
    assert figures["incidents"] == 2
    # INC-1 went bad Wed 09:10 (last load + 26h) and INC-2 when it was declared, Thu 09:00;
    # the median of two is their mean. Both acked 09:10 and resolved 12:20.
    assert figures["ttd"]["median_seconds"] == (23 * 3600 + 50 * 60 + 0) / 2
    assert figures["tta"]["median_seconds"] == 10 * 60
    assert figures["ttr"]["median_seconds"] == 3 * 3600 + 20 * 60
    assert figures["detection_sources"]["check"] == 2
    assert figures["internal_detection_share"] == 1.0
    shown = section(played.result.stdout, "10. The metrics", "11. Where to go next")
    assert "  TTA          10m      from the incident to its acknowledgement" in shown


def test_trustwell_run_on_the_demo_shows_the_repaired_feed(
    played: Played, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTWELL_NOW", NOW)
    result = CliRunner().invoke(
        create_app(), ["run", "--project", str(played.root), "--asset", "raw.ad_spend"]
    )
    assert result.exit_code == 0, result.output
    assert "8 checks: 8 pass" in result.stdout


def test_existing_demo_is_kept_unless_forced(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    first = play(str(root))
    assert first.exit_code == 0
    again = play(str(root))
    assert again.exit_code == 2
    assert again.stderr == f"error: {root} already holds a demo: add --force to rebuild it\n"
    forced = play(str(root), "--force")
    assert forced.exit_code == 0, forced.output
    # A rebuild starts over: the store holds the rebuilt story's three runs and two incidents.
    assert len({e.run_id for e in stored(root, "raw.ad_spend")}) == 3
    assert sorted(i["id"] for i in cli_json(root, "incident", "list")) == ["INC-1", "INC-2"]
    # The data is seeded and the story timed: the rebuilt demo tells exactly the same story.
    story = ("5. What trustwell caught", "Story told in")
    assert section(forced.stdout, *story) == section(first.stdout, *story)


def test_force_never_clears_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = play(str(tmp_path), "--force")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path} is not empty and holds no trustwell demo: choose another folder\n"
    )
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
