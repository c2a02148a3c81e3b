"""Each channel against a real server on 127.0.0.1: what the receiver gets."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from email.message import Message

import sqlalchemy as sa
from notify_factories import (
    DECLARED,
    JIRA_TOKEN,
    LINK_KEY,
    assets,
    incident,
    settings,
    with_entry,
)
from notify_servers import JiraFake, Receiver, SMTPSink

from trustwell.config.models import ProjectSettings
from trustwell.incidents.model import TimelineEntry
from trustwell.notify import plan_messages
from trustwell.notify.outbox import DeliveryReport, deliver_due, enqueue, outbox_rows
from trustwell.store import Store
from trustwell.store.incident_tables import outbox

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def announce(store: Store, event: str, config: ProjectSettings, **changes: object) -> None:
    extra = {"link_key": LINK_KEY}
    messages = plan_messages(event, incident(**changes), config, assets(), extra=extra)
    store.write(lambda conn: enqueue(conn, messages, T0))


def test_webhook_timestamp_and_body_are_signed_and_carry_event_and_delivery_headers(
    store: Store, receiver: Receiver
) -> None:
    config = settings(
        {"ops": {"type": "webhook", "url": receiver.url + "/hook", "secret": "s3cret-key"}},
        incident_channel="ops",
    )
    announce(store, "incident.declared", config)
    assert deliver_due(store, config, T0) == DeliveryReport(sent=1)

    [request] = receiver.requests
    assert request.headers["x-trustwell-timestamp"] == str(int(T0.timestamp()))
    signed = f"{int(T0.timestamp())}.".encode() + request.body
    expected = "sha256=" + hmac.new(b"s3cret-key", signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["x-trustwell-signature"], expected)
    assert request.headers["x-trustwell-event"] == "incident.declared"
    assert request.headers["x-trustwell-delivery"] == outbox_rows(store)[0].dedupe_key
    body = request.json()
    assert sorted(body) == ["event", "incident", "sent_at"]
    assert body["event"] == "incident.declared"
    assert body["sent_at"] == "2026-11-24T09:00:00Z"
    assert body["incident"]["id"] == "INC-7"
    assert body["incident"]["assets"] == [
        {"asset": "raw.ad_spend", "impact": "root"},
        {"asset": "marts.weekly_cac", "impact": "downstream"},
    ]
    assert body["incident"]["declared_at"] == "2026-11-24T08:10:00Z"


def test_slack_gets_a_block_kit_message(store: Store, receiver: Receiver) -> None:
    url = receiver.url + "/services/T0/B0/XYZ"
    config = settings({"chat": {"type": "slack", "webhook_url": url}}, incident_channel="chat")
    announce(store, "incident.declared", config)
    assert deliver_due(store, config, T0) == DeliveryReport(sent=1)

    [request] = receiver.requests
    assert request.path == "/services/T0/B0/XYZ"
    assert request.headers["content-type"] == "application/json"
    message = request.json()
    assert message["text"] == "SEV-1 · INC-7 Ad spend stopped loading: Incident declared"
    blocks = message["blocks"]
    assert [b["type"] for b in blocks] == ["header", "section", "section", "context", "section"]
    assert blocks[0]["text"] == {
        "type": "plain_text",
        "text": "SEV-1 · INC-7 Ad spend stopped loading",
    }
    assert [f["text"] for f in blocks[2]["fields"]] == [
        "*Status*\ndeclared",
        "*Assets*\nraw.ad_spend (root), marts.weekly_cac (downstream)",
        "*Commander*\n<@U01ALICE>",
        "*Runbook*\nthird-party-api-failure",
    ]
    assert blocks[-1]["text"]["text"] == "<http://127.0.0.1:8000/incidents/INC-7|Open INC-7>"


def test_email_reaches_the_smtp_server_with_subject_and_body(
    store: Store, smtp_sink: SMTPSink
) -> None:
    channels = {
        "mail": {
            "type": "email",
            "smtp": f"smtp://127.0.0.1:{smtp_sink.port}",
            "from": "tw@acme.test",
        }
    }
    config = settings(channels, incident_channel=None)
    announce(store, "incident.declared", config)
    assert deliver_due(store, config, T0) == DeliveryReport(sent=5)

    by_to: dict[str, Message] = {str(m["To"]): m for m in smtp_sink.messages}
    assert sorted(by_to) == [
        "alice@acme.test", "carol@acme.test", "ceo@acme.test", "erin@acme.test",
        "finance@acme.test",
    ]  # fmt: skip
    notice = by_to["finance@acme.test"]
    assert notice["From"] == "tw@acme.test"
    assert notice["Subject"] == "Data notice: Weekly CAC and marts.daily_revenue"
    body = notice.get_payload(decode=True).decode().replace("\r\n", "\n")  # type: ignore[union-attr]
    text, _, link = body.strip().partition("\n\n--\nTo stop these e-mails: ")
    assert text == (
        "Weekly CAC and marts.daily_revenue may be wrong since Monday 06:00. "
        "We are investigating; next update by 11:00."
    )
    assert notice["List-Unsubscribe"] == f"<{link}>"
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert by_to["alice@acme.test"]["List-Unsubscribe"] is None  # the Commander cannot leave
    assert notice["X-Trustwell-Delivery"].startswith("incident.declared:INC-7:")
    commander = by_to["alice@acme.test"]
    assert commander["Subject"] == "[SEV-1] INC-7 Incident declared: Ad spend stopped loading"


def test_email_server_down_is_retried_not_lost(store: Store) -> None:
    channels = {"mail": {"type": "email", "smtp": "smtp://127.0.0.1:9", "from": "tw@acme.test"}}
    config = settings(channels, incident_channel=None)
    announce(store, "incident.declared", config)
    assert deliver_due(store, config, T0) == DeliveryReport(retried=5)
    assert {r.last_error for r in outbox_rows(store)} == {
        "SMTP 127.0.0.1:9: ConnectionRefusedError"
    }


def jira_settings(jira: JiraFake, token: str = JIRA_TOKEN) -> ProjectSettings:
    channels = {"jira": {"type": "jira", "url": jira.url, "project": "DATA", "token": token}}
    return settings(channels, incident_channel="jira")


def test_jira_issue_is_created_then_follows_the_incident(store: Store, jira: JiraFake) -> None:
    config = jira_settings(jira)
    announce(store, "incident.declared", config)
    assert deliver_due(store, config, T0) == DeliveryReport(sent=1)
    issue = jira.issues["DATA-1"]
    assert issue.fields["issuetype"] == {"name": "Incident"}
    assert issue.fields["project"] == {"key": "DATA"}
    assert issue.fields["priority"] == {"name": "Highest"}
    assert issue.fields["summary"] == "[SEV-1] INC-7 Incident declared: Ad spend stopped loading"
    assert issue.fields["labels"] == ["trustwell", "trustwell-inc-7"]
    assert outbox_rows(store)[0].status == "sent"

    investigating = with_entry(
        incident(status="investigating"),
        TimelineEntry(DECLARED + timedelta(minutes=9), "alice", "status", "investigating"),
    )
    messages = plan_messages("incident.status_changed", investigating, config, assets())
    store.write(lambda conn: enqueue(conn, messages, T0))
    resolved = with_entry(
        incident(status="resolved"),
        TimelineEntry(DECLARED + timedelta(hours=2), "alice", "resolved", "backfilled"),
    )
    messages = plan_messages("incident.resolved", resolved, config, assets())
    store.write(lambda conn: enqueue(conn, messages, T0))
    assert deliver_due(store, config, T0) == DeliveryReport(sent=2)

    assert list(jira.issues) == ["DATA-1"]  # found again, never created twice
    assert issue.status == "Resolved"
    assert len(issue.comments) == 2
    assert issue.comments[1].startswith(
        "SEV-1 INC-7 Ad spend stopped loading: Resolved\nbackfilled"
    )


def test_jira_issue_is_found_by_label_when_its_key_was_never_recorded(
    store: Store, jira: JiraFake
) -> None:
    config = jira_settings(jira)
    [create] = plan_messages("incident.declared", incident(), config, assets())
    store.write(lambda conn: enqueue(conn, [create], T0))
    deliver_due(store, config, T0)
    # As if the process died after Jira created the issue but before the outbox recorded it.
    lost = sa.update(outbox).values(status="pending", sent_at=None, payload=dict(create.payload))
    store.write(lambda conn: conn.execute(lost))
    announce(store, "incident.status_changed", config, status="investigating")
    assert deliver_due(store, config, T0 + timedelta(minutes=1)) == DeliveryReport(sent=2)
    assert list(jira.issues) == ["DATA-1"]
    assert jira.issues["DATA-1"].status == "In Progress"


def test_jira_refusing_the_token_never_shows_it(store: Store, jira: JiraFake) -> None:
    config = jira_settings(jira, token="wrong-token-value")
    announce(store, "incident.declared", config)
    assert deliver_due(store, config, T0) == DeliveryReport(retried=1)
    [row] = outbox_rows(store)
    assert row.last_error is not None
    assert row.last_error.startswith(f"GET http://127.0.0.1:{jira.port}/…: HTTP 401")
    assert "wrong-token-value" not in row.last_error


def test_an_action_item_is_pushed_to_jira_once_and_remembers_its_key(
    store: Store, jira: JiraFake
) -> None:
    from trustwell.incidents.actions import add_action, list_actions, push_action

    config = jira_settings(jira)
    item = add_action(store, None, "Add a volume check to raw.orders", "bob", None, "alice")
    push_action(store, config, item, "alice")
    deliver_due(store, config)
    (issue_key,) = list(jira.issues)
    issue = jira.issues[issue_key]
    assert issue.fields["summary"] == "Add a volume check to raw.orders"
    assert issue.fields["issuetype"] == {"name": "Task"}
    assert f"trustwell-action-{item}" in issue.fields["labels"]
    assert [a.jira_key for a in list_actions(store)] == [issue_key]
    push_action(store, config, item, "alice")  # again: found by its label, not created twice
    deliver_due(store, config)
    assert list(jira.issues) == [issue_key]
