"""A whole call through the real runtime (no widgets): events → lookup against the Recruit Wizard
emulator → note → outbox → the emulator's journal. The listener records what a UI would be shown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest

from app.config import paths
from app.core.lookup import Account
from app.core.models import CallEvent, Direction, EventType, LookupStatus, NoteStatus, RecordType
from app.core.views import CallState, CallView, TrayState
from app.runtime.runtime import Runtime
from app.sandbox.faults import FaultKind
from tests.conftest import RwEnv
from tests.support import caller

PRIYA = "+61491570006"


class Recorder:
    """A SwitchboardListener that lets a test await what the UI would have been told."""

    def __init__(self) -> None:
        self.views: list[CallView] = []
        self.note_requests: list[CallView] = []
        self.tray: list[tuple[TrayState, str]] = []
        self.messages: list[tuple[str, bool]] = []
        self._changed = asyncio.Event()

    def call_updated(self, view: CallView) -> None:
        self.views.append(view)
        self._changed.set()

    def note_requested(self, view: CallView) -> None:
        self.note_requests.append(view)
        self._changed.set()

    def tray_state_changed(self, state: TrayState, detail: str) -> None:
        self.tray.append((state, detail))

    def message(self, text: str, *, error: bool = False) -> None:
        self.messages.append((text, error))

    async def view(self, predicate: Callable[[CallView], bool], timeout: float = 5.0) -> CallView:
        async with asyncio.timeout(timeout):
            while True:
                for view in reversed(self.views):
                    if predicate(view):
                        return view
                self._changed.clear()
                await self._changed.wait()


@pytest.fixture
async def runtime(rw_env: RwEnv) -> AsyncIterator[tuple[Runtime, Recorder]]:
    recorder = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=rw_env.settings(), listener=recorder, secrets=rw_env.secrets)
    await rt.start()
    yield rt, recorder
    await rt.stop()


def event(type_: EventType, number: str = PRIYA, direction: Direction = Direction.INBOUND,
          call_id: str | None = None) -> CallEvent:
    return CallEvent(type=type_, number=caller(number), direction=direction, call_id=call_id, source="test",
                     at=datetime.now(UTC))


async def test_ring_shows_pending_card_at_once_then_the_contact_and_jobs(runtime: tuple[Runtime, Recorder]) -> None:
    rt, rec = runtime
    call_id = rt.switchboard.handle(event(EventType.RING))
    first = await rec.view(lambda v: True)  # the ringing card, before any CRM has answered
    assert first.call_id == call_id and first.state is CallState.RINGING
    assert [a.status for a in first.accounts] == [LookupStatus.PENDING]
    assert first.number_display == "0491 570 006"

    done = await rec.view(lambda v: v.complete)
    (result,) = done.accounts
    assert result.status is LookupStatus.FOUND
    (record,) = result.records
    assert (record.type, record.name) == (RecordType.CONTACT, "Priya Raman")
    assert record.link and "ContactID=" in record.link
    assert [j.title for j in result.jobs[record.key]]  # Priya has open jobs in the demo data


async def test_note_after_hangup_reaches_recruit_wizard_with_the_right_ids(
    runtime: tuple[Runtime, Recorder], rw_env: RwEnv
) -> None:
    rt, rec = runtime
    call_id = rt.switchboard.handle(event(EventType.RING, call_id="c1"))
    await rec.view(lambda v: v.complete)
    rt.switchboard.handle(event(EventType.ANSWER, call_id="c1"))
    rt.switchboard.handle(event(EventType.HANGUP, call_id="c1"))
    assert call_id == "c1"
    (request,) = rec.note_requests
    assert request.state is CallState.ENDED
    (chosen,) = request.chosen()

    await rt.controls.save_note("c1", "Wants two Java devs by March.", [chosen.key])
    logged = await rec.view(lambda v: any(n.status is NoteStatus.LOGGED for n in v.notes))
    assert logged.notes[0].record.name == "Priya Raman"
    (body,) = rw_env.sandbox.activities()
    assert body["StatusID"] == 2 and body["TypeId"] == 1
    assert body["Notes"] == "Wants two Java devs by March."
    assert body["LinkedPlayers"] == [{"EntityID": 2, "PlayerID": int(chosen.id or 0)}]
    history = rt.db.recent_calls(1)[0]
    assert history.notes[0]["status"] == "logged"


async def test_events_without_call_id_pair_by_number(runtime: tuple[Runtime, Recorder]) -> None:
    rt, rec = runtime
    first = rt.switchboard.handle(event(EventType.RING, "0491 570 006"))
    again = rt.switchboard.handle(event(EventType.RING, "+61491570006"))  # MicroSIP rings twice
    answered = rt.switchboard.handle(event(EventType.ANSWER, "0491570006"))
    ended = rt.switchboard.handle(event(EventType.HANGUP, "+61 491 570 006"))
    assert first == again == answered == ended
    assert rec.note_requests[0].state is CallState.ENDED
    # the next ring from the same number is a new call
    assert rt.switchboard.handle(event(EventType.RING, "0491570006")) != first


async def test_missed_inbound_call_asks_for_no_note(runtime: tuple[Runtime, Recorder]) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, call_id="m1"))
    rt.switchboard.handle(event(EventType.HANGUP, call_id="m1"))
    assert rec.note_requests == []
    assert rt.db.recent_calls(1)[0].state == "missed"


async def test_unreadable_number_is_shown_not_looked_up(runtime: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, "abc"))
    (view,) = rec.views  # nothing to look up: shown at once
    assert view.invalid_reason and "not a phone number" in view.invalid_reason
    assert view.accounts == ()
    assert rw_env.sandbox.journal.entries("/api/") == []


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (FaultKind.STATUS, "Recruit Wizard"),
        (FaultKind.HTML, "not JSON"),
        (FaultKind.MALFORMED, "not JSON"),
        (FaultKind.WRONG_SHAPE, "Recruit Wizard"),
    ],
)
async def test_a_failing_account_shows_its_error_on_its_own_section(
    runtime: tuple[Runtime, Recorder], rw_env: RwEnv, fault: FaultKind, message: str
) -> None:
    rt, rec = runtime
    rw_env.sandbox.faults.inject("/api/telephony/lookup", fault)
    rt.switchboard.handle(event(EventType.RING))
    view = await rec.view(lambda v: v.complete)
    (result,) = view.accounts
    assert result.status is LookupStatus.ERROR
    assert result.error and message in result.error
    # and the app goes on: the next call is looked up normally
    rt.switchboard.handle(event(EventType.RING, "+61491571266"))
    await rec.view(lambda v: v.number == "+61491571266" and v.complete)


async def test_a_slow_account_times_out_on_its_own_deadline(runtime: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    rt, rec = runtime
    rw_env.sandbox.faults.inject("/api/telephony/lookup", FaultKind.HANG)
    (account,) = rt.lookup.accounts
    rt.lookup.replace_accounts([Account(account.connector, timeout_s=0.3)])
    rt.switchboard.handle(event(EventType.RING))
    view = await rec.view(lambda v: v.complete)
    assert view.accounts[0].error == "Recruit Wizard didn't answer within 0.3 s."
