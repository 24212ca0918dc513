"""The last call with a number, on the ringing card's first paint, and how its line reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.history import last_call
from app.core.models import Direction, EventType, Record
from app.core.phone import CallerNumber
from app.core.stores import CallRow
from app.core.views import CallState, LastCall
from tests.support import until
from tests.unit.core.fakes import T0, MemoryHistory, build, event

SYDNEY = ZoneInfo("Australia/Sydney")
NOW = datetime(2025, 12, 5, 10, 0, tzinfo=SYDNEY)  # a Friday


def past(**changes: object) -> LastCall:
    base = dict(call_id="p1", started_at=datetime(2025, 12, 2, 14, 3, tzinfo=SYDNEY), direction=Direction.INBOUND,
                state=CallState.ENDED, duration_s=241, note="Sending Ethan's CV Friday", earlier=3)
    base.update(changes)
    return LastCall(**base)  # type: ignore[arg-type]


def test_the_line_says_when_which_way_how_long_and_the_note() -> None:
    assert past().text(NOW) == "Tue 2 Dec · 4 min in · 'Sending Ethan's CV Friday'"
    assert past().earlier_text() == "and 3 earlier calls"
    assert past(earlier=1).earlier_text() == "and 1 earlier call"
    assert past(earlier=0).earlier_text() == ""


def test_recent_days_missed_calls_and_long_notes() -> None:
    today = datetime(2025, 12, 5, 8, 30, tzinfo=SYDNEY)
    short = past(started_at=today, direction=Direction.OUTBOUND, duration_s=40, note="")
    assert short.text(NOW) == "Today 08:30 · 40 s out"
    yesterday = past(started_at=today - timedelta(days=1), state=CallState.MISSED, duration_s=0, note="")
    assert yesterday.text(NOW) == "Yesterday 08:30 · missed"
    unanswered = past(direction=Direction.OUTBOUND, state=CallState.MISSED, duration_s=0, note="")
    assert unanswered.text(NOW) == "Tue 2 Dec · no answer"
    last_year = past(started_at=datetime(2024, 11, 1, 9, 0, tzinfo=SYDNEY), note="x" * 80)
    assert last_year.text(NOW) == f"Fri 1 Nov 2024 · 4 min in · '{'x' * 59}…'"


def test_dated_in_the_recruiters_time_zone() -> None:
    stored = past(started_at=datetime(2025, 12, 2, 22, 0, tzinfo=UTC))  # 09:00 on the 3rd in Sydney
    assert stored.text(NOW).startswith("Wed 3 Dec")


def test_from_history_the_latest_earlier_call_with_the_first_line_of_its_note() -> None:
    history = MemoryHistory()
    for index, call_id in enumerate(["a", "b", "c"]):
        history.save_call(call_id=call_id, number="+61491570006", e164="+61491570006", direction="outbound",
                          state="ended", source="t", started_at=T0 + timedelta(days=index),
                          answered_at=T0 + timedelta(days=index), ended_at=T0 + timedelta(days=index, minutes=4),
                          matches=[], timings={})
    history.save_call(call_id="other", number="+61370100200", e164="+61370100200", direction="inbound",
                      state="missed", source="t", started_at=T0 + timedelta(days=5), answered_at=None, ended_at=None,
                      matches=[], timings={})
    history.calls["c"] = replace(history.calls["c"], notes=[{"text": "\n  Sending Ethan's CV Friday\nThen lunch"}])
    found = last_call(history, "+61491570006", T0 + timedelta(days=9))
    assert found is not None
    assert (found.call_id, found.direction, found.duration_s, found.note, found.earlier) == (
        "c", Direction.OUTBOUND, 240, "Sending Ethan's CV Friday", 2)
    assert last_call(history, "+61491570006", T0) is None  # nothing before the first call


async def test_the_ringing_cards_first_paint_shows_the_last_call_and_the_place() -> None:
    world = build()
    board = world.core.switchboard
    board.handle(event(EventType.RING, call_id="first"))
    board.handle(event(EventType.ANSWER, call_id="first", seconds=5))
    board.handle(event(EventType.HANGUP, call_id="first", seconds=245))
    world.history.calls["first"] = replace(world.history.calls["first"], notes=[{"text": "Sending Ethan's CV Friday"}])
    board.handle(event(EventType.RING, call_id="second", seconds=3600))
    await until(lambda: any(v.call_id == "second" for v in world.listener.views))
    first_paint = next(v for v in world.listener.views if v.call_id == "second")
    assert first_paint.last_call is not None
    assert (first_paint.last_call.call_id, first_paint.last_call.duration_s, first_paint.last_call.note) == (
        "first", 240, "Sending Ethan's CV Friday")
    assert first_paint.place is not None and first_paint.place.country == ""  # an Australian caller, AU desk
    await world.core.tasks.aclose()


async def test_history_is_read_for_the_card_only_once_the_crm_has_been_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # A ring's first loop turns carry the CRMs' requests; reading history before them delayed every answer.
    world = build()
    order: list[str] = []
    recall, ask = world.history.last_call, world.crm.lookup

    def last_call_read(e164: str, before: datetime) -> tuple[CallRow | None, int]:
        order.append("history")
        return recall(e164, before)

    async def lookup(caller: CallerNumber) -> list[Record]:
        order.append("crm")
        return await ask(caller)

    monkeypatch.setattr(world.history, "last_call", last_call_read)
    monkeypatch.setattr(world.crm, "lookup", lookup)
    world.core.switchboard.handle(event(EventType.RING, call_id="one"))
    assert order == []  # handling the ring reads nothing
    await until(lambda: any(v.call_id == "one" for v in world.listener.views))
    assert order == ["crm", "history"]
    first_paint = next(v for v in world.listener.views if v.call_id == "one")
    assert first_paint.place is not None
    await world.core.tasks.aclose()
