"""core.controls against in-memory ports: notes sent, retried and confirmed; calls dialled, answered
and hung up from the card; what the recruiter is told when something can't be done."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.core.models import Direction, EventType, NoteStatus
from app.core.views import CallState, TrayState
from app.errors import Rejected, Unavailable
from tests.support import until
from tests.unit.core.fakes import PRIYA, PRIYA_RECORD, FakeDialer, World, build, event


@pytest.fixture
async def world() -> AsyncIterator[World]:
    world = build()
    delivery = asyncio.get_running_loop().create_task(world.outbox.run())
    yield world
    delivery.cancel()
    await asyncio.gather(delivery, return_exceptions=True)
    await world.core.tasks.aclose()


async def ended_call(world: World) -> str:
    board = world.core.switchboard
    board.handle(event(EventType.RING))
    await until(lambda: world.listener.views and world.listener.latest("c1").complete)
    board.handle(event(EventType.ANSWER, seconds=1))
    board.handle(event(EventType.HANGUP, seconds=91))
    return "c1"


def note_status(world: World, call_id: str) -> list[NoteStatus | None]:
    return [n.status for n in world.listener.latest(call_id).notes]


async def test_a_saved_note_is_logged_and_the_card_says_so(world: World) -> None:
    call_id = await ended_call(world)
    world.core.controls.save_note(call_id, "Wants a callback on Friday.", [PRIYA_RECORD.key])
    await until(lambda: note_status(world, call_id) == [NoteStatus.LOGGED], what="the note to be logged")
    [draft] = world.crm.logged
    assert (draft.text, draft.duration_s, draft.direction) == ("Wants a callback on Friday.", 90, Direction.INBOUND)
    assert world.listener.tray[-1][0] is TrayState.IDLE


async def test_a_failed_note_needs_attention_until_it_is_retried(world: World) -> None:
    call_id = await ended_call(world)
    world.crm.fail_with = Rejected("Recruit Wizard refused the note: the candidate is archived.", status=400)
    world.core.controls.save_note(call_id, "Left a voicemail.", [PRIYA_RECORD.key])
    await until(lambda: note_status(world, call_id) == [NoteStatus.FAILED], what="the note to fail")
    [target] = world.listener.latest(call_id).notes
    assert "the candidate is archived" in target.message
    assert world.listener.tray[-1] == (TrayState.ATTENTION, "1 note(s) need you: failed, or to be checked in the CRM")

    world.crm.fail_with = None
    world.core.controls.retry_note(call_id, PRIYA_RECORD.key)
    await until(lambda: note_status(world, call_id) == [NoteStatus.LOGGED], what="the retried note to be logged")
    assert [d.text for d in world.crm.logged] == ["Left a voicemail."]
    assert world.listener.tray[-1][0] is TrayState.IDLE


async def test_an_unconfirmed_note_is_confirmed_without_being_sent_again(world: World) -> None:
    call_id = await ended_call(world)
    world.crm.fail_with = Unavailable("The connection broke after the note was sent.", sent=True)
    world.core.controls.save_note(call_id, "Offer accepted.", [PRIYA_RECORD.key])
    await until(lambda: note_status(world, call_id) == [NoteStatus.UNCONFIRMED], what="the outcome to be unknown")
    assert world.listener.tray[-1][0] is TrayState.ATTENTION

    world.core.controls.confirm_note(call_id, PRIYA_RECORD.key)
    await until(lambda: note_status(world, call_id) == [NoteStatus.LOGGED])
    assert world.crm.logged == []  # the recruiter found it in the CRM: never resent
    assert world.listener.tray[-1][0] is TrayState.IDLE


async def test_deciding_on_a_note_that_changed_meanwhile_says_nothing_was_done(world: World) -> None:
    call_id = await ended_call(world)
    world.core.controls.save_note(call_id, "Logged.", [PRIYA_RECORD.key])
    await until(lambda: note_status(world, call_id) == [NoteStatus.LOGGED])
    await world.core.controls.retry_note(call_id, PRIYA_RECORD.key)
    assert world.listener.messages[-1] == ("That note has changed meanwhile; nothing was done.", False)
    assert len(world.crm.logged) == 1


async def test_a_note_for_a_call_no_longer_anywhere_is_refused_with_a_message(world: World) -> None:
    assert not await world.core.controls.save_note("gone", "Text.", ["rw:candidate:7"])
    assert world.listener.messages == [("That call is no longer in history; its note could not be saved.", True)]


async def test_dialling_pops_the_outbound_card_and_its_buttons_record_the_call(world: World) -> None:
    dialer = FakeDialer()
    world.core.switchboard.set_dialer(dialer)
    call_id = await world.core.switchboard.place_call("0491 570 006")
    assert [n.e164 for n in dialer.dialled] == [PRIYA]
    await until(lambda: any(v.call_id == call_id for v in world.listener.views), what="the card")
    card = world.listener.latest(call_id)
    assert (card.direction, card.state, card.manual, card.can_answer) == (
        Direction.OUTBOUND, CallState.RINGING, True, True)

    world.core.controls.answer(call_id)
    await until(lambda: world.listener.latest(call_id).state is CallState.ANSWERED, what="the answer")
    world.core.controls.hang_up(call_id)
    await until(lambda: world.listener.latest(call_id).state is CallState.ENDED, what="the hang-up")
    assert [v.call_id for v in world.listener.note_requests] == [call_id]


async def test_dial_from_the_tray_goes_through_the_dialer(world: World) -> None:
    dialer = FakeDialer()
    world.core.switchboard.set_dialer(dialer)
    world.core.controls.dial("+61 491 570 006")
    await until(lambda: dialer.dialled, what="the dial")
    assert [v.direction for v in world.listener.views][-1] is Direction.OUTBOUND


async def test_without_a_dialer_dialling_says_how_to_set_one_up(world: World) -> None:
    world.core.controls.dial("0491 570 006")
    await until(lambda: world.listener.messages, what="the refusal")
    [(text, error)] = world.listener.messages
    assert error and text.startswith("Couldn't call 0491 570 006: No dialer is set up")
    assert world.listener.views == []


async def test_a_bad_number_is_refused_before_dialling(world: World) -> None:
    dialer = FakeDialer()
    world.core.switchboard.set_dialer(dialer)
    world.core.controls.dial("12")
    await until(lambda: world.listener.messages, what="the refusal")
    assert world.listener.messages[0][0].startswith("Couldn't call 12:") and dialer.dialled == []


async def test_a_call_no_source_controls_cannot_be_answered_from_the_card(world: World) -> None:
    world.core.switchboard.handle(event(EventType.RING))
    world.core.controls.answer("c1")
    assert world.listener.messages == [("This call can't be controlled from Ringside.", True)]


async def test_sign_in_again_without_a_handler_points_to_the_cli(world: World) -> None:
    world.core.controls.sign_in("rw")
    assert world.listener.messages == [("Run `ringside account connect rw` to sign in again.", True)]


async def test_sign_in_again_goes_to_the_handler() -> None:
    asked: list[str] = []
    build(sign_in=asked.append).core.controls.sign_in("rw")
    assert asked == ["rw"]


async def test_pausing_stops_cards_but_calls_are_still_saved(world: World) -> None:
    world.core.controls.set_paused(True)
    assert world.listener.tray[-1] == (TrayState.IDLE, "Paused")
    await ended_call_paused(world)
    assert world.listener.views == [] and world.listener.note_requests == []
    assert world.history.calls["c1"].state == "ended"


async def ended_call_paused(world: World) -> None:
    board = world.core.switchboard
    board.handle(event(EventType.RING))
    board.handle(event(EventType.ANSWER, seconds=1))
    board.handle(event(EventType.HANGUP, seconds=9))


async def test_the_missed_call_count_still_follows_after_a_count_was_cancelled_before_it_ran(world: World) -> None:
    controls = world.core.controls
    counts: list[int] = []
    controls.count_missed(counts.append)
    await world.core.tasks.aclose()  # its task cancelled before it ran (the app stopping as the tray asked)
    board = world.core.switchboard
    board.handle(event(EventType.RING))
    await until(lambda: world.listener.views and world.listener.latest("c1").complete)
    board.handle(event(EventType.HANGUP, seconds=5))  # unanswered: one to call back
    controls.count_missed(counts.append)  # asked again: counted, not taken for the cancelled one
    await until(lambda: counts == [1], what="the count")


def test_a_count_asked_with_the_loop_stopped_is_not_an_error() -> None:
    """Qt can still turn events once the loop has stopped (the app stopping, or between UI tests); a tray
    change then asks for the count with no loop to read it on."""
    world = build()
    counts: list[int] = []
    world.core.controls.count_missed(counts.append)
    assert counts == []
