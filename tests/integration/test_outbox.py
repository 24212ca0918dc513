"""The note outbox against the Recruit Wizard emulator, through the real runtime: what each kind of
failure does to a note, what the recruiter sees, and what survives a restart."""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from app.config import paths
from app.config import settings as settings_mod
from app.config.settings import OutboxSettings, Settings
from app.core.models import Direction, EventType, NoteStatus
from app.core.views import CallView, TrayState
from app.crm.recruitwizard.connector import RecruitWizardConnector
from app.runtime.runtime import Runtime
from app.sandbox.faults import FaultKind
from app.storage.db import Database
from tests.conftest import RwEnv
from tests.integration.conftest import store_tokens
from tests.integration.test_call_flow import PRIYA, Recorder, event
from tests.support import until

ACTIVITIES = "/api/activities"
PRIYA_KEY = "rw:contact:533995"
FAST = OutboxSettings(backoff_initial_s=0.05, backoff_max_s=0.2, delivery_timeout_s=0.5)


def fast_settings(rw_env: RwEnv, **outbox: float) -> Settings:
    return rw_env.settings().model_copy(update={"outbox": FAST.model_copy(update=outbox)})


@pytest.fixture
async def started(rw_env: RwEnv) -> AsyncIterator[Callable[..., Runtime]]:
    """Start runtimes on the test's home (config.toml written, so reloads find the account)."""
    made: list[Runtime] = []

    async def start(settings: Settings | None = None, recorder: Recorder | None = None) -> Runtime:
        settings = settings or fast_settings(rw_env)
        settings_mod.save(paths.resolve().config_file, settings)
        rt = Runtime(paths=paths.resolve(), settings=settings, listener=recorder or Recorder(),
                     secrets=rw_env.secrets)
        await rt.start()
        made.append(rt)
        return rt

    yield start  # type: ignore[misc]
    for rt in made:
        try:
            rt.db.attention_count()
        except sqlite3.ProgrammingError:  # the test stopped it itself
            continue
        await rt.stop()


async def call_and_note(rt: Runtime, rec: Recorder, call_id: str, text: str = "Called about the Java role.") -> str:
    rt.switchboard.handle(event(EventType.RING, call_id=call_id))
    view = await rec.view(lambda v: v.call_id == call_id and v.complete)
    rt.switchboard.handle(event(EventType.ANSWER, call_id=call_id))
    rt.switchboard.handle(event(EventType.HANGUP, call_id=call_id))
    (record,) = view.chosen()
    await rt.controls.save_note(call_id, text, [record.key])
    return record.key


def note_is(call_id: str, status: NoteStatus) -> Callable[[CallView], bool]:
    return lambda v: v.call_id == call_id and any(n.status is status for n in v.notes)


async def test_a_permanent_refusal_fails_with_the_crms_own_message(started: Callable[..., Runtime],
                                                                  rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.STATUS, status=422)
    await call_and_note(rt, rec, "p1")
    view = await rec.view(note_is("p1", NoteStatus.FAILED))
    assert "Injected fault: HTTP 422" in view.notes[0].message  # the CRM's Message, as it said it
    assert len(rw_env.sandbox.journal.entries(ACTIVITIES)) == 1  # not retried
    assert rec.tray[-1][0] is TrayState.ATTENTION


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (502, None), (408, None), (429, 0.0), (503, 0.0)])
async def test_transient_failures_are_retried_until_logged(started: Callable[..., Runtime], rw_env: RwEnv,
                                                           status: int, retry_after: float | None) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.STATUS, status=status, retry_after=retry_after, count=2)
    await call_and_note(rt, rec, "t1")
    await rec.view(note_is("t1", NoteStatus.LOGGED))
    assert [e.status for e in rw_env.sandbox.journal.entries(ACTIVITIES)] == [status, status, 200]
    assert len(rw_env.sandbox.activities()) == 1


async def test_retry_after_is_honoured_for_the_whole_account(started: Callable[..., Runtime],
                                                             rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.STATUS, status=429, retry_after=1.0)
    await call_and_note(rt, rec, "r1")
    await until(lambda: rt.db.note_for("r1", PRIYA_KEY) is not None
                and rt.db.note_for("r1", PRIYA_KEY).attempts == 1, 5, "the 429")  # type: ignore[union-attr]
    refused_at = time.time()
    row = rt.db.note_for("r1", PRIYA_KEY)
    assert row is not None and row.next_attempt_at >= refused_at + 0.9  # not before Retry-After
    assert "Retrying in 1.0 s" in row.last_error
    # A second note meanwhile waits too: the CRM asked the whole account to slow down.
    await call_and_note(rt, rec, "r2")
    await rec.view(note_is("r1", NoteStatus.LOGGED), timeout=5)
    await rec.view(note_is("r2", NoteStatus.LOGGED), timeout=5)
    posts = rw_env.sandbox.journal.entries(ACTIVITIES)
    assert [e.status for e in posts] == [429, 200, 200]
    assert posts[1].at - posts[0].at >= 0.9


async def test_refused_connections_are_retried_and_the_note_resumes_after_a_restart(
        started: Callable[..., Runtime], rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    rt.switchboard.handle(event(EventType.RING, call_id="d1"))
    view = await rec.view(lambda v: v.call_id == "d1" and v.complete)
    rt.switchboard.handle(event(EventType.HANGUP, call_id="d1", direction=Direction.INBOUND))
    # The CRM goes away: connections are refused; the note waits.
    await rt.stop()
    rt2 = await started(fast_settings(rw_env, backoff_initial_s=30.0, backoff_max_s=30.0),
                        rec2 := Recorder())
    rw_env.server.stop()
    await rt2.controls.save_note("d1", "Left a voicemail.", [view.matches[0].key])
    await until(lambda: (n := rt2.db.note_for("d1", PRIYA_KEY)) is not None and n.attempts >= 1, 5, "a try")
    row = rt2.db.note_for("d1", PRIYA_KEY)
    assert row is not None and row.status is NoteStatus.PENDING and "Can't reach Recruit Wizard" in row.last_error
    await rt2.stop()  # quit with the note still pending (a laptop lid, say)

    # Next start, CRM back: the note goes out without anyone touching it.
    from app.sandbox.runner import SandboxServer
    server = SandboxServer(rw_env.sandbox.make_app, port=int(rw_env.server.url.rsplit(":", 1)[1])).start()
    try:
        rt3 = await started(recorder=rec2)
        await until(lambda: rt3.db.note_for("d1", PRIYA_KEY).status is NoteStatus.LOGGED,  # type: ignore[union-attr]
                    5, "the note to be logged after the restart")
        (activity,) = rw_env.sandbox.activities()
        assert activity["Notes"] == "Left a voicemail."
        await rt3.stop()
    finally:
        server.stop()


async def test_an_unknown_outcome_asks_the_recruiter_who_confirms_or_resends(
        started: Callable[..., Runtime], rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.HANG)
    key = await call_and_note(rt, rec, "u1")
    view = await rec.view(note_is("u1", NoteStatus.UNCONFIRMED))
    (target,) = view.notes
    assert "may or may not have been logged" in target.message
    assert "Check Priya Raman in Recruit Wizard" in target.message
    assert target.record.link and "ContactID=533995" in target.record.link  # where to check
    assert rec.tray[-1] == (TrayState.ATTENTION, "1 note(s) need you: failed, or to be checked in the CRM")
    assert rw_env.sandbox.activities() == []  # the hang never reached the handler
    journal = rw_env.sandbox.journal  # (it records the request once it notices the client gave up)
    assert journal.wait_for(lambda entries: any(e.path == ACTIVITIES for e in entries), 5)
    assert len(journal.entries(ACTIVITIES)) == 1  # and nothing was resent on its own

    await rt.controls.retry_note("u1", key)  # the recruiter looked: it isn't there
    await rec.view(note_is("u1", NoteStatus.LOGGED))
    assert len(rw_env.sandbox.activities()) == 1

    # Another one the recruiter finds in the CRM: confirmed, never sent again.
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.RESET)
    await call_and_note(rt, rec, "u2")
    await rec.view(note_is("u2", NoteStatus.UNCONFIRMED))
    await rt.controls.confirm_note("u2", key)
    logged = await rec.view(note_is("u2", NoteStatus.LOGGED))
    assert logged.notes[0].status is NoteStatus.LOGGED
    assert journal.wait_for(lambda entries: sum(e.path == ACTIVITIES for e in entries) >= 3, 5)
    assert len(journal.entries(ACTIVITIES)) == 3  # the confirmed one was not sent again
    row = rt.db.note_for("u2", key)
    assert row is not None and row.confirmed
    assert rec.tray[-1][0] is TrayState.IDLE


async def test_a_note_in_flight_when_the_app_died_needs_confirmation(started: Callable[..., Runtime],
                                                                    rw_env: RwEnv) -> None:
    rt = await started()
    rt.switchboard.handle(event(EventType.RING, call_id="k1"))
    await until(lambda: rt.switchboard.session("k1").view().complete, 5, "lookup")  # type: ignore[union-attr]
    rw_env.server.stop()  # nothing will be delivered before the "crash"
    rt.switchboard.handle(event(EventType.HANGUP, call_id="k1"))
    await rt.controls.save_note("k1", "Spoke about the offer.", [PRIYA_KEY])
    row = rt.db.note_for("k1", PRIYA_KEY)
    assert row is not None
    await rt.stop()
    db = Database(paths.resolve().database)
    db.claim(row.id)  # as if the request had gone out when the process was killed
    db.close()

    rec = Recorder()
    rt2 = await started(recorder=rec)
    await until(lambda: rt2.db.note_for("k1", PRIYA_KEY).status is NoteStatus.UNCONFIRMED  # type: ignore[union-attr]
                and rt2.outbox.attention == 1, 5, "the interrupted note to need confirmation")
    row = rt2.db.note_for("k1", PRIYA_KEY)
    assert row is not None and "Ringside stopped while sending this note to Recruit Wizard" in row.last_error
    assert rt2.outbox.attention == 1
    assert rec.tray[-1][0] is TrayState.ATTENTION


class IdempotentRecruitWizard(RecruitWizardConnector):
    """Recruit Wizard as if it de-duplicated on the delivery key (as retailCRM's externalId does)."""

    capabilities = dataclasses.replace(RecruitWizardConnector.capabilities, idempotent_log=True)


async def test_an_idempotent_crm_gets_the_uncertain_note_again(started: Callable[..., Runtime],
                                                              rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    connector = rt.connectors["rw"]
    assert isinstance(connector, RecruitWizardConnector)
    rt.connectors["rw"] = IdempotentRecruitWizard(connector.account, rt.clients["rw"], rw_env.secrets)
    rt.outbox.set_connectors(rt.connectors)
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.RESET)
    await call_and_note(rt, rec, "i1")
    await rec.view(note_is("i1", NoteStatus.LOGGED))
    assert [e.status for e in rw_env.sandbox.journal.entries(ACTIVITIES)] == [0, 200]


async def test_an_expired_sign_in_holds_the_note_until_the_account_signs_in_again(
        started: Callable[..., Runtime], rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(fast_settings(rw_env, backoff_initial_s=30.0), rec)
    rt.switchboard.handle(event(EventType.RING, call_id="s1"))
    await rec.view(lambda v: v.call_id == "s1" and v.complete)
    rw_env.sandbox.revoke_all()  # access and refresh tokens die: only a new sign-in helps
    rt.switchboard.handle(event(EventType.HANGUP, call_id="s1"))
    await rt.controls.save_note("s1", "Needs a callback Tuesday.", [PRIYA_KEY])
    await until(lambda: (n := rt.db.note_for("s1", PRIYA_KEY)) is not None and n.waiting == "sign_in",
                5, "the note to wait for a sign-in")
    row = rt.db.note_for("s1", PRIYA_KEY)
    assert row is not None and row.status is NoteStatus.PENDING
    assert "Waiting for you to sign in to Recruit Wizard again" in row.last_error

    store_tokens(rw_env.secrets, "rw", rw_env.sandbox.issue_tokens())  # `ringside account connect rw`
    await rt.reload_accounts("rw")  # what the instance door does when a sign-in finishes
    await until(lambda: rt.db.note_for("s1", PRIYA_KEY).status is NoteStatus.LOGGED,  # type: ignore[union-attr]
                5, "the note to go once signed in")
    assert rw_env.sandbox.activities()[0]["Notes"] == "Needs a callback Tuesday."


async def test_editing_a_note_before_it_goes_replaces_its_text(started: Callable[..., Runtime],
                                                              rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(fast_settings(rw_env, backoff_initial_s=30.0), rec)
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.STATUS, status=500)
    key = await call_and_note(rt, rec, "e1", "first draft")
    await until(lambda: (n := rt.db.note_for("e1", key)) is not None and n.attempts == 1, 5, "the 500")
    await rt.controls.save_note("e1", "second draft", [key])  # still pending: edited, due at once
    await rec.view(note_is("e1", NoteStatus.LOGGED))
    assert [a["Notes"] for a in rw_env.sandbox.activities()] == ["second draft"]
    await rt.controls.save_note("e1", "third draft", [key])  # logged: never sent again
    assert rt.db.note_for("e1", key).status is NoteStatus.LOGGED  # type: ignore[union-attr]
    assert len(rw_env.sandbox.activities()) == 1


async def test_a_past_call_is_logged_as_of_its_own_time_and_direction(started: Callable[..., Runtime],
                                                                      rw_env: RwEnv) -> None:
    rt = await started()
    earlier = datetime.now(UTC) - timedelta(days=2, hours=3)
    ring = event(EventType.RING, direction=Direction.OUTBOUND, call_id="old1").model_copy(update={"at": earlier})
    rt.switchboard.handle(ring)
    await until(lambda: rt.switchboard.session("old1").view().complete, 5, "lookup")  # type: ignore[union-attr]
    rt.switchboard.handle(ring.model_copy(update={"type": EventType.ANSWER, "at": earlier + timedelta(seconds=5)}))
    rt.switchboard.handle(ring.model_copy(update={"type": EventType.HANGUP, "at": earlier + timedelta(minutes=4)}))
    rt.controls.skip_note("old1")
    await rt.stop()

    rt2 = await started()  # the session is gone from memory: only history knows the call
    assert rt2.switchboard.session("old1") is None
    (past,) = [v for v in rt2.controls.call_history() if v.call_id == "old1"]
    assert past.duration_s == 235 and past.direction is Direction.OUTBOUND
    await rt2.controls.save_note("old1", "Logged afterwards.", [past.matches[0].key])
    await until(lambda: (n := rt2.db.note_for("old1", PRIYA_KEY)) is not None
                and n.status is NoteStatus.LOGGED, 5, "the past call's note")
    (activity,) = rw_env.sandbox.activities()
    assert activity["TypeId"] == 4  # outbound, as the call was
    assert activity["ActivityDate"].startswith(earlier.strftime("%Y-%m-%dT%H:%M:%S"))  # its time, not now
    (again,) = [v for v in rt2.controls.call_history() if v.call_id == "old1"]
    assert again.notes[0].status is NoteStatus.LOGGED and again.notes[0].text == "Logged afterwards."


async def test_history_views_carry_what_the_card_showed(started: Callable[..., Runtime]) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    await call_and_note(rt, rec, "h1")
    (view,) = [v for v in rt.core.history.calls() if v.call_id == "h1"]
    (record,) = view.matches
    assert (record.name, record.company, record.job_title) == ("Priya Raman", "Kestrel Software",
                                                               "Head of Engineering")
    assert record.link and view.chosen() == [record]
    assert view.number_display == "0491 570 006"
    assert PRIYA.endswith(view.e164[-9:])  # type: ignore[index]


async def test_a_note_left_failed_still_asks_for_attention_after_a_restart(started: Callable[..., Runtime],
                                                                          rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = await started(recorder=rec)
    rw_env.sandbox.faults.inject(ACTIVITIES, FaultKind.STATUS, status=400)
    key = await call_and_note(rt, rec, "f1")
    await rec.view(note_is("f1", NoteStatus.FAILED))
    await rt.stop()
    rec2 = Recorder()
    rt2 = await started(recorder=rec2)
    assert rec2.tray[-1][0] is TrayState.ATTENTION  # at once, before any call
    await rt2.controls.dismiss_note("f1", key)  # the recruiter gives up on it: it stays in history
    assert rec2.tray[-1][0] is TrayState.IDLE
    (past,) = [v for v in rt2.controls.call_history() if v.call_id == "f1"]
    assert past.notes[0].status is NoteStatus.FAILED
