"""``incident_metrics``: incidents read from the store, teams from asset owners,
months in the project's timezone (the rows are in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trustwell.config.loader import load_project
from trustwell.metrics.service import incident_metrics
from trustwell.store import Store


def times(median: float | None, p90: float | None) -> dict[str, float | None]:
    return {"median_seconds": median, "p90_seconds": p90}


def sources(**counts: int) -> dict[str, int]:
    return {"check": 0, "anomaly": 0, "report": 0, "manual": 0, "external": 0, **counts}


def bucket(n: int, ttd: Any, tta: Any, ttr: Any, recurring: int, src: Any, share: Any) -> Any:
    return {"incidents": n, "ttd": ttd, "tta": tta, "ttr": ttr, "recurring": recurring,
            "detection_sources": src, "internal_detection_share": share}  # fmt: skip


def rounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return round(value, 6) if isinstance(value, float) else value


NONE = times(None, None)
ORDERS = bucket(2, times(3600, 3600), times(600, 600), times(7200, 7200), 1, sources(check=2), 1.0)
PAYMENTS = bucket(1, times(14400, 14400), times(1800, 1800), times(10800, 10800), 0,
                  sources(report=1), 0.0)  # fmt: skip
MISC = bucket(1, NONE, NONE, NONE, 0, sources(manual=1), 1.0)
NOVEMBER = bucket(3, times(9000, 13320), times(1800, 1800), times(10800, 10800), 1,
                  sources(check=1, report=1, manual=1), 2 / 3)  # fmt: skip


def test_metrics_of_the_store_leave_drills_out_and_group_by_owner_team_and_local_month(
    store_with_incidents: Store, project_root: Path
) -> None:
    document = incident_metrics(store_with_incidents, load_project(project_root))

    assert rounded(document) == rounded({
        **bucket(4, times(3600, 12240), times(1200, 1680), times(9000, 10440), 1,
                 sources(check=2, report=1, manual=1), 0.75),
        "by_severity": {"SEV-1": ORDERS, "SEV-2": PAYMENTS, "SEV-3": MISC},
        "by_team": {"finance": PAYMENTS, "growth": ORDERS, "unowned": MISC},
        # INC-1 was declared at 02:00 UTC on 1 November: 31 October in New York.
        "by_month": {
            "2026-10": bucket(1, times(3600, 3600), times(600, 600), times(7200, 7200), 0,
                              sources(check=1), 1.0),
            "2026-11": NOVEMBER,
        },
    })  # fmt: skip


def test_since_leaves_earlier_incidents_out_but_they_still_make_later_ones_recur(
    store_with_incidents: Store, project_root: Path
) -> None:
    since = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)

    document = incident_metrics(store_with_incidents, load_project(project_root), since=since)

    assert document["incidents"] == 3
    assert document["recurring"] == 1  # INC-3 repeats INC-1's fingerprint
    assert list(document["by_month"]) == ["2026-11"]
    assert rounded(document["by_month"]["2026-11"]) == rounded(NOVEMBER)
    assert document["by_team"]["growth"]["incidents"] == 1


def test_empty_store_gives_zero_incidents(tmp_path: Path, project_root: Path) -> None:
    from trustwell.store import open_store

    store = open_store("sqlite:///" + str(tmp_path / "empty.db"), tmp_path)
    try:
        document = incident_metrics(store, load_project(project_root))
    finally:
        store.close()

    assert document["incidents"] == 0
    assert document["ttr"] == NONE
    assert document["by_month"] == {}
