"""The pure parts of an evidence pack: which incidents a window holds, post-mortem sections."""

from __future__ import annotations

from datetime import UTC, datetime

from trustwell.certification.pack_json import Window, ended_at, overlaps, section
from trustwell.incidents.model import IncidentSnapshot


def day(n: int) -> datetime:
    return datetime(2026, 11, n, 12, tzinfo=UTC)


def incident(status: str, **times: datetime | None) -> IncidentSnapshot:
    fields: dict[str, datetime | None] = {
        "occurred_at": None,
        "declared_at": day(10),
        "acknowledged_at": None,
        "resolved_at": None,
        "closed_at": None,
        "dismissed_at": None,
    }
    fields.update(times)
    declared = fields.pop("declared_at")
    assert declared is not None
    return IncidentSnapshot(
        id="INC-1",
        title="t",
        severity="SEV-2",
        status=status,
        detection_source="check",
        root_asset="raw.feed",
        assets=(),
        fingerprints=(),
        commander=None,
        smes=(),
        runbook=None,
        declared_at=declared,
        drill=False,
        **fields,
    )


WINDOW = Window(start=day(15), end=day(25))


def test_an_open_incident_declared_before_the_window_is_in_it() -> None:
    assert overlaps(incident("investigating"), WINDOW)
    assert ended_at(incident("monitoring", resolved_at=day(12))) is None  # reopened


def test_resolved_before_the_window_is_not_in_it_after_its_start_is() -> None:
    assert not overlaps(incident("resolved", resolved_at=day(14)), WINDOW)
    assert overlaps(incident("closed", resolved_at=day(16), closed_at=day(20)), WINDOW)
    assert not overlaps(incident("dismissed", dismissed_at=day(15)), WINDOW)


def test_declared_after_the_window_is_not_in_it_data_bad_before_is() -> None:
    assert not overlaps(incident("declared", declared_at=day(26)), WINDOW)
    late = incident("declared", declared_at=day(26), occurred_at=day(24))
    assert overlaps(late, WINDOW)


def test_section_of_a_postmortem() -> None:
    body = "# PM\n\n## Summary\n\nIt broke.\nWe fixed it.\n\n## Impact\n\n- much\n"
    assert section(body, "Summary") == "It broke.\nWe fixed it."
    assert section(body, "impact") == "- much"
    assert section(body, "Root cause") is None
    assert section("## Summary\n\n## Impact\n", "Summary") is None
