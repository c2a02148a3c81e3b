"""Problems across trustwell.yml sections are caught at load time, with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustwell.config.errors import ProjectError
from trustwell.config.loader import load_project

SETTINGS = """\
name: acme
timezone: Europe/Berlni
incident_channel: data-incident
channels:
  data-incidents: {type: slack, webhook_url: "https://hooks.example.test/x"}
  ops: {type: webhook}
response:
  SEV-4: {ack_within: 1h}
  SEV-1: {ack_within: soon}
oncall:
  data-platform: {members: [alice], rotation: fortnightly, start: 2026-01-05T09:00:00Z}
"""


def test_every_cross_section_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text(SETTINGS)
    with pytest.raises(ProjectError) as raised:
        load_project(tmp_path)
    messages = [str(p) for p in raised.value.problems]
    assert messages == [
        "unknown timezone 'Europe/Berlni' (use an IANA name such as Europe/Berlin) "
        "in trustwell.yml line 2",
        "incident_channel 'data-incident' is not a channel under channels: in trustwell.yml "
        "line 3: did you mean 'data-incidents'?",
        "channels.ops: missing key 'url' (type webhook) in trustwell.yml line 6",
        "unknown severity 'SEV-4' under response: in trustwell.yml line 8: did you mean 'SEV-3'?",
        "ack_within of SEV-1: 'soon' is not a duration: write a number and a unit "
        "(s, m, h, d, w), e.g. '26h' in trustwell.yml line 9",
        "on-call rotation 'data-platform': rotation 'fortnightly' is not valid: write daily, "
        "weekly, {every: 3d} or a duration such as 12h in trustwell.yml line 11",
    ]


def test_warehouse_timezone_and_timeout_are_checked_at_load_time(tmp_path: Path) -> None:
    # Before: a misspelt zone crashed `trustwell run` with a traceback at the first
    # freshness check, and a bad timeout when connecting; now both are exit-2 problems.
    (tmp_path / "trustwell.yml").write_text(
        "warehouses:\n"
        "  main: {type: duckdb, timezone: Europe/Berln}\n"
        "  pg:\n"
        "    type: postgres\n"
        "    url: postgresql://localhost/db\n"
        "    timeout: 5x\n"
    )
    with pytest.raises(ProjectError) as raised:
        load_project(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "unknown timezone 'Europe/Berln' of warehouse 'main' (use an IANA name such as "
        "Europe/Berlin) in trustwell.yml line 2",
        "timeout of warehouse 'pg': '5x' is not a duration: write a number and a unit "
        "(s, m, h, d, w), e.g. '26h' in trustwell.yml line 6",
    ]


def test_a_warehouse_memory_limit_that_is_not_a_size_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "trustwell.yml").write_text(
        "warehouses:\n"
        "  main: {type: duckdb, memory_limit: 512MB}\n"
        "  big:\n"
        "    type: duckdb\n"
        "    memory_limit: 2 gigs\n"
    )
    with pytest.raises(ProjectError) as raised:
        load_project(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        "memory_limit '2 gigs' is not a memory size: write a number and a unit (KB, MB, GB, TB,"
        " or KiB, MiB, GiB, TiB) or a share of the RAM, e.g. '512MB' or '25%' in trustwell.yml"
        " line 5",
    ]
