"""The per-account pacer: slots 1/rate apart per lane, telephony in its own faster lane, a throttle
holds every lane back, and one pacer per retailCRM host."""

from __future__ import annotations

import pytest

from app.crm.retailcrm.pacer import Pacer, lane, pacer_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("path", "expected"), [
    ("/telephony/manager", "telephony"), ("/api/v5/telephony/calls/upload", "telephony"),
    ("https://shop.retailcrm.ru/api/v5/telephony/call/event", "telephony"),
    ("/customers", "general"), ("/api/v5/integration-modules/ringside/edit", "general"),
])
def test_telephony_methods_have_their_own_lane(path: str, expected: str) -> None:
    assert lane(path) == expected


def test_fifty_requests_started_at_once_go_out_a_tenth_of_a_second_apart() -> None:
    pacer = Pacer(clock=Clock())
    waits = [pacer.reserve("/customers") for _ in range(50)]
    assert waits == pytest.approx([n / 10 for n in range(50)])


def test_the_telephony_lane_runs_at_forty_a_second_beside_the_general_one() -> None:
    pacer = Pacer(clock=Clock())
    assert [pacer.reserve("/telephony/calls/upload") for _ in range(3)] == pytest.approx([0, 0.025, 0.05])
    assert pacer.reserve("/users/12") == 0  # its own lane, not held up by telephony


def test_an_idle_pacer_lets_the_next_request_go_at_once() -> None:
    clock = Clock()
    pacer = Pacer(clock=clock)
    pacer.reserve("/customers")
    clock.now += 5
    assert pacer.reserve("/customers") == 0


def test_a_throttle_holds_every_lane_of_the_account() -> None:
    pacer = Pacer(clock=Clock())
    pacer.hold(2.0)
    assert pacer.reserve("/customers") == pytest.approx(2.0)
    assert pacer.reserve("/telephony/manager") == pytest.approx(2.0)


def test_one_pacer_per_retailcrm_host() -> None:
    first = pacer_for("https://shop.retailcrm.ru/api/v5")
    assert pacer_for("https://SHOP.retailcrm.ru") is first
    assert pacer_for("https://other.retailcrm.ru") is not first
