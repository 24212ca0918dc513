"""Back-off after failed sign-ins: per source, failures only, cleared by a success."""

from __future__ import annotations

from app.crm._shared.failed_attempts import FailedAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_source_is_locked_after_its_free_failures_for_doubling_times_up_to_the_cap() -> None:
    clock = Clock()
    attempts = FailedAttempts(free=3, first_lock_s=1.0, max_lock_s=8.0, clock=clock)
    for _ in range(3):
        attempts.failed("203.0.113.9")
    assert attempts.locked_for("203.0.113.9") == 0
    waits = []
    for _ in range(6):
        attempts.failed("203.0.113.9")
        waits.append(attempts.locked_for("203.0.113.9"))
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    clock.now += 8.0
    assert attempts.locked_for("203.0.113.9") == 0


def test_others_are_never_locked_by_someone_elses_failures_and_a_success_clears_a_record() -> None:
    attempts = FailedAttempts(free=1, clock=Clock())
    for _ in range(20):
        attempts.failed("attacker")
    assert attempts.locked_for("attacker") > 0
    assert attempts.locked_for("retailcrm") == 0
    attempts.failed("retailcrm")  # one typo
    attempts.succeeded("retailcrm")
    attempts.failed("retailcrm")
    assert attempts.locked_for("retailcrm") == 0
