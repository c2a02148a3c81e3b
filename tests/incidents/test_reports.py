"""Stakeholder reports: linked to a known incident, or opening one with an action item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from incidents.conftest import Warehouse
from trustwell.checks.service import run_project
from trustwell.config.loader import load_project
from trustwell.config.models import Project
from trustwell.incidents.reporters import reporters_of
from trustwell.incidents.reports import (
    ReportNotFound,
    ReportOutcome,
    get_report,
    submit_report,
)
from trustwell.incidents.service import post_update, set_status
from trustwell.status import UnknownAsset
from trustwell.store import Store, open_store
from trustwell.store.incident_tables import action_items, participants, reports


@pytest.fixture
def project(project_dir: Path) -> Project:
    text = (project_dir / "assets" / "acme.yml").read_text()
    text = text.replace(
        "    subscribers: [finance@acme.test]",
        "    subscribers: [finance@acme.test]\n    consumers: [dashboard.weekly_business_review]",
    )
    (project_dir / "assets" / "acme.yml").write_text(text)
    return load_project(project_dir)


@pytest.fixture
def store(project: Project) -> Iterator[Store]:
    opened = open_store(project.settings.store, project.root)
    yield opened
    opened.close()


def report(store: Store, project: Project, asset: str = "marts.kpi", **kw: str) -> ReportOutcome:
    values = {"description": "Weekly KPI doubled", "urgency": "high", "contact": "cfo@acme.test"}
    values.update(kw)
    return submit_report(store, project, asset=asset, **values)


def test_report_without_incident_opens_one_with_the_commander_and_an_action_item(
    store: Store, project: Project
) -> None:
    outcome = submit_report(
        store,
        project,
        asset="raw.feed",
        description="Yesterday's orders are missing",
        urgency="normal",
        contact="ana@acme.test",
    )
    assert outcome.reference.startswith("RPT-") and len(outcome.reference) == 10
    assert outcome.linked is False
    incident = outcome.incident
    assert incident is not None
    assert (incident.id, incident.detection_source, incident.severity) == (
        "INC-1",
        "report",
        "SEV-1",
    )
    assert incident.title == "Reported problem with raw.feed"  # never the reporter's words
    assert outcome.message == (
        f"Thank you: INC-1 is open and the on-call engineer ({incident.commander}) "
        "has been notified."
    )
    with store.engine.connect() as conn:
        items = conn.execute(sa.select(action_items.c.title, action_items.c.owner)).all()
        row = conn.execute(sa.select(reports)).one()
        people = conn.execute(sa.select(participants.c.person, participants.c.role)).all()
    assert items == [("Add a check that would have caught this on raw.feed", "data-platform")]
    assert (row.outcome, row.incident, row.asset, row.urgency) == (
        "opened",
        1,
        "raw.feed",
        "normal",
    )
    assert ("ana@acme.test", "reporter") in people


def test_report_downstream_of_an_open_incident_is_linked_with_its_latest_update(
    store: Store, project: Project, warehouse: Warehouse
) -> None:
    warehouse.load(feed_loaded_at="2026-11-20 06:00:00")
    run_project(project)
    set_status(store, project, "INC-1", "investigating", actor="carol")
    post_update(
        store, project, "INC-1", message="vendor late", public="The feed is late.", actor="carol"
    )
    outcome = report(store, project)
    assert outcome.linked is True
    assert outcome.message == (
        "Already known: INC-1 (investigating). Next update by 09:30. "
        "Latest update: The feed is late."
    )
    incident = outcome.incident
    assert incident is not None
    assert incident.timeline[-1].kind == "report"
    assert "Weekly KPI doubled" in incident.timeline[-1].text
    with store.engine.connect() as conn:
        assert reporters_of(conn, 1) == ["cfo@acme.test"]
        assert conn.execute(sa.select(reports.c.outcome)).scalar() == "linked"


def test_report_on_a_dashboard_maps_to_the_asset_declaring_it(
    store: Store, project: Project
) -> None:
    outcome = report(store, project, asset="dashboard.weekly_business_review")
    assert outcome.incident is not None
    assert outcome.incident.root_asset == "marts.kpi"


def test_unknown_asset_and_urgency_are_refused_and_nothing_is_stored(
    store: Store, project: Project
) -> None:
    with pytest.raises(UnknownAsset) as raised:
        report(store, project, asset="marts.kpj")
    assert str(raised.value) == "unknown asset 'marts.kpj': did you mean 'marts.kpi'?"
    with pytest.raises(ValueError) as bad:
        report(store, project, urgency="urgent")
    assert str(bad.value) == "urgency must be one of low, normal, high, got 'urgent'"
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(reports)).scalar() == 0


def test_report_page_shows_the_status_history(store: Store, project: Project) -> None:
    outcome = report(store, project)
    reference = outcome.reference
    set_status(store, project, "INC-1", "investigating", actor="carol")
    view = get_report(store, reference.lower())
    assert (view.reference, view.asset, view.outcome) == (reference, "marts.kpi", "opened")
    assert [e.kind for e in view.status_history] == ["declared", "status"]
    assert view.status_history[-1].data == {"from": "declared", "to": "investigating"}
    with pytest.raises(ReportNotFound):
        get_report(store, "RPT-NOPE00")


def test_reporters_are_email_addresses_without_repeats(store: Store, project: Project) -> None:
    report(store, project, contact="cfo@acme.test")
    report(store, project, contact="CFO@acme.test")
    report(store, project, contact="Ana from finance")
    with store.engine.connect() as conn:
        assert reporters_of(conn, 1) == ["cfo@acme.test"]


def test_an_anonymous_reporter_is_never_made_commander(
    project_dir: Path, project: Project, store: Store
) -> None:
    # SPEC 3's last fallback for the Commander is the reporter: not a stranger.
    with (project_dir / "assets" / "acme.yml").open("a") as assets:
        assets.write("  - name: lost.table\n    checks: [{type: row_count, min: 1}]\n")
    unowned = load_project(project_dir)
    anonymous = report(store, unowned, asset="lost.table", contact="who@example.org")
    assert anonymous.incident is not None and anonymous.incident.commander is None
    assert anonymous.contact.standing == "no_email_channel"
    with store.engine.connect() as conn:
        people = conn.execute(sa.select(participants.c.person, participants.c.role)).all()
    assert people == [("who@example.org", "reporter")]
    set_status(store, unowned, "INC-1", "dismissed", actor="carol")
    vouched = submit_report(
        store,
        unowned,
        asset="lost.table",
        description="Still empty",
        urgency="low",
        contact="ana@acme.test",
        actor="rita",
        vouched=True,
    )
    assert vouched.incident is not None and vouched.incident.commander == "ana@acme.test"
    assert vouched.contact.standing == "confirmed"


def test_a_report_longer_than_the_limit_is_refused_and_nothing_is_stored(
    store: Store, project: Project
) -> None:
    with pytest.raises(ValueError) as raised:
        report(store, project, description="x" * 10_001)
    assert (
        str(raised.value) == "description is 10,001 characters long; keep it to 10,000 characters"
    )
    assert report(store, project, description="x" * 10_000).reference.startswith("RPT-")
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(reports)).scalar() == 1


def test_the_action_item_of_a_reported_incident_is_due_in_14_days_and_reminded_then(
    store: Store, project: Project
) -> None:
    from trustwell.incidents.tick import tick

    report(store, project, asset="raw.feed")
    with store.engine.connect() as conn:
        (item,) = conn.execute(sa.select(action_items.c.title, action_items.c.due_at)).all()
    assert item.due_at == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)  # declared 2026-11-22 09:00
    assert tick(store, project, datetime(2026, 12, 6, 8, 59, tzinfo=UTC)).overdue_actions == 0
    assert tick(store, project, datetime(2026, 12, 6, 9, 0, tzinfo=UTC)).overdue_actions == 1


def test_actions_default_due_in_trustwell_yml_sets_the_due_date(project_dir: Path) -> None:
    settings = project_dir / "trustwell.yml"
    settings.write_text(settings.read_text() + "actions:\n  default_due: 3d\n")
    project = load_project(project_dir)
    opened = open_store(project.settings.store, project.root)
    try:
        report(opened, project, asset="raw.feed")
        with opened.engine.connect() as conn:
            due = conn.execute(sa.select(action_items.c.due_at)).scalar_one()
    finally:
        opened.close()
    assert due == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "actions:\n  default_due: soon\n",
            "actions.default_due: 'soon' is not a duration: write a number and a unit "
            "(s, m, h, d, w), e.g. '26h' in trustwell.yml line 24",
        ),
        (
            "actions:\n  default_due: 14d\n  defualt_owner: bob\n",
            "unknown key 'actions.defualt_owner' in trustwell.yml line 25: "
            "did you mean 'default_due'?",
        ),
    ],
)
def test_a_bad_actions_section_is_a_project_error_with_its_line(
    project_dir: Path, text: str, message: str
) -> None:
    from trustwell.config.errors import ProjectError

    settings = project_dir / "trustwell.yml"
    settings.write_text(settings.read_text() + text)
    with pytest.raises(ProjectError) as raised:
        load_project(project_dir)
    assert [str(p) for p in raised.value.problems] == [message]
