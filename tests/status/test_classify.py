"""The pure classification of an asset's state, as a table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustwell.status.state import CheckLatest, OpenIncidentRef, classify

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
PASS = CheckLatest("row_count", "pass")
FAIL = CheckLatest("freshness:loaded_at", "fail", since=NOW - 3 * H)
WARN = CheckLatest("unique:id", "warn", since=NOW - 26 * H)
ERROR = CheckLatest("row_count", "error", since=NOW - H)


@pytest.mark.parametrize(
    ("last_run", "checks", "incident", "schedule", "state", "reason"),
    [
        (NOW - H, [PASS], None, None, "trusted", "1 check passed at 11:00"),
        (None, [], None, None, "unknown", "never checked"),
        (NOW - H, [FAIL], None, None, "warning", "freshness:loaded_at failing since 09:00"),
        (NOW - H, [PASS, WARN], None, None, "warning", "unique:id warning since Sat 21 Nov 10:00"),
        (NOW - H, [ERROR], None, None, "warning", "row_count erroring since 11:00"),
        (
            NOW - H,
            [PASS],
            OpenIncidentRef("INC-3"),
            None,
            "incident",
            "INC-3 is open on this asset",
        ),
        (
            NOW - H,
            [PASS],
            OpenIncidentRef("INC-3", via="raw.feed"),
            None,
            "incident",
            "part of INC-3 upstream (raw.feed)",
        ),
        (
            None,
            [],
            OpenIncidentRef("INC-4", via="raw.feed"),
            None,
            "incident",
            "part of INC-4 upstream (raw.feed)",
        ),
        (
            NOW - 26 * H,
            [PASS],
            None,
            None,
            "stale",
            "last checked Sat 21 Nov 10:00, more than 25h ago",
        ),
        (NOW - 24 * H, [PASS], None, None, "trusted", "1 check passed at Sat 21 Nov 12:00"),
        (NOW - 3 * H, [FAIL], None, "0 * * * *", "stale", "last checked 09:00; scheduled every 1h"),
        (
            NOW - 90 * 60 * timedelta(seconds=1),
            [PASS],
            None,
            "0 * * * *",
            "trusted",
            "1 check passed at 10:30",
        ),
        (NOW - 47 * H, [PASS], None, "0 6 * * *", "trusted", "1 check passed at Fri 20 Nov 13:00"),
        (
            NOW - 49 * H,
            [PASS],
            None,
            "0 6 * * *",
            "stale",
            "last checked Fri 20 Nov 11:00; scheduled every 1d",
        ),
    ],
)
def test_classify(
    last_run: datetime | None,
    checks: list[CheckLatest],
    incident: OpenIncidentRef | None,
    schedule: str | None,
    state: str,
    reason: str,
) -> None:
    verdict = classify(
        now=NOW, last_run_at=last_run, checks=checks, incident=incident, schedule=schedule
    )
    assert (verdict.state, verdict.reason) == (state, reason)


def test_failing_and_warning_checks_are_listed_whatever_the_state() -> None:
    verdict = classify(
        now=NOW,
        last_run_at=NOW - H,
        checks=[FAIL, WARN, PASS],
        incident=OpenIncidentRef("INC-1"),
        schedule=None,
    )
    assert (verdict.failing, verdict.warnings) == (["freshness:loaded_at"], ["unique:id"])


def test_reason_is_in_the_project_timezone() -> None:
    verdict = classify(
        now=NOW,
        last_run_at=NOW - H,
        checks=[FAIL],
        incident=None,
        schedule=None,
        timezone="Europe/Berlin",
    )
    assert verdict.reason == "freshness:loaded_at failing since 10:00"
