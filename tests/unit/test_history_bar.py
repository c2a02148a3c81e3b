"""The 90-day trust history bar, pure: day states from counts and incident spans."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from trustwell.status.history_bar import (
    HISTORY_DAYS,
    DayResults,
    IncidentSpan,
    history_bar,
    summary,
    window,
)

TODAY = date(2026, 11, 22)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def test_ninety_cells_end_today_oldest_first_and_say_no_data_without_results() -> None:
    cells = history_bar(TODAY, {})
    assert len(cells) == HISTORY_DAYS == 90
    assert cells[-1].day == TODAY
    assert cells[0].day == TODAY - timedelta(days=89)
    assert [c.day for c in cells] == sorted(c.day for c in cells)
    assert {c.state for c in cells} == {"no_data"}
    assert cells[-1].label == "Sun 22 Nov: no data"


def test_the_worst_of_the_day_wins_incident_then_warning_then_trusted() -> None:
    yesterday, before = TODAY - timedelta(days=1), TODAY - timedelta(days=2)
    results = {
        TODAY: DayResults(total=48),
        yesterday: DayResults(total=48, failed=2, warned=1),
        before: DayResults(total=48, warned=3),
    }
    # INC-7 was open on the day before yesterday only: it outranks that day's warnings
    spans = [IncidentSpan("INC-7", at(before, 10), at(before, 18))]
    cells = {c.day: c for c in history_bar(TODAY, results, spans)}
    assert (cells[TODAY].state, cells[TODAY].reason) == ("trusted", "all 48 results passed")
    assert cells[yesterday].state == "warning"
    assert cells[yesterday].reason == "2 failed and 1 warned of 48 results"
    assert (cells[before].state, cells[before].reason) == ("incident", "INC-7 was open")
    assert cells[before].label == "Fri 20 Nov: incident (INC-7 was open)"


def test_an_incident_counts_on_every_day_it_was_open_and_an_open_one_until_today() -> None:
    long_ago = TODAY - timedelta(days=200)
    spans = [
        IncidentSpan(
            "INC-2", at(TODAY - timedelta(days=5), 23, 30), at(TODAY - timedelta(days=3), 0)
        ),
        IncidentSpan("INC-10", at(TODAY - timedelta(days=1), 8), None),
        IncidentSpan("INC-1", at(long_ago, 8), at(long_ago, 9)),  # before the window
    ]
    cells = history_bar(TODAY, {}, spans)
    by_day = {(TODAY - c.day).days: c for c in cells}
    assert [by_day[d].state for d in (6, 5, 4, 3, 2, 1, 0)] == [
        "no_data",
        "incident",
        "incident",
        "incident",  # resolved at midnight: it was open at the day's first moment
        "no_data",
        "incident",
        "incident",
    ]
    assert by_day[0].reason == "INC-10 was open"
    assert sum(c.state == "incident" for c in cells) == 5


def test_several_incidents_on_a_day_are_named_in_number_order_up_to_three() -> None:
    spans = [IncidentSpan(f"INC-{n}", at(TODAY, 1), at(TODAY, 2)) for n in (12, 3, 40, 9)]
    (cell,) = history_bar(TODAY, {TODAY: DayResults(5)}, spans, days=1)
    assert cell.reason == "INC-3, INC-9, INC-12 and 1 more were open"


def test_window_and_summary() -> None:
    start, end = window(TODAY)
    assert start == datetime(2026, 8, 25, tzinfo=UTC)
    assert end == datetime(2026, 11, 23, tzinfo=UTC)
    assert (end - start).days == 90
    cells = history_bar(TODAY, {TODAY: DayResults(1), TODAY - timedelta(days=1): DayResults(2, 1)})
    assert cells[-1].reason == "1 result passed"
    assert summary(cells) == "last 90 days: 1 trusted, 1 warning, 88 no data"
