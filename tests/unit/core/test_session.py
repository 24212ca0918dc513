from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.models import Direction
from app.core.phone import NumberKind
from app.core.session import CallSession
from app.core.views import CallState
from tests.support import caller

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def start(number: str = "0412345678") -> CallSession:
    return CallSession.start(number=caller(number), direction=Direction.INBOUND, source="test", at=T0,
                             default_region="AU")


def test_ring_answer_hangup_counts_duration_from_answer() -> None:
    session = start()
    assert session.state is CallState.RINGING
    assert session.answer(T0 + timedelta(seconds=7))
    assert session.state is CallState.ANSWERED
    assert session.hang_up(T0 + timedelta(seconds=7 + 252))
    assert session.state is CallState.ENDED
    assert session.duration_s == 252


def test_hangup_without_answer_is_missed_with_no_duration() -> None:
    session = start()
    session.hang_up(T0 + timedelta(seconds=20))
    assert session.state is CallState.MISSED
    assert session.duration_s == 0


def test_repeated_and_late_events_change_nothing() -> None:
    session = start()
    session.answer(T0 + timedelta(seconds=5))
    assert not session.answer(T0 + timedelta(seconds=9))
    session.hang_up(T0 + timedelta(seconds=65))
    assert not session.hang_up(T0 + timedelta(seconds=99))
    assert not session.answer(T0 + timedelta(seconds=100))
    assert session.duration_s == 60


def test_an_unreadable_number_is_kept_with_its_reason() -> None:
    session = start("abc")
    assert session.e164 is None and session.number.kind is NumberKind.UNREADABLE
    reason = session.number.why_not_looked_up
    assert reason is not None and "not a phone number" in reason
    view = session.view()
    assert view.number_display == "abc" and view.e164 is None and view.invalid_reason == reason


def test_a_withheld_or_extension_caller_is_a_call_that_says_so() -> None:
    withheld = start("anonymous").view()
    assert (withheld.number_display, withheld.e164, withheld.number_kind) == ("Withheld number", None,
                                                                              NumberKind.WITHHELD)
    assert withheld.invalid_reason == "The caller's number is withheld."
    extension = start("204").view()
    assert (extension.number_display, extension.e164, extension.number_kind) == ("Extension 204", None,
                                                                                 NumberKind.EXTENSION)


def test_view_formats_the_number_for_humans() -> None:
    assert start().view().number_display == "0412 345 678"
