"""``occurred_at``: when the data went bad, estimated as SPEC section 3 says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustwell.metrics import estimate_occurred_at

DECLARED = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


def hours_before(hours: float) -> datetime:
    return DECLARED - timedelta(hours=hours)


def test_freshness_failure_occurred_when_max_column_plus_max_age_passed() -> None:
    latest = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)

    assert estimate_occurred_at("freshness", "26h", latest, [], DECLARED) == datetime(
        2026, 11, 3, 8, 0, tzinfo=UTC
    )
    assert estimate_occurred_at("freshness", timedelta(hours=26), latest, [], DECLARED) == (
        datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    )


def test_freshness_of_an_empty_table_falls_back_to_the_check_history() -> None:
    history = [(hours_before(5), "pass"), (hours_before(1), "fail")]

    assert estimate_occurred_at("freshness", "26h", None, history, DECLARED) == hours_before(5)


def test_other_check_occurred_at_its_last_passing_run_before_the_failure() -> None:
    history = [
        (hours_before(4), "pass"),
        (hours_before(3), "fail"),
        (hours_before(2), "pass"),  # flapped: the data was known good here
        (hours_before(1), "warn"),
        (hours_before(0.5), "error"),
        (hours_before(0), "fail"),
        (DECLARED + timedelta(hours=1), "pass"),  # after the declaration: ignored
    ]

    assert estimate_occurred_at("not_null", None, None, history, DECLARED) == hours_before(2)


def test_history_order_does_not_matter() -> None:
    history = [(hours_before(0), "fail"), (hours_before(6), "pass"), (hours_before(8), "pass")]

    assert estimate_occurred_at("row_count", None, None, history, DECLARED) == hours_before(6)


def test_check_that_never_passed_occurred_at_its_first_failing_run() -> None:
    history = [(hours_before(2), "error"), (hours_before(3), "fail"), (hours_before(1), "fail")]

    assert estimate_occurred_at("unique", None, None, history, DECLARED) == hours_before(3)


@pytest.mark.parametrize("history", [[], [(hours_before(1), "pass")]])
def test_check_without_a_stored_failure_falls_back_to_declared_at(
    history: list[tuple[datetime, str]],
) -> None:
    assert estimate_occurred_at("unique", None, None, history, DECLARED) == DECLARED


def test_report_takes_what_the_reporter_gives_else_declared_at() -> None:
    given = hours_before(30)

    assert estimate_occurred_at(None, None, None, [], DECLARED, given=given) == given
    assert estimate_occurred_at(None, None, None, [], DECLARED) == DECLARED


def test_estimate_is_never_later_than_the_declaration() -> None:
    fresh_until = DECLARED + timedelta(hours=2)  # a freshness failure the clock disagrees with

    assert estimate_occurred_at("freshness", "1h", fresh_until, [], DECLARED) == DECLARED
