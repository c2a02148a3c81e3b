"""A small project (people, teams, channels, assets) and an incident on it, for notify tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from trustwell.config.models import Asset, ProjectSettings
from trustwell.incidents.model import AffectedAsset, IncidentSnapshot, TimelineEntry

# Monday 23 November 2026 06:00 in Berlin; declared Tuesday 09:10, next update by 11:00.
OCCURRED = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
DECLARED = datetime(2026, 11, 24, 8, 10, tzinfo=UTC)
NEXT_UPDATE = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
#: Signs the unsubscribe links of subscriber notices (``extra["link_key"]``).
LINK_KEY = b"k" * 32
JIRA_TOKEN = "jira-secret-token-123"


def settings(channels: dict[str, dict[str, Any]] | None = None, **more: Any) -> ProjectSettings:
    """acme: data-platform owns raw data, growth-analytics the marts."""
    document: dict[str, Any] = {
        "name": "acme",
        "timezone": "Europe/Berlin",
        "people": {
            "alice": {"email": "alice@acme.test", "slack": "U01ALICE"},
            "bob": {"slack": "U02BOB"},
            "carol": {"email": "carol@acme.test"},
            "dave": {"email": "dave@acme.test", "slack": "U04DAVE"},
            "erin": {"email": "erin@acme.test"},
            "frank": {"email": "frank@acme.test"},
        },
        "teams": {
            "data-platform": {
                "members": ["alice", "bob", "carol"],
                "lead": "dave",
                "channel": "data-platform",
            },
            "growth-analytics": {"members": ["erin"], "lead": "frank"},
        },
        "incident_channel": "data-incidents",
        "channels": channels
        if channels is not None
        else {
            "data-incidents": {"type": "slack", "webhook_url": "http://127.0.0.1:9/slack"},
            "data-platform": {"type": "webhook", "url": "http://127.0.0.1:9/hook"},
            "mail": {"type": "email", "smtp": "smtp://127.0.0.1:9", "from": "tw@acme.test"},
        },
        **more,
    }
    return ProjectSettings.model_validate(document)


def assets() -> dict[str, Asset]:
    declared = [
        Asset(name="raw.ad_spend", owner="data-platform", tier=2),
        Asset(
            name="marts.weekly_cac",
            owner="growth-analytics",
            tier=1,
            upstream=["raw.ad_spend"],
            description="Weekly CAC, used in the weekly business review.",
            subscribers=["finance@acme.test"],
        ),
        Asset(
            name="marts.daily_revenue",
            owner="growth-analytics",
            upstream=["raw.ad_spend"],
            subscribers=["finance@acme.test", "ceo@acme.test"],
        ),
        Asset(name="raw.unrelated", owner="data-platform", subscribers=["nobody@acme.test"]),
    ]
    return {a.name: a for a in declared}


def incident(**changes: Any) -> IncidentSnapshot:
    """INC-7: ad spend stopped loading; weekly CAC is downstream."""
    snapshot = IncidentSnapshot(
        id="INC-7",
        title="Ad spend stopped loading",
        severity="SEV-1",
        status="declared",
        detection_source="check",
        root_asset="raw.ad_spend",
        assets=(
            AffectedAsset("raw.ad_spend", "root"),
            AffectedAsset("marts.weekly_cac", "downstream"),
        ),
        fingerprints=("abc123",),
        commander="alice",
        smes=("bob", "carol", "erin"),
        runbook="third-party-api-failure",
        occurred_at=OCCURRED,
        declared_at=DECLARED,
        acknowledged_at=None,
        resolved_at=None,
        closed_at=None,
        dismissed_at=None,
        drill=False,
        declared_by="trustwell",
        next_update_at=NEXT_UPDATE,
        timeline=(TimelineEntry(DECLARED, "trustwell", "declared", "freshness failed"),),
    )
    return replace(snapshot, **changes)


def with_entry(
    snapshot: IncidentSnapshot, entry: TimelineEntry, **changes: Any
) -> IncidentSnapshot:
    return replace(snapshot, timeline=(*snapshot.timeline, entry), **changes)
