"""core.switchboard against in-memory ports: what the recruiter sees as a call rings, is answered and
ends, and what is saved."""

from __future__ import annotations

import asyncio

import pytest

from app.core.models import EventType, LookupStatus, NoteStatus, Record
from app.core.phone import CallerNumber, NumberKind
from app.core.views import CallState, TrayState
from tests.support import until
from tests.unit.core.fakes import PRIYA, PRIYA_RECORD, build, event


async def test_a_call_rings_is_looked_up_answered_ended_and_its_note_queued() -> None:
    world = build()
    board, seen = world.core.switchboard, world.listener

    assert board.handle(event(EventType.RING)) == "c1"
    await until(lambda: seen.views and seen.latest("c1").complete, what="the lookup to be shown")
    card = seen.latest("c1")
    assert card.state is CallState.RINGING and card.e164 == PRIYA
    assert [(a.status, a.records) for a in card.accounts] == [(LookupStatus.FOUND, (PRIYA_RECORD,))]
    assert world.crm.lookups == [PRIYA]
    assert seen.tray[-1][0] is TrayState.RINGING

    board.handle(event(EventType.ANSWER, seconds=5))
    assert seen.latest("c1").state is CallState.ANSWERED
    assert seen.tray[-1][0] is TrayState.IN_CALL

    board.handle(event(EventType.HANGUP, seconds=65))
    [form] = seen.note_requests
    assert form.state is CallState.ENDED and form.duration_s == 60 and form.chosen() == [PRIYA_RECORD]
    assert seen.tray[-1][0] is TrayState.IDLE
    assert world.history.calls["c1"].state == "ended"

    assert await world.core.controls.save_note("c1", "Keen on the Sydney role.", [PRIYA_RECORD.key])
    [row] = world.notes.rows.values()
    assert (row.status, row.draft.text, row.draft.duration_s) == (NoteStatus.PENDING, "Keen on the Sydney role.", 60)
    assert [n.status for n in seen.latest("c1").notes] == [NoteStatus.PENDING]


async def test_with_auto_log_the_note_is_queued_at_hang_up_without_a_form() -> None:
    world = build(auto_log=True)
    board = world.core.switchboard
    board.handle(event(EventType.RING))
    await until(lambda: world.listener.views and world.listener.latest("c1").complete)
    board.handle(event(EventType.ANSWER, seconds=1))
    board.handle(event(EventType.HANGUP, seconds=31))
    assert world.listener.note_requests == []
    await until(lambda: len(world.notes.rows) == 1, what="the note to be queued")
    [row] = world.notes.rows.values()
    assert row.status is NoteStatus.PENDING and row.draft.record == PRIYA_RECORD


async def test_a_repeated_ring_is_the_same_call() -> None:
    world = build()
    board = world.core.switchboard
    call_id = board.handle(event(EventType.RING, call_id=None))
    assert call_id is not None and board.handle(event(EventType.RING, call_id=None)) == call_id
    assert await world.core.book.stored(call_id) is None
    assert len(world.history.calls) == 1


async def test_a_missed_call_asks_for_no_note_and_goes_on_the_callback_list() -> None:
    world = build()
    board, seen = world.core.switchboard, world.listener
    board.handle(event(EventType.RING))
    await until(lambda: seen.views and seen.latest("c1").complete)
    board.handle(event(EventType.HANGUP, seconds=20))
    assert seen.latest("c1").state is CallState.MISSED
    assert seen.note_requests == []
    [missed] = world.core.controls.missed_calls()
    assert (missed.e164, missed.count, missed.call_id) == (PRIYA, 1, "c1")
    await world.core.controls.dismiss_missed(missed.key)
    assert world.core.controls.missed_calls() == []


async def test_a_hang_up_for_an_unknown_call_is_ignored() -> None:
    world = build()
    assert world.core.switchboard.handle(event(EventType.HANGUP, call_id="nobody")) is None
    assert world.listener.views == [] and world.history.calls == {}


@pytest.mark.parametrize(("number", "kind", "shown"), [
    ("", NumberKind.WITHHELD, "Withheld number"),
    ("sip:anonymous@anonymous.invalid", NumberKind.WITHHELD, "Withheld number"),
    ("204", NumberKind.EXTENSION, "Extension 204"),
])
async def test_a_withheld_or_extension_caller_rings_a_call_that_asks_no_crm(
    number: str, kind: NumberKind, shown: str
) -> None:
    world = build()
    board, seen = world.core.switchboard, world.listener
    assert board.handle(event(EventType.RING, number=number)) == "c1"
    card = seen.latest("c1")  # shown at once: there is nothing to wait for
    assert (card.state, card.number_kind, card.number_display, card.e164) == (CallState.RINGING, kind, shown, None)
    assert card.invalid_reason is None and card.accounts == ()  # said by the number itself, not as an error
    board.handle(event(EventType.ANSWER, number=number, seconds=3))
    board.handle(event(EventType.HANGUP, number=number, seconds=40))
    assert seen.latest("c1").state is CallState.ENDED
    assert world.crm.lookups == [] and seen.note_requests == [] and world.errors == []
    assert world.history.calls["c1"].e164 is None and world.history.calls["c1"].state == "ended"


async def test_a_number_that_is_not_a_number_pops_a_card_without_a_lookup() -> None:
    world = build()
    world.core.switchboard.handle(event(EventType.RING, number="call me"))  # shown at once: nothing to ask
    card = world.listener.latest("c1")
    assert card.e164 is None and card.invalid_reason and world.crm.lookups == []
    # A withheld caller pops a card too, saying so rather than showing an error, and is saved to history.
    world.core.switchboard.handle(event(EventType.RING, number="anonymous", call_id="c2"))
    withheld = world.listener.latest("c2")
    assert (withheld.number_display, withheld.invalid_reason) == ("Withheld number", None)
    assert "c2" in world.history.calls and world.crm.lookups == []


async def test_it_says_while_a_calls_lookups_are_in_flight() -> None:
    world = build()
    board = world.core.switchboard
    held = asyncio.Event()
    answer = world.crm.lookup

    async def slow_lookup(caller: CallerNumber) -> list[Record]:
        await held.wait()
        return await answer(caller)

    world.crm.lookup = slow_lookup  # type: ignore[method-assign]
    assert not board.lookups_in_flight
    board.handle(event(EventType.RING))
    await until(lambda: world.crm.lookups == [] and board.lookups_in_flight, what="the lookup to start")
    held.set()
    await until(lambda: not board.lookups_in_flight, what="the lookup to finish")
    assert world.listener.latest("c1").complete


async def test_a_ring_is_written_once_its_requests_are_out_and_stored_waits_for_that() -> None:
    # A source that answers someone says "ok" only once the call is in history.
    world = build()
    call_id = world.core.switchboard.handle(event(EventType.RING))
    assert call_id is not None
    assert world.history.calls == {}  # the CRM's request goes first
    assert await world.core.book.stored(call_id) is None
    assert world.history.calls[call_id].state == "ringing"
    assert world.crm.lookups == ["+61491570006"]


async def test_a_ring_of_the_last_moment_is_written_when_the_app_stops_before_the_loop_turns() -> None:
    world = build()
    call_id = world.core.switchboard.handle(event(EventType.RING))
    assert call_id is not None
    world.core.book.write_held()  # what stopping does before the database closes
    assert world.history.calls[call_id].state == "ringing"
    assert await world.core.book.stored(call_id) is None
