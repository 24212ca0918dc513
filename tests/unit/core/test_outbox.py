"""How long the outbox waits before trying a note again."""

from __future__ import annotations

import pytest

from app.core.outbox import RETRY_AFTER_CAP_S, backoff


@pytest.mark.parametrize("attempts", range(6))
def test_waits_double_with_jitter(attempts: int) -> None:
    base = 2.0 * 2**attempts
    for _ in range(50):
        assert 0.75 * base <= backoff(attempts) <= 1.25 * base


def test_waits_stop_growing_at_the_maximum() -> None:
    assert backoff(40, initial=0.05, maximum=0.5) <= 0.5 * 1.25
    assert backoff(10**6) <= 300 * 1.25  # no overflow for a note tried for ever


def test_the_crms_retry_after_wins_even_beyond_the_maximum() -> None:
    assert backoff(0, 1.0, initial=0.05, maximum=0.2) == 1.0
    assert backoff(3, 0.0) == 0.0
    assert backoff(0, -5.0) == 0.0
    assert backoff(0, 10 * 86400.0) == RETRY_AFTER_CAP_S  # a day's silence is taken as a mistake
