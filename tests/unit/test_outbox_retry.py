"""When the outbox tries again and when it gives up: pure functions, no server."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from trustwell.notify.retry import (
    MIN_ATTEMPTS,
    RetryPolicy,
    backoff_delay,
    gives_up,
    next_attempt,
)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class Fixed(random.Random):
    """Draws the same number every time: the top (or bottom) of the jitter range."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


@pytest.mark.parametrize(
    ("failures", "ceiling"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 900), (7, 900), (500, 900)],
)
def test_backoff_doubles_from_30_seconds_up_to_a_15_minute_cap(failures: int, ceiling: int) -> None:
    assert backoff_delay(failures, rng=Fixed(0.999999)) == pytest.approx(
        timedelta(seconds=ceiling), abs=timedelta(milliseconds=1)
    )


def test_backoff_is_full_jitter_but_never_below_one_second() -> None:
    assert backoff_delay(6, rng=Fixed(0.5)) == timedelta(seconds=450)
    assert backoff_delay(6, rng=Fixed(0.0)) == timedelta(seconds=1)


def test_backoff_after_a_hundred_thousand_failures_does_not_overflow() -> None:
    assert backoff_delay(100_000, rng=Fixed(1.0)) == timedelta(minutes=15)


def test_a_message_is_not_given_up_on_inside_its_window() -> None:
    policy = RetryPolicy()  # 24 hours
    inside = T0 + timedelta(hours=23, minutes=59)
    assert not gives_up(policy, queued_at=T0, failed_at=inside, failures=400)
    assert next_attempt(policy, queued_at=T0, failed_at=inside, failures=400, rng=Fixed(1.0)) == (
        inside + timedelta(minutes=15)
    )


def test_a_message_is_given_up_on_once_its_window_has_passed() -> None:
    policy = RetryPolicy(retry_for=timedelta(hours=48))
    assert not gives_up(policy, queued_at=T0, failed_at=T0 + timedelta(hours=47), failures=300)
    assert gives_up(policy, queued_at=T0, failed_at=T0 + timedelta(hours=48), failures=300)
    late = T0 + timedelta(days=3)
    assert next_attempt(policy, queued_at=T0, failed_at=late, failures=300) is None


def test_a_message_past_its_window_still_gets_its_minimum_attempts() -> None:
    # A deliverer that was down for two days, or a dead letter requeued by hand.
    late = T0 + timedelta(days=2)
    policy = RetryPolicy()
    assert not gives_up(policy, queued_at=T0, failed_at=late, failures=MIN_ATTEMPTS - 1)
    assert gives_up(policy, queued_at=T0, failed_at=late, failures=MIN_ATTEMPTS)
