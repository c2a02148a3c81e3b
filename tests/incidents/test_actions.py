"""Action items: added, listed, closed, reminded while overdue, all on the incident's timeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from trustwell.cli import actions as actions_cli
from trustwell.cli.common import TrustwellGroup
from trustwell.incidents.actions import (
    ActionItemError,
    ActionItemNotFound,
    add_action,
    close_action,
    list_actions,
    mark_reminded,
    overdue_actions,
)
from trustwell.incidents.records import IncidentNotFound
from trustwell.store import open_store
from trustwell.store.database import Store
from trustwell.store.incident_tables import incidents, timeline

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def new_incident(store: Store, **values: Any) -> int:
    """Insert an incident row directly (the service is tested elsewhere)."""
    row: dict[str, Any] = {
        "title": "Feed is late",
        "severity": "SEV-2",
        "status": "resolved",
        "detection_source": "check",
        "root_asset": "raw.feed",
        "drill": False,
        "declared_at": NOW - timedelta(days=2),
        "escalation_level": 0,
        "updated_at": NOW,
        **values,
    }
    return int(
        store.write(
            lambda conn: conn.execute(incidents.insert().values(**row))
        ).inserted_primary_key[0]
    )


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("TRUSTWELL_NOW", "2026-11-25T10:00:00Z")
    opened = open_store("sqlite:///" + str(tmp_path / "s.db"), tmp_path)
    yield opened
    opened.close()


def timeline_texts(store: Store, number: int) -> list[tuple[str, str]]:
    rows = store.read(
        lambda conn: conn.execute(
            sa.select(timeline.c.actor, timeline.c.text)
            .where(timeline.c.incident == number)
            .order_by(timeline.c.id)
        ).all()
    )
    return [(r.actor, r.text) for r in rows]


def test_lifecycle_of_an_action_item_is_on_the_incidents_timeline(store: Store) -> None:
    number = new_incident(store)
    due = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    item_id = add_action(store, number, "Alert on token expiry", "bob", due, "alice")
    (item,) = list_actions(store)
    assert (item.id, item.incident_id, item.title, item.owner, item.due_at, item.status) == (
        item_id,
        f"INC-{number}",
        "Alert on token expiry",
        "bob",
        due,
        "open",
    )
    closed = close_action(store, item_id, "bob")
    assert (closed.status, closed.done_at) == ("done", NOW)
    assert list_actions(store, open_only=True) == []
    assert timeline_texts(store, number) == [
        (
            "alice",
            f"action item #{item_id} added: Alert on token expiry "
            "(owner bob, due 2026-12-01T23:00:00Z)",
        ),
        ("bob", f"action item #{item_id} done: Alert on token expiry"),
    ]
    with pytest.raises(ActionItemError, match=f"action item #{item_id} is already done"):
        close_action(store, item_id, "bob", status="cancelled")


def test_items_without_an_incident_and_errors(store: Store) -> None:
    item_id = add_action(store, None, "Document the feed", None, None, "alice")
    assert close_action(store, item_id, "alice", status="cancelled").status == "cancelled"
    with pytest.raises(IncidentNotFound, match="no incident INC-42"):
        add_action(store, 42, "x", None, None, "alice")
    with pytest.raises(ActionItemNotFound, match="no action item #99"):
        close_action(store, 99, "alice")
    with pytest.raises(ActionItemError, match="closed as done or cancelled, not 'open'"):
        close_action(store, item_id, "alice", status="open")


def test_open_items_come_first_by_due_date(store: Store) -> None:
    number = new_incident(store)
    late = add_action(store, number, "late", "a", NOW + timedelta(days=9), "x")
    undated = add_action(store, number, "undated", "a", None, "x")
    soon = add_action(store, number, "soon", "a", NOW + timedelta(days=1), "x")
    done = add_action(store, number, "done", "a", NOW, "x")
    close_action(store, done, "x")
    assert [i.id for i in list_actions(store)] == [soon, late, undated, done]
    assert [i.id for i in list_actions(store, open_only=True)] == [soon, late, undated]


def test_overdue_items_are_reminded_once_a_day_until_done(store: Store) -> None:
    number = new_incident(store)
    overdue = add_action(store, number, "overdue", "bob", NOW - timedelta(hours=1), "x")
    add_action(store, number, "not yet due", "bob", NOW + timedelta(days=2), "x")
    add_action(store, number, "no due date", "bob", None, "x")
    finished = add_action(store, number, "done", "bob", NOW - timedelta(days=3), "x")
    close_action(store, finished, "bob")

    def tick(moment: datetime) -> list[int]:
        def work(conn: sa.Connection) -> list[int]:
            ids = [item.id for item in overdue_actions(conn, moment)]
            mark_reminded(conn, ids, moment)
            return ids

        return store.write(work)

    assert tick(NOW) == [overdue]
    assert tick(NOW + timedelta(hours=23)) == []
    assert tick(NOW + timedelta(days=1)) == [overdue]
    close_action(store, overdue, "bob")
    assert tick(NOW + timedelta(days=5)) == [overdue + 1]  # "not yet due" is overdue by now


# --- the command --------------------------------------------------------------------


def test_actions_command_adds_lists_and_closes(store: Store, tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text("name: t\nstore: sqlite:///s.db\n")
    number = new_incident(store)
    # The root group maps domain errors (an unknown incident or item) to exit code 2, once.
    app = typer.Typer(cls=TrustwellGroup)
    actions_cli.register(app)
    runner = CliRunner()
    project = ["--project", str(tmp_path)]
    added = runner.invoke(
        app,
        [
            "actions",
            "add",
            "--incident",
            f"INC-{number}",
            "--title",
            "Alert on expiry",
            "--owner",
            "bob",
            "--due",
            "2026-11-20",
            "--as",
            "alice",
            *project,
        ],
    )
    assert added.exit_code == 0, added.output
    assert added.output == "added action item #1\n"
    listed = runner.invoke(app, ["actions", "--open", *project])
    assert (
        listed.output == f"#1  open      INC-{number:<4} 2026-11-20 OVERDUE  bob: Alert on expiry\n"
    )
    as_json = json.loads(runner.invoke(app, ["actions", "--format", "json", *project]).output)
    assert as_json == [
        {
            "id": 1,
            "incident": f"INC-{number}",
            "title": "Alert on expiry",
            "owner": "bob",
            "due_at": "2026-11-20T23:59:59Z",
            "status": "open",
            "created_at": "2026-11-25T10:00:00Z",
            "created_by": "alice",
            "done_at": None,
            "jira_key": None,
        }
    ]
    done = runner.invoke(app, ["actions", "done", "1", "--as", "bob", *project])
    assert done.output == "action item #1 is done: Alert on expiry\n"
    assert runner.invoke(app, ["actions", "--open", *project]).output == "no open action items\n"
    again = runner.invoke(app, ["actions", "done", "1", *project])
    assert again.exit_code == 2
    assert "error: action item #1 is already done" in again.output
    bad = runner.invoke(app, ["actions", "add", "--title", "x", "--due", "soon", *project])
    assert bad.exit_code == 2
    assert "error: --due 'soon' is not a date (YYYY-MM-DD)" in bad.output
