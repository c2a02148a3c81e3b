"""plan_messages: who is told what (the RACI of SPEC section 3), in which words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from notify_factories import DECLARED, LINK_KEY, assets, incident, settings, with_entry

from trustwell.config.models import ProjectSettings
from trustwell.incidents.model import IncidentSnapshot, TimelineEntry
from trustwell.notify import OutgoingMessage
from trustwell.notify import plan_messages as plan_without_key

FINANCE_DECLARED = (
    "Weekly CAC and marts.daily_revenue may be wrong since Monday 06:00. "
    "We are investigating; next update by 11:00."
)


def plan(
    event: str, snapshot: IncidentSnapshot, config: ProjectSettings, by_name: Any, **kw: Any
) -> list[OutgoingMessage]:
    """plan_messages as ``notify`` calls it: with the key that signs unsubscribe links."""
    extra = {"link_key": LINK_KEY, **kw.pop("extra", {})}
    return plan_without_key(event, snapshot, config, by_name, extra=extra, **kw)


def recipients(messages: list[OutgoingMessage]) -> list[tuple[str, str | None]]:
    return [(m.channel, m.recipient) for m in messages]


def by_recipient(messages: list[OutgoingMessage], address: str) -> OutgoingMessage:
    return next(m for m in messages if m.recipient == address)


def notice_to(messages: list[OutgoingMessage], address: str) -> str:
    """The plain-language notice to a subscriber, without the unsubscribe link that ends it."""
    text = by_recipient(messages, address).text
    notice, _, link = text.partition("\n\n--\nTo stop these e-mails: ")
    assert link.startswith("http://127.0.0.1:8000/unsubscribe?token="), text
    return notice


def test_declared_goes_to_channels_commander_smes_and_subscribers_not_leads() -> None:
    messages = plan("incident.declared", incident(), settings(), assets())

    assert recipients(messages) == [
        ("data-incidents", None),  # incident_channel
        ("data-platform", None),  # the owner team's channel (growth-analytics has none)
        ("mail", "alice@acme.test"),  # Commander
        ("mail", "carol@acme.test"),  # SMEs with an address (bob has only Slack)
        ("mail", "erin@acme.test"),
        ("mail", "finance@acme.test"),  # subscribers of affected and downstream assets
        ("mail", "ceo@acme.test"),
    ]
    assert notice_to(messages, "finance@acme.test") == FINANCE_DECLARED
    assert by_recipient(messages, "finance@acme.test").subject == (
        "Data notice: Weekly CAC and marts.daily_revenue"
    )
    assert notice_to(messages, "ceo@acme.test") == (
        "marts.daily_revenue may be wrong since Monday 06:00. "
        "We are investigating; next update by 11:00."
    )


def test_people_without_email_are_mentioned_in_slack() -> None:
    messages = plan("incident.declared", incident(), settings(), assets())
    slack = messages[0].payload
    context = next(b for b in slack["blocks"] if b["type"] == "context")
    assert context["elements"][0]["text"] == "For: <@U02BOB>"
    fields = next(b for b in slack["blocks"] if "fields" in b)["fields"]
    assert fields[2]["text"] == "*Commander*\n<@U01ALICE>"


def test_without_an_email_channel_everyone_is_mentioned_and_subscribers_wait() -> None:
    channels = {"data-incidents": {"type": "slack", "webhook_url": "http://127.0.0.1:9/s"}}
    messages = plan("incident.declared", incident(), settings(channels), assets())
    assert recipients(messages) == [("data-incidents", None)]
    context = next(b for b in messages[0].payload["blocks"] if b["type"] == "context")
    assert context["elements"][0]["text"] == "For: <@U01ALICE> <@U02BOB>"


def test_severity_change_consults_the_leads_but_not_subscribers() -> None:
    changed = with_entry(
        incident(),
        TimelineEntry(DECLARED + timedelta(minutes=5), "alice", "severity", "SEV-2 → SEV-1"),
    )
    messages = plan("incident.severity_changed", changed, settings(), assets())
    emailed = [m.recipient for m in messages if m.recipient]
    assert emailed == [
        "alice@acme.test",
        "carol@acme.test",
        "erin@acme.test",
        "dave@acme.test",  # lead of data-platform
        "frank@acme.test",  # lead of growth-analytics
    ]
    assert messages[0].subject == (
        "[SEV-1] INC-7 Severity changed to SEV-1: Ad spend stopped loading"
    )


def test_resolution_tells_leads_and_subscribers_in_plain_language() -> None:
    resolved = with_entry(
        incident(status="resolved"),
        TimelineEntry(DECLARED + timedelta(hours=3), "alice", "resolved", "backfilled"),
    )
    messages = plan("incident.resolved", resolved, settings(), assets())
    assert {"dave@acme.test", "frank@acme.test"} <= {m.recipient for m in messages}
    assert notice_to(messages, "finance@acme.test") == (
        "Weekly CAC and marts.daily_revenue can be trusted again: "
        "the problem that began Monday 06:00 is fixed."
    )


def test_dismissal_tells_subscribers_the_data_can_be_trusted() -> None:
    dismissed = with_entry(
        incident(status="dismissed"),
        TimelineEntry(DECLARED + timedelta(hours=1), "alice", "status", "expected change"),
    )
    messages = plan("incident.dismissed", dismissed, settings(), assets())
    assert notice_to(messages, "finance@acme.test") == (
        "Weekly CAC and marts.daily_revenue can be trusted: "
        "the suspected problem turned out not to be one."
    )


def test_status_change_to_identified_has_its_own_notice() -> None:
    later = DECLARED + timedelta(minutes=30)
    changed = with_entry(
        incident(status="identified"), TimelineEntry(later, "alice", "status", "identified")
    )
    messages = plan("incident.status_changed", changed, settings(), assets())
    assert notice_to(messages, "ceo@acme.test") == (
        "marts.daily_revenue may be wrong since Monday 06:00. "
        "We have found the cause and are fixing it; next update by 11:00."
    )


def test_internal_text_names_status_assets_commander_runbook_and_link() -> None:
    messages = plan(
        "incident.declared", incident(), settings(), assets(),
        extra={"base_url": "https://trust.acme.test/"},
    )  # fmt: skip
    assert by_recipient(messages, "alice@acme.test").text == (
        "SEV-1 INC-7 Ad spend stopped loading: Incident declared\n"
        "Status: declared · Assets: raw.ad_spend (root), marts.weekly_cac (downstream)"
        " · Commander: alice · Runbook: third-party-api-failure\n"
        "https://trust.acme.test/incidents/INC-7"
    )


def test_drills_are_marked_everywhere() -> None:
    messages = plan("incident.declared", incident(drill=True), settings(), assets())
    for message in messages:
        assert message.subject.startswith("[DRILL] "), message
        assert message.text.startswith("[DRILL] "), message
    header = messages[0].payload["blocks"][0]["text"]["text"]
    assert header == "[DRILL] SEV-1 · INC-7 Ad spend stopped loading"
    assert messages[1].payload["incident"]["drill"] is True
    assert notice_to(messages, "finance@acme.test") == "[DRILL] " + FINANCE_DECLARED


def test_dedupe_keys_are_stable_and_tell_two_updates_apart() -> None:
    first = with_entry(
        incident(), TimelineEntry(DECLARED + timedelta(minutes=1), "alice", "update", "one")
    )
    second = with_entry(
        first, TimelineEntry(DECLARED + timedelta(minutes=2), "alice", "update", "two")
    )
    keys_first = [m.dedupe_key for m in plan("incident.updated", first, settings(), assets())]
    again = [m.dedupe_key for m in plan("incident.updated", first, settings(), assets())]
    keys_second = [m.dedupe_key for m in plan("incident.updated", second, settings(), assets())]
    assert keys_first == again
    assert len(set(keys_first)) == len(keys_first)
    assert not set(keys_first) & set(keys_second)
    assert all(len(k) <= 200 for k in keys_first)


def test_public_update_reaches_subscribers_internal_one_does_not() -> None:
    public = with_entry(
        incident(),
        TimelineEntry(
            DECLARED + timedelta(minutes=40), "alice", "update", "vendor API down",
            public_text="The ad platform is down; numbers will be complete by 14:00.",
        ),
    )  # fmt: skip
    messages = plan("incident.updated", public, settings(), assets())
    assert notice_to(messages, "ceo@acme.test") == (
        "Update on marts.daily_revenue: The ad platform is down; numbers will be complete by 14:00."
    )
    internal = with_entry(
        incident(), TimelineEntry(DECLARED + timedelta(minutes=40), "alice", "update", "x")
    )
    planned = plan("incident.updated", internal, settings(), assets())
    assert "ceo@acme.test" not in [m.recipient for m in planned]


def test_escalation_reaches_leads_from_level_two_and_everyone_at_three() -> None:
    level2 = plan("incident.escalated", incident(escalation_level=2), settings(), assets())
    assert "dave@acme.test" in [m.recipient for m in level2]
    assert level2[0].subject == (
        "[SEV-1] INC-7 Not acknowledged in time: escalated (level 2): Ad spend stopped loading"
    )
    level1 = plan("incident.escalated", incident(escalation_level=1), settings(), assets())
    assert "dave@acme.test" not in [m.recipient for m in level1]


def test_jira_channel_gets_create_then_transition() -> None:
    channels = {"jira": {"type": "jira", "url": "http://127.0.0.1:9", "project": "DATA",
                         "token": "t0ken"}}  # fmt: skip
    declared = plan(
        "incident.declared", incident(), settings(channels, incident_channel="jira"), assets()
    )
    assert declared[0].payload["action"] == "create"
    assert declared[0].payload["issue"]["priority"] == {"name": "Highest"}
    resolved = plan(
        "incident.resolved", incident(status="resolved"),
        settings(channels, incident_channel="jira"), assets(),
    )  # fmt: skip
    assert resolved[0].payload["action"] == "transition"
    assert resolved[0].payload["status"] == "resolved"


def test_unknown_event_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown event 'incident\.exploded'"):
        plan("incident.exploded", incident(), settings(), assets())
