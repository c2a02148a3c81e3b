"""Incident metrics, pure: the document for a known set of incidents, computed by hand."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustwell.metrics import MetricIncident, compute_metrics, quantile, recurring_ids

H = 3600


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def incident(
    number: int,
    severity: str,
    team: str | None,
    source: str,
    *,
    declared: datetime,
    ttd: float | None = 0,
    tta: float | None = None,
    ttr: float | None = None,
    status: str | None = None,
    cause: str | None = None,
    root: str = "raw.orders",
    fingerprints: tuple[str, ...] = (),
    drill: bool = False,
) -> MetricIncident:
    """An incident given by its durations in seconds (None: that time is not set)."""

    def after(seconds: float | None) -> datetime | None:
        return None if seconds is None else declared + timedelta(seconds=seconds)

    return MetricIncident(
        id=f"INC-{number}",
        severity=severity,
        team=team,
        month=declared.strftime("%Y-%m"),
        detection_source=source,
        occurred_at=None if ttd is None else declared - timedelta(seconds=ttd),
        declared_at=declared,
        acknowledged_at=after(tta),
        resolved_at=after(ttr),
        cause=cause,
        root_asset=root,
        fingerprints=fingerprints,
        drill=drill,
        status=status or ("resolved" if ttr is not None else "investigating"),
    )


INCIDENTS = [
    incident(1, "SEV-1", "growth", "check", declared=at(10, 5, 9), ttd=H, tta=600, ttr=2 * H,
             status="closed", cause="upstream-source", fingerprints=("fp-orders-fresh",)),
    incident(2, "SEV-2", "growth", "report", declared=at(10, 10, 12), ttd=6 * H, tta=1800,
             ttr=10 * H, cause="pipeline-bug", root="marts.cac", fingerprints=("fp-cac",)),
    incident(3, "SEV-3", "finance", "anomaly", declared=at(10, 20, 2), ttd=2 * H, tta=300,
             ttr=H, status="closed", cause="late-data", root="raw.payments",
             fingerprints=("fp-pay",)),
    # Same fingerprint as INC-1, resolved 28 days before: recurring.
    incident(4, "SEV-1", "growth", "check", declared=at(11, 2, 9), ttd=1800, tta=120,
             ttr=4 * H, cause="third-party", fingerprints=("fp-orders-fresh",)),
    incident(5, "SEV-2", "growth", "manual", declared=at(11, 5, 10), ttd=0, tta=900,
             root="marts.cac", fingerprints=("fp-cac-manual",)),
    incident(6, "SEV-3", None, "external", declared=at(11, 7, 11), ttd=H, status="declared",
             root="ext.feed"),
    # Same root asset and cause as INC-3: recurring.
    incident(7, "SEV-2", "finance", "report", declared=at(11, 10, 4), ttd=4 * H, tta=600,
             ttr=5 * H, status="closed", cause="late-data", root="raw.payments",
             fingerprints=("fp-pay-2",)),
    # Left out of everything: a drill and a dismissed false positive.
    incident(8, "SEV-1", "growth", "check", declared=at(11, 20), ttd=99 * H, tta=99,
             ttr=99, fingerprints=("fp-orders-fresh",), drill=True),
    incident(9, "SEV-3", "growth", "check", declared=at(11, 21), ttd=5, tta=5,
             status="dismissed", fingerprints=("fp-cac",)),
]  # fmt: skip


def times(median: float | None, p90: float | None) -> dict[str, float | None]:
    return {"median_seconds": median, "p90_seconds": p90}


def sources(**counts: int) -> dict[str, int]:
    return {"check": 0, "anomaly": 0, "report": 0, "manual": 0, "external": 0, **counts}


def bucket(n: int, ttd: Any, tta: Any, ttr: Any, recurring: int, src: Any, share: Any) -> Any:
    return {"incidents": n, "ttd": ttd, "tta": tta, "ttr": ttr, "recurring": recurring,
            "detection_sources": src, "internal_detection_share": share}  # fmt: skip


def rounded(value: Any) -> Any:
    """Floats to 6 places, so hand-computed figures compare exactly."""
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return round(value, 6) if isinstance(value, float) else value


EXPECTED = {
    **bucket(7, times(3600, 17280), times(600, 1350), times(14400, 28800), 2,
             sources(check=2, anomaly=1, report=2, manual=1, external=1), 5 / 7),
    "by_severity": {
        "SEV-1": bucket(2, times(2700, 3420), times(360, 552), times(10800, 13680), 1,
                        sources(check=2), 1.0),
        "SEV-2": bucket(3, times(14400, 20160), times(900, 1620), times(27000, 34200), 1,
                        sources(report=2, manual=1), 1 / 3),
        "SEV-3": bucket(2, times(5400, 6840), times(300, 300), times(3600, 3600), 0,
                        sources(anomaly=1, external=1), 1.0),
    },
    "by_team": {
        "finance": bucket(2, times(10800, 13680), times(450, 570), times(10800, 16560), 1,
                          sources(anomaly=1, report=1), 0.5),
        "growth": bucket(4, times(2700, 16200), times(750, 1530), times(14400, 31680), 1,
                         sources(check=2, report=1, manual=1), 0.75),
        "unowned": bucket(1, times(3600, 3600), times(None, None), times(None, None), 0,
                          sources(external=1), 1.0),
    },
    "by_month": {
        "2026-10": bucket(3, times(7200, 18720), times(600, 1560), times(7200, 30240), 0,
                          sources(check=1, report=1, anomaly=1), 2 / 3),
        "2026-11": bucket(4, times(2700, 11160), times(600, 840), times(16200, 17640), 2,
                          sources(check=1, manual=1, external=1, report=1), 0.75),
    },
}  # fmt: skip


def test_metrics_document_matches_hand_computed_figures() -> None:
    assert rounded(compute_metrics(INCIDENTS)) == rounded(EXPECTED)


def test_groups_keep_a_stable_order_for_charts() -> None:
    document = compute_metrics(INCIDENTS)

    assert list(document) == [
        "incidents", "ttd", "tta", "ttr", "recurring", "detection_sources",
        "internal_detection_share", "by_severity", "by_team", "by_month",
    ]  # fmt: skip
    assert list(document["by_severity"]) == ["SEV-1", "SEV-2", "SEV-3"]
    assert list(document["detection_sources"]) == [
        "check", "anomaly", "report", "manual", "external",
    ]  # fmt: skip


def test_since_reports_later_incidents_but_earlier_ones_still_make_them_recurring() -> None:
    document = compute_metrics(INCIDENTS, since=at(11, 1))

    assert rounded(document) == rounded(
        {**EXPECTED["by_month"]["2026-11"],
         "by_severity": {
             "SEV-1": bucket(1, times(1800, 1800), times(120, 120), times(14400, 14400), 1,
                             sources(check=1), 1.0),
             "SEV-2": bucket(2, times(7200, 12960), times(750, 870), times(18000, 18000), 1,
                             sources(manual=1, report=1), 0.5),
             "SEV-3": bucket(1, times(3600, 3600), times(None, None), times(None, None), 0,
                             sources(external=1), 1.0),
         },
         "by_team": {
             "finance": bucket(1, times(14400, 14400), times(600, 600), times(18000, 18000), 1,
                               sources(report=1), 0.0),
             "growth": bucket(2, times(900, 1620), times(510, 822), times(14400, 14400), 1,
                              sources(check=1, manual=1), 1.0),
             "unowned": bucket(1, times(3600, 3600), times(None, None), times(None, None), 0,
                               sources(external=1), 1.0),
         },
         "by_month": {"2026-11": EXPECTED["by_month"]["2026-11"]}}
    )  # fmt: skip


def test_drills_and_dismissed_incidents_are_left_out_entirely() -> None:
    only_excluded = [i for i in INCIDENTS if i.id in ("INC-8", "INC-9")]

    document = compute_metrics(only_excluded)

    assert document["incidents"] == 0
    assert document["by_team"] == {}
    assert document["by_month"] == {}
    assert document["internal_detection_share"] is None


def test_no_incidents_gives_null_times_and_zero_counts_for_every_severity() -> None:
    empty = bucket(0, times(None, None), times(None, None), times(None, None), 0, sources(), None)

    assert compute_metrics([]) == {
        **empty,
        "by_severity": {"SEV-1": empty, "SEV-2": empty, "SEV-3": empty},
        "by_team": {},
        "by_month": {},
    }


def test_quiet_months_between_busy_ones_show_as_zero() -> None:
    december, february = at(12, 3), datetime(2027, 2, 1, tzinfo=UTC)
    pair = [incident(1, "SEV-3", "t", "check", declared=december),
            incident(2, "SEV-3", "t", "check", declared=february)]  # fmt: skip

    by_month = compute_metrics(pair)["by_month"]

    assert list(by_month) == ["2026-12", "2027-01", "2027-02"]
    assert by_month["2027-01"]["incidents"] == 0
    assert by_month["2027-01"]["internal_detection_share"] is None


def test_reopened_incident_has_no_time_to_resolve() -> None:
    reopened = incident(1, "SEV-2", "t", "check", declared=at(11, 2), ttr=H, status="investigating")

    assert compute_metrics([reopened])["ttr"] == times(None, None)


def test_internal_detection_share_counts_everything_but_reports() -> None:
    kinds = ["check", "anomaly", "manual", "external", "report"]
    found = [incident(n, "SEV-3", "t", kind, declared=at(11, n)) for n, kind in enumerate(kinds, 1)]

    assert compute_metrics(found)["internal_detection_share"] == 0.8


# --- recurrence ---------------------------------------------------------------------

EARLIER = incident(1, "SEV-2", "t", "check", declared=at(8, 1), ttr=H, cause="schema-change",
                   root="raw.orders", fingerprints=("fp-a",))  # fmt: skip
RESOLVED = EARLIER.resolved_at or at(1, 1)


def later(gap: timedelta, **changes: Any) -> MetricIncident:
    base = incident(2, "SEV-2", "t", "check", declared=RESOLVED + gap, root="raw.other",
                    fingerprints=("fp-b",))  # fmt: skip
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("case", "earlier", "repeat", "recurring"),
    [
        ("same fingerprint", EARLIER, later(timedelta(days=10), fingerprints=("fp-a",)), True),
        ("same root and cause", EARLIER,
         later(timedelta(days=10), root_asset="raw.orders", cause="schema-change"), True),
        ("exactly 90 days", EARLIER, later(timedelta(days=90), fingerprints=("fp-a",)), True),
        ("91 days", EARLIER, later(timedelta(days=91), fingerprints=("fp-a",)), False),
        ("same root, other cause", EARLIER,
         later(timedelta(days=10), root_asset="raw.orders", cause="late-data"), False),
        ("same root, cause not known yet", EARLIER,
         later(timedelta(days=10), root_asset="raw.orders"), False),
        ("same root, cause 'unknown'", replace(EARLIER, cause="unknown"),
         later(timedelta(days=10), root_asset="raw.orders", cause="unknown"), False),
        ("earlier never resolved", replace(EARLIER, resolved_at=None, status="investigating"),
         later(timedelta(days=10), fingerprints=("fp-a",)), False),
        ("earlier reopened", replace(EARLIER, status="investigating"),
         later(timedelta(days=10), fingerprints=("fp-a",)), False),
        ("earlier resolved after the later was declared", EARLIER,
         later(-timedelta(minutes=1), fingerprints=("fp-a",)), False),
        ("earlier a drill", replace(EARLIER, drill=True),
         later(timedelta(days=10), fingerprints=("fp-a",)), False),
        ("earlier dismissed", replace(EARLIER, status="dismissed"),
         later(timedelta(days=10), fingerprints=("fp-a",)), False),
        ("unrelated", EARLIER, later(timedelta(days=10)), False),
    ],
)  # fmt: skip
def test_recurring_means_matching_an_incident_resolved_in_the_previous_90_days(
    case: str, earlier: MetricIncident, repeat: MetricIncident, recurring: bool
) -> None:
    assert recurring_ids([earlier, repeat]) == ({"INC-2"} if recurring else set()), case
    assert compute_metrics([earlier, repeat])["recurring"] == int(recurring), case


def test_the_first_of_two_incidents_does_not_recur_from_the_second() -> None:
    repeat = later(timedelta(days=1), fingerprints=("fp-a",), status="resolved",
                   resolved_at=RESOLVED + timedelta(days=2))  # fmt: skip

    assert recurring_ids([EARLIER, repeat]) == {"INC-2"}


# --- percentiles --------------------------------------------------------------------


def test_quantile_interpolates_linearly_between_closest_ranks() -> None:
    assert quantile([1, 2, 3, 4], 0.5) == 2.5
    assert quantile([10, 20, 30, 40], 0.9) == 37.0
    assert quantile([7], 0.9) == 7.0
    assert quantile([], 0.9) is None
    with pytest.raises(ValueError, match=r"^quantile 1\.5 is not between 0 and 1"):
        quantile([1], 1.5)


durations = st.lists(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False), min_size=1
)


@given(durations)
def test_median_lies_between_min_and_max_and_p90_is_not_below_it(values: list[float]) -> None:
    median, p90 = quantile(values, 0.5), quantile(values, 0.9)

    assert median is not None and p90 is not None
    assert min(values) <= median <= max(values)
    assert median <= p90 <= max(values)
    assert median == pytest.approx(statistics.median(values), rel=1e-9, abs=1e-6)


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=2))
def test_p90_is_statistics_quantiles_inclusive(values: list[int]) -> None:
    expected = statistics.quantiles(values, n=10, method="inclusive")[8]

    assert quantile(values, 0.9) == pytest.approx(expected, rel=1e-9, abs=1e-6)
