"""core.dialing: how a dialled call meets the softphone's report of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.dialing import LINK_WINDOW_S, DialLinks
from app.core.models import CallEvent, Direction, EventType
from app.core.session import CallSession
from tests.support import caller

PRIYA = "+61491570006"
T0 = datetime(2025, 3, 4, 3, 2, tzinfo=UTC)


# -- DialLinks ------------------------------------------------------------------------------------


def dialled(call_id: str = "ours-1", number: str = PRIYA, at: datetime = T0) -> CallSession:
    return CallSession.start(number=caller(number), direction=Direction.OUTBOUND, source="baresip", at=at,
                             default_region="AU", call_id=call_id)


def reported(call_id: str, *, number: str = PRIYA, direction: Direction = Direction.OUTBOUND,
             at: datetime = T0 + timedelta(seconds=1)) -> CallEvent:
    return CallEvent(type=EventType.RING, number=caller(number), direction=direction, call_id=call_id, source="baresip",
                     at=at)


def test_the_softphones_report_pairs_with_the_newest_waiting_call_for_that_number() -> None:
    links = DialLinks()
    older, newer = dialled("ours-1"), dialled("ours-2")
    sessions = {s.call_id: s for s in (older, newer)}
    links.expect("ours-1", PRIYA)
    links.expect("ours-2", PRIYA)
    assert links.match(reported("sip-9", number="0491 570 006"), sessions) == "ours-2"
    assert links.remote_id("ours-2") == "sip-9"
    assert links.match(reported("sip-9"), sessions) == "ours-2"  # its later events too
    assert links.match(reported("sip-10"), sessions) == "ours-1"


def test_what_does_not_pair() -> None:
    links = DialLinks()
    session = dialled()
    sessions = {session.call_id: session}
    links.expect(session.call_id, PRIYA)
    assert links.match(reported("in-1", direction=Direction.INBOUND), sessions) is None
    assert links.match(reported("x-1", number="+61491570159"), sessions) is None
    late = T0 + timedelta(seconds=LINK_WINDOW_S + 1)
    assert links.match(reported("x-2", at=late), sessions) is None
    session.hang_up(T0 + timedelta(seconds=2))  # a dial that failed is not waiting any more
    assert links.match(reported("x-3"), sessions) is None
    assert links.remote_id(session.call_id) is None
