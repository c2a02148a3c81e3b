"""The body of a message per channel type: Slack Block Kit, Jira fields. Pure.

A webhook's body carries the incident document of
:mod:`trustwell.incidents.document`, the same as the CLI and the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustwell.incidents.model import IncidentSnapshot

PRIORITIES = {"SEV-1": "Highest", "SEV-2": "High", "SEV-3": "Medium"}
#: Events that move the Jira issue to the incident's status.
JIRA_TRANSITION_EVENTS = frozenset(
    {
        "incident.status_changed",
        "incident.resolved",
        "incident.dismissed",
        "incident.closed",
    }
)
_HEADER_MAX = 150  # Slack's limit for a header block


def slack_payload(
    incident: IncidentSnapshot,
    *,
    headline: str,
    detail: str,
    link: str,
    commander: str | None,
    assets: str,
    mentions: list[str],
    drill: str,
) -> dict[str, Any]:
    """A Block Kit message: header (severity + title), what happened, the fields, a link."""
    header = f"{drill}{incident.severity} · {incident.id} {incident.title}"
    if len(header) > _HEADER_MAX:
        header = header[: _HEADER_MAX - 1] + "…"
    body = f"*{headline}*" + (f"\n{detail}" if detail else "")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
        {"type": "section", "text": {"type": "mrkdwn", "text": body}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Status*\n{incident.status}"},
                {"type": "mrkdwn", "text": f"*Assets*\n{assets}"},
                {"type": "mrkdwn", "text": f"*Commander*\n{commander or 'none'}"},
                {"type": "mrkdwn", "text": f"*Runbook*\n{incident.runbook or 'none'}"},
            ],
        },
    ]
    if mentions:
        text = f"For: {' '.join(mentions)}"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    blocks.append(
        {"type": "section", "text": {"type": "mrkdwn", "text": f"<{link}|Open {incident.id}>"}}
    )
    return {"text": f"{header}: {headline}", "blocks": blocks}


def jira_payload(
    event: str, incident: IncidentSnapshot, *, subject: str, text: str
) -> dict[str, Any]:
    """What to do on the incident's Jira issue: create it, transition it, update or comment.

    Every payload carries the issue's fields so that any message can create the
    issue when an earlier one never did (a channel added later, for example).
    """
    labels = ["trustwell", jira_label(incident.id)]
    if incident.drill:
        labels.append("drill")
    issue = {
        "summary": subject[:255],
        "description": text,
        "priority": {"name": PRIORITIES.get(incident.severity, "Medium")},
        "labels": labels,
    }
    if event == "incident.declared":
        action = "create"
    elif event in JIRA_TRANSITION_EVENTS:
        action = "transition"
    elif event == "incident.severity_changed":
        action = "update"
    else:
        action = "comment"
    return {"action": action, "status": incident.status, "issue": issue, "comment": text}


def jira_label(incident_id: str) -> str:
    """The label that finds an incident's issue again: ``trustwell-inc-7``."""
    return f"trustwell-{incident_id.lower()}"
