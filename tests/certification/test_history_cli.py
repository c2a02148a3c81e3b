"""``trustwell history ASSET`` shows the certification changes after the check results."""

from __future__ import annotations

import json
from pathlib import Path

from certification.test_service import cli, root  # noqa: F401 (root is a fixture)
from incidents.conftest import Warehouse


def test_history_text_and_json_show_the_certification_changes(root: Path) -> None:  # noqa: F811
    cli(root, "run")
    Warehouse(root).load(feed_loaded_at="2026-11-20 08:00:00")  # stale: revoked, INC-1
    cli(root, "run")
    text = cli(root, "history", "raw.feed")
    results_at = text.index("history of raw.feed")
    section = text[text.index("certification of raw.feed") :]
    assert text.index("certification of raw.feed") > results_at
    assert section.index("revoked") < section.index("certified")  # newest first
    assert "INC-1" in section

    plain = json.loads(cli(root, "history", "raw.feed", "--format", "json"))
    assert isinstance(plain, list) and {e["check"] for e in plain} == {
        "freshness:loaded_at",
        "unique:id",
    }
    both = json.loads(cli(root, "history", "raw.feed", "--format", "json", "--certification"))
    assert both["results"] == plain  # the result objects are unchanged
    assert [c["state"] for c in both["certification"]] == ["revoked", "certified"]
    newest = both["certification"][0]
    assert newest["use_case"] == "exec_reporting" and newest["incident_ids"] == ["INC-1"]
    assert newest["decided_at"] == "2026-11-22T09:00:00Z" and newest["rule_version"] == "1"
    assert set(newest) == {
        "id", "use_case", "state", "since", "decided_at", "reasons", "missing",
        "run_ids", "incident_ids", "rule_version",
    }  # fmt: skip

    one_check = cli(root, "history", "raw.feed", "--check", "unique:id")
    assert "certification of" not in one_check  # about one check: no certification
    other = cli(root, "history", "marts.kpi")
    assert "certification" not in other  # it takes part in no use case
