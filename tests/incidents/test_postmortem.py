"""Post-mortems: a blameless draft from the incident, edited by the team, then completed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from trustwell.cli import postmortem as postmortem_cli
from trustwell.cli.common import TrustwellGroup
from trustwell.config.loader import load_project
from trustwell.config.models import Project
from trustwell.incidents.actions import ActionItem, add_action
from trustwell.incidents.model import AffectedAsset, IncidentSnapshot, TimelineEntry
from trustwell.incidents.postmortem import (
    PLACEHOLDER,
    PostmortemError,
    complete_postmortem,
    create_or_update_draft,
    draft_postmortem,
    load_edited,
    placeholders,
    postmortem_status,
)
from trustwell.store import open_store
from trustwell.store.database import Store
from trustwell.store.incident_tables import incident_assets, incidents, postmortems, timeline

T0 = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 06:00 in Berlin


def at(hours: float) -> datetime:
    from datetime import timedelta

    return T0 + timedelta(hours=hours)


def snapshot(**changes: Any) -> IncidentSnapshot:
    values: dict[str, Any] = {
        "id": "INC-7",
        "title": "Weekly CAC is stale",
        "severity": "SEV-2",
        "status": "resolved",
        "detection_source": "check",
        "root_asset": "raw.ad_spend",
        "assets": (
            AffectedAsset("raw.ad_spend", "root"),
            AffectedAsset("marts.weekly_cac", "downstream"),
        ),
        "fingerprints": ("abc",),
        "commander": "alice",
        "smes": ("alice", "erin"),
        "runbook": "third-party-api-failure",
        "occurred_at": T0,
        "declared_at": at(2.5),
        "acknowledged_at": at(2.7),
        "resolved_at": at(29),
        "closed_at": None,
        "dismissed_at": None,
        "drill": False,
        "cause": "third-party",
        "summary": "The ad platform's API rejected our expired token for a day.",
        "timeline": (
            TimelineEntry(at(2.5), "trustwell", "declared", "declared by freshness:loaded_at"),
            TimelineEntry(at(2.7), "alice", "ack", "acknowledged | on it"),
        ),
    }
    values.update(changes)
    return IncidentSnapshot(**values)


ITEM = ActionItem(
    id=3,
    incident=7,
    title="Alert on token expiry",
    owner="bob",
    due_at=datetime(2026, 12, 1, 22, 59, tzinfo=UTC),
    status="open",
    created_at=at(30),
    created_by="alice",
)


def test_draft_has_every_section_and_the_figures() -> None:
    text = draft_postmortem(
        snapshot(), ["dashboard.weekly_business_review"], [ITEM], timezone="Europe/Berlin"
    )
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Post-mortem INC-7: Weekly CAC is stale",
        "## Summary",
        "## Impact",
        "## Detection",
        "## Response",
        "### Timeline",
        "## Root cause",
        "## Contributing factors",
        "## What went well",
        "## Where we got lucky",
        "## Action items",
    ]
    for line in [
        "- Root asset: `raw.ad_spend`",
        "- Other affected assets: `marts.weekly_cac` (downstream)",
        "- Consumers: `dashboard.weekly_business_review`",
        "- Affected data interval: from 2026-11-23 06:00 CET to 2026-11-24 11:00 CET (1d 5h)",
        "- Found by a failing check.",
        "- Time to detection (TTD): 2h 30m",
        "- Time to acknowledge (TTA): 12m",
        "- Time to resolve (TTR): 1d 2h",
        "| 2026-11-23 08:42 CET | alice | acknowledged \\| on it |",
        "Category: **third-party**.",
        "| 3 | Alert on token expiry | bob | 2026-12-01 | open |",
    ]:
        assert line in text.splitlines(), line
    # Resolved with a summary: summary and root cause are filled, the rest is for the team.
    assert [section for _, section in placeholders(text)] == [
        "Impact",
        "Contributing factors",
        "What went well",
        "Where we got lucky",
    ]


def test_draft_of_an_open_reported_incident_leaves_root_cause_to_the_team() -> None:
    text = draft_postmortem(
        snapshot(
            status="investigating",
            acknowledged_at=None,
            resolved_at=None,
            cause=None,
            summary=None,
            detection_source="report",
            declared_by="finance@acme.test",
            drill=True,
        ),
        [],
        [],
    )
    assert (
        "- Found by a stakeholder's report, before any check caught it (finance@acme.test)." in text
    )
    assert "- Time to acknowledge (TTA): not acknowledged" in text
    assert "- Time to resolve (TTR): not resolved yet" in text
    assert "- Affected data interval: from 2026-11-23 05:00 UTC to now (still open)" in text
    assert "- Consumers: none declared" in text
    assert "- **This was a drill.** It is left out of the metrics." in text
    assert [section for _, section in placeholders(text)] == [
        "Summary",
        "Impact",
        "Root cause",
        "Contributing factors",
        "What went well",
        "Where we got lucky",
        "Action items",
    ]


# --- the file and the store ---------------------------------------------------------


def make_project(root: Path) -> Project:
    (root / "assets").mkdir()
    (root / "trustwell.yml").write_text("name: t\nstore: sqlite:///s.db\ntimezone: Europe/Berlin\n")
    (root / "assets" / "a.yml").write_text(
        "assets:\n  - name: raw.ad_spend\n    consumers: [dashboard.spend]\n"
        "  - name: marts.weekly_cac\n    upstream: [raw.ad_spend]\n"
        "    consumers: [dashboard.weekly_business_review, dashboard.spend]\n"
    )
    return load_project(root)


def new_incident(store: Store, **values: Any) -> int:
    """Insert an incident row directly (the service is tested elsewhere)."""
    row: dict[str, Any] = {
        "title": "Weekly CAC is stale",
        "severity": "SEV-2",
        "status": "resolved",
        "detection_source": "check",
        "root_asset": "raw.ad_spend",
        "drill": False,
        "occurred_at": T0,
        "declared_at": at(2.5),
        "acknowledged_at": at(2.7),
        "resolved_at": at(29),
        "cause": "third-party",
        "summary": "Expired token.",
        "escalation_level": 0,
        "updated_at": at(29),
        **values,
    }

    def work(conn: sa.Connection) -> int:
        number = int(conn.execute(incidents.insert().values(**row)).inserted_primary_key[0])
        conn.execute(
            incident_assets.insert().values(
                incident=number, asset="marts.weekly_cac", impact="downstream", added_at=at(2.5)
            )
        )
        return number

    return store.write(work)


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, Project, int]:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-25T10:00:00Z")
    project = make_project(tmp_path)
    store = open_store("sqlite:///" + str(tmp_path / "s.db"), tmp_path)
    number = new_incident(store)
    yield store, project, number
    store.close()


def fill_in(text: str) -> str:
    return "\n".join(line.replace(PLACEHOLDER, "Done:") for line in text.splitlines()) + "\n"


def test_draft_is_written_stored_and_on_the_timeline(setup: tuple[Store, Project, int]) -> None:
    store, project, number = setup
    path = create_or_update_draft(store, project, f"INC-{number}", "alice")
    assert path == project.root / "postmortems" / f"INC-{number}.md"
    body = path.read_text()
    assert "- Consumers: `dashboard.spend`, `dashboard.weekly_business_review`" in body
    assert store.read(lambda conn: postmortem_status(conn, number)) == "draft"
    entries = store.read(lambda conn: conn.execute(sa.select(timeline)).all())
    assert [(e.actor, e.kind, e.text) for e in entries] == [
        ("alice", "postmortem", f"post-mortem drafted: postmortems/INC-{number}.md")
    ]


def test_refresh_picks_up_new_action_items_but_keeps_the_teams_edits(
    setup: tuple[Store, Project, int],
) -> None:
    store, project, number = setup
    path = create_or_update_draft(store, project, f"INC-{number}", "alice")
    add_action(store, number, "Alert on token expiry", "bob", None, "alice")
    create_or_update_draft(store, project, f"INC-{number}", "alice")
    assert "| 1 | Alert on token expiry | bob | - | open |" in path.read_text()
    path.write_text(path.read_text() + "\nOur notes.\n")
    add_action(store, number, "Second item", "bob", None, "alice")
    create_or_update_draft(store, project, f"INC-{number}", "alice")
    assert path.read_text().endswith("\nOur notes.\n")
    assert "Second item" not in path.read_text()
    stored = store.read(lambda conn: conn.execute(sa.select(postmortems.c.body)).scalar())
    assert stored == path.read_text()


def test_complete_is_refused_with_placeholders_then_accepted_after_editing(
    setup: tuple[Store, Project, int],
) -> None:
    store, project, number = setup
    with pytest.raises(PostmortemError, match="does not exist"):
        complete_postmortem(store, project, f"INC-{number}", "alice")
    path = create_or_update_draft(store, project, f"INC-{number}", "alice")
    with pytest.raises(PostmortemError) as refused:
        complete_postmortem(store, project, f"INC-{number}", "alice")
    lines = [line for line, _ in placeholders(path.read_text())]
    assert str(refused.value) == (
        f"INC-{number}'s post-mortem still has 5 unfilled placeholders (TODO:): "
        f"line {lines[0]} (Impact); line {lines[1]} (Contributing factors); "
        f"line {lines[2]} (What went well); line {lines[3]} (Where we got lucky); "
        f"line {lines[4]} (Action items). "
        f"Fill them in postmortems/INC-{number}.md and run the command again."
    )
    assert store.read(lambda conn: postmortem_status(conn, number)) == "draft"
    path.write_text(fill_in(path.read_text()))
    assert load_edited(store, project, f"INC-{number}") == path.read_text()
    complete_postmortem(store, project, f"INC-{number}", "carol")
    assert store.read(lambda conn: postmortem_status(conn, number)) == "complete"
    row = store.read(lambda conn: conn.execute(sa.select(postmortems)).one())
    assert (row.completed_by, row.body) == ("carol", path.read_text())
    # A complete post-mortem is never overwritten by a refresh.
    create_or_update_draft(store, project, f"INC-{number}", "alice")
    assert PLACEHOLDER not in path.read_text()


def test_an_incident_without_a_postmortem_has_no_status(setup: tuple[Store, Project, int]) -> None:
    store, _, number = setup
    assert store.read(lambda conn: postmortem_status(conn, number)) is None


def test_postmortem_command_drafts_then_completes(setup: tuple[Store, Project, int]) -> None:
    _, project, number = setup
    # The root group maps domain errors (an unknown incident or item) to exit code 2, once.
    app = typer.Typer(cls=TrustwellGroup)
    postmortem_cli.register(app)
    app.command("noop")(lambda: None)  # two commands, so the app keeps its command names
    runner = CliRunner()
    args = ["postmortem", f"INC-{number}", "--as", "alice", "--project", str(project.root)]
    drafted = runner.invoke(app, args)
    assert drafted.exit_code == 0, drafted.output
    path = project.root / "postmortems" / f"INC-{number}.md"
    assert drafted.stdout.splitlines()[-1] == path.as_posix()
    refused = runner.invoke(app, [*args, "--complete"])
    assert refused.exit_code == 2
    assert "still has 5 unfilled placeholders" in refused.output
    path.write_text(fill_in(path.read_text()))
    done = runner.invoke(app, [*args, "--complete"])
    assert done.exit_code == 0, done.output
    unknown = runner.invoke(app, ["postmortem", "INC-99", "--project", str(project.root)])
    assert unknown.exit_code == 2
    assert "no incident INC-99" in unknown.output
