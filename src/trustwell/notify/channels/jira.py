"""Jira (REST v2): one issue per incident, created on declaration, then kept in sync.

The first message for an incident creates the issue (``POST /rest/api/2/issue``)
in the channel's project, labelled ``trustwell-inc-7``. Later messages find it
again (the key recorded with an earlier sent row, else a label search, so a
crash between creating and recording does not create a second issue) and
transition it to the incident's status, update its priority, or comment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from trustwell.notify.channels.base import (
    DELIVERY_HEADER,
    Delivery,
    DeliveryFailed,
    SendContext,
    http_request,
)
from trustwell.notify.config import ChannelConfig, JiraChannel

#: Jira status names (lower case, best first) for each incident status.
TARGET_STATUSES: Mapping[str, tuple[str, ...]] = {
    "declared": ("open", "to do", "backlog"),
    "acknowledged": ("in progress",),
    "investigating": ("in progress",),
    "identified": ("in progress",),
    "monitoring": ("monitoring", "in progress"),
    "resolved": ("resolved", "done"),
    "closed": ("closed", "done"),
    "dismissed": ("won't do", "cancelled", "canceled", "declined", "closed", "done"),
}


class _Jira:
    def __init__(self, context: SendContext, config: JiraChannel, delivery: Delivery) -> None:
        self.context, self.config, self.delivery = context, config, delivery
        self.base = config.url.rstrip("/") + "/rest/api/2"
        self.headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            DELIVERY_HEADER: delivery.dedupe_key,
        }
        self.auth: tuple[str, str] | None = None
        if config.user:
            self.auth = (config.user, config.token)
        else:
            self.headers["Authorization"] = f"Bearer {config.token}"

    def call(self, method: str, path: str, body: Any = None) -> Any:
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        response = http_request(
            self.context, method, self.base + path, content=content,
            headers=self.headers, auth=self.auth,
        )  # fmt: skip
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise DeliveryFailed(
                f"{method} {path}: Jira answered with something else than JSON"
            ) from None

    def find(self, label: str) -> str | None:
        jql = f'project = "{self.config.project}" AND labels = "{label}" ORDER BY created ASC'
        found = self.call("GET", f"/search?jql={quote(jql)}&fields=key&maxResults=1")
        issues = (found or {}).get("issues") or []
        return str(issues[0]["key"]) if issues else None

    def create(self, issue: Mapping[str, Any]) -> str:
        fields = {
            **issue,
            "project": {"key": self.config.project},
            "issuetype": {"name": self.config.issue_type},
        }
        created = self.call("POST", "/issue", {"fields": fields})
        if not isinstance(created, dict) or "key" not in created:
            raise DeliveryFailed("POST /issue: Jira did not answer with the new issue's key")
        return str(created["key"])

    def transition(self, key: str, status: str) -> None:
        wanted = TARGET_STATUSES.get(status, (status.lower(),))
        answer = self.call("GET", f"/issue/{key}/transitions") or {}
        options = answer.get("transitions") or []
        for name in wanted:
            for option in options:
                to = str((option.get("to") or {}).get("name", "")).lower()
                if name in (to, str(option.get("name", "")).lower()):
                    self.call("POST", f"/issue/{key}/transitions",
                              {"transition": {"id": str(option["id"])}})  # fmt: skip
                    return
        # No way there from the issue's current status (or it is there already): comment only.

    def comment(self, key: str, text: str) -> None:
        self.call("POST", f"/issue/{key}/comment", {"body": text})


def send_jira(
    context: SendContext, config: ChannelConfig, delivery: Delivery
) -> Mapping[str, Any] | None:
    """Create, transition, update or comment; returns ``{"jira_key": "DATA-12"}``."""
    if not isinstance(config, JiraChannel):
        raise DeliveryFailed(f"channel {delivery.channel} is not a Jira channel")
    payload = delivery.payload
    if payload.get("kind") == "action_item":
        return _push_action_item(_Jira(context, config, delivery), payload)
    action = str(payload.get("action", "comment"))
    issue: Mapping[str, Any] = payload.get("issue") or {}
    labels = [str(label) for label in issue.get("labels", ())]
    label = next((x for x in labels if x.startswith("trustwell-")), None)
    jira = _Jira(context, config, delivery)
    key = context.jira_key(delivery.channel, delivery.incident)
    if key is None and label is not None:
        key = jira.find(label)
    if key is None:
        key = jira.create(issue)
        if action == "create":
            return {"jira_key": key}
    text = str(payload.get("comment") or "")
    if action == "transition":
        jira.transition(key, str(payload.get("status", "")))
    elif action == "update" and "priority" in issue:
        jira.call("PUT", f"/issue/{key}", {"fields": {"priority": issue["priority"]}})
    if action != "create" and text:
        jira.comment(key, text)
    return {"jira_key": key}


def _push_action_item(jira: _Jira, payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """An action item becomes its own issue (type Task), found again by its label."""
    issue: Mapping[str, Any] = payload.get("issue") or {}
    label = f"trustwell-action-{payload.get('action_item_id')}"
    key = jira.find(label)
    if key is None:
        fields = {
            **issue,
            "labels": [label, *issue.get("labels", ())],
            "project": {"key": jira.config.project},
            "issuetype": {"name": "Task"},
        }
        created = jira.call("POST", "/issue", {"fields": fields})
        if not isinstance(created, dict) or "key" not in created:
            raise DeliveryFailed("POST /issue: Jira did not answer with the new issue's key")
        key = str(created["key"])
    return {"jira_key": key}
